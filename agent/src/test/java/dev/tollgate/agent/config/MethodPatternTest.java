package dev.tollgate.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The retrofit pattern language: what parses, what each piece matches, and every message for what does not. */
class MethodPatternTest {

    private static MethodPattern parse(String text) {
        try {
            return MethodPattern.parse(text);
        } catch (MethodPattern.Invalid e) {
            throw new AssertionError("'" + text + "' was refused: " + e.getMessage(), e);
        }
    }

    private static void assertRefused(String text, String message) {
        assertThatThrownBy(() -> MethodPattern.parse(text)).as(text)
                .isInstanceOf(MethodPattern.Invalid.class).hasMessage(message);
    }

    // ---- valid forms and what they match ----

    @Test
    void aPlainClassAndMethodWithAnyParameters() {
        MethodPattern p = parse("com.acme.pdf.Merger#merge(..)");
        assertThat(p.text()).isEqualTo("com.acme.pdf.Merger#merge(..)");
        assertThat(p.subtypes()).isFalse();
        assertThat(p.matchesType("com.acme.pdf.Merger")).isTrue();
        assertThat(p.matchesType("com.acme.pdf.MergerImpl")).isFalse();
        assertThat(p.matchesType("com.acme.pdf.sub.Merger")).isFalse();
        assertThat(p.matchesType("org.acme.pdf.Merger")).isFalse();
        assertThat(p.matchesMethodName("merge")).isTrue();
        assertThat(p.matchesMethodName("mergeAll")).isFalse();
        assertThat(p.namesMethodExactly()).isTrue();
        assertThat(p.matchesParameters(List.of())).isTrue();
        assertThat(p.matchesParameters(List.of("java.lang.String"))).isTrue();
        assertThat(p.matchesParameters(List.of("int", "long[]", "java.util.List"))).isTrue();
    }

    @Test
    void aStarStandsForAnyPartOfOneNameAndNeverCrossesADot() {
        MethodPattern p = parse("com.acme.report.*Service#export*(java.lang.String, ..)");
        assertThat(p.matchesType("com.acme.report.ReportService")).isTrue();
        assertThat(p.matchesType("com.acme.report.Service")).as("'*' may be empty").isTrue();
        assertThat(p.matchesType("com.acme.report.Outer$InnerService")).as("nested classes are in the package")
                .isTrue();
        assertThat(p.matchesType("com.acme.report.sub.ReportService")).as("no sub-packages").isFalse();
        assertThat(p.matchesType("com.acme.reporting.ReportService")).isFalse();
        assertThat(p.matchesType("com.acme.report.ServiceImpl")).isFalse();
        assertThat(p.matchesMethodName("export")).isTrue();
        assertThat(p.matchesMethodName("exportAll")).isTrue();
        assertThat(p.matchesMethodName("doExport")).isFalse();
        assertThat(p.namesMethodExactly()).isFalse();
    }

    @Test
    void aStarCanStandForAWholePackageNameOrTheMiddleOfAName() {
        MethodPattern p = parse("com.acme.*.internal.Re*rt#run()");
        assertThat(p.matchesType("com.acme.pdf.internal.Report")).isTrue();
        assertThat(p.matchesType("com.acme.pdf.internal.Rert")).isTrue();
        assertThat(p.matchesType("com.acme.internal.Report")).isFalse();
        assertThat(p.matchesType("com.acme.pdf.x.internal.Report")).isFalse();
        MethodPattern all = parse("com.acme.*#*(..)");
        assertThat(all.matchesType("com.acme.Anything")).isTrue();
        assertThat(all.matchesType("com.acme.sub.Anything")).isFalse();
        assertThat(all.matchesMethodName("anything")).isTrue();
    }

    @Test
    void parametersAreMatchedExactlyOrAsAPrefixBeforeDotDot() {
        MethodPattern none = parse("com.acme.Foo#run()");
        assertThat(none.matchesParameters(List.of())).isTrue();
        assertThat(none.matchesParameters(List.of("int"))).isFalse();

        MethodPattern exact = parse("com.acme.Foo#run(byte[], int, java.lang.String[][], com.acme.Outer$Inner)");
        assertThat(exact.matchesParameters(List.of("byte[]", "int", "java.lang.String[][]", "com.acme.Outer$Inner")))
                .isTrue();
        assertThat(exact.matchesParameters(List.of("byte[]", "int", "java.lang.String[]", "com.acme.Outer$Inner")))
                .isFalse();
        assertThat(exact.matchesParameters(List.of("byte[]", "int", "java.lang.String[][]"))).isFalse();
        assertThat(exact.matchesParameters(List.of("byte[]", "long", "java.lang.String[][]", "com.acme.Outer$Inner")))
                .isFalse();

        MethodPattern prefix = parse("com.acme.Foo#run(java.lang.String, ..)");
        assertThat(prefix.matchesParameters(List.of("java.lang.String"))).isTrue();
        assertThat(prefix.matchesParameters(List.of("java.lang.String", "int", "int"))).isTrue();
        assertThat(prefix.matchesParameters(List.of())).isFalse();
        assertThat(prefix.matchesParameters(List.of("java.lang.Object", "int"))).isFalse();

        for (String primitive : List.of("boolean", "byte", "char", "short", "int", "long", "float", "double")) {
            assertThat(parse("com.acme.Foo#run(" + primitive + "[])").matchesParameters(List.of(primitive + "[]")))
                    .as(primitive).isTrue();
        }
    }

    @Test
    void plusMeansTheTypeAndItsSubtypes() {
        MethodPattern p = parse("com.acme.spi.Exporter+#write(..)");
        assertThat(p.subtypes()).isTrue();
        assertThat(p.matchesType("com.acme.spi.Exporter")).isTrue();
        assertThat(p.text()).isEqualTo("com.acme.spi.Exporter+#write(..)");
    }

    @Test
    void nestedClassesAreWrittenWithDollarAndTheDefaultPackageIsAllowed() {
        assertThat(parse("com.acme.Outer$Inner#run()").matchesType("com.acme.Outer$Inner")).isTrue();
        assertThat(parse("com.acme.Outer$*#run()").matchesType("com.acme.Outer$Inner")).isTrue();
        assertThat(parse("Main#run()").matchesType("Main")).isTrue();
    }

    @Test
    void spacesAroundTheSeparatorsAreTolerated() {
        MethodPattern p = parse("  com.acme.Foo + # run ( java.lang.String ,  .. )  ");
        assertThat(p.subtypes()).isTrue();
        assertThat(p.matchesType("com.acme.Foo")).isTrue();
        assertThat(p.matchesMethodName("run")).isTrue();
        assertThat(p.matchesParameters(List.of("java.lang.String", "int"))).isTrue();
    }

    @Test
    void theInternalNameCheckComparesTheLiteralPrefixBeforeAnyPattern() {
        MethodPattern literal = parse("com.acme.pdf.Merger#merge(..)");
        assertThat(literal.mayMatchInternalName("com/acme/pdf/Merger")).isTrue();
        assertThat(literal.mayMatchInternalName("com/acme/pdf/MergerX")).isFalse();
        assertThat(literal.mayMatchInternalName("com/acme/pdf/Merge")).isFalse();
        assertThat(literal.mayMatchInternalName("com/acme/pdf")).isFalse();
        assertThat(literal.mayMatchInternalName(null)).isFalse();

        MethodPattern glob = parse("com.acme.report.*Service#export(..)");
        assertThat(glob.mayMatchInternalName("com/acme/report/ReportService")).isTrue();
        assertThat(glob.mayMatchInternalName("com/acme/report/Outer$InnerService")).isTrue();
        assertThat(glob.mayMatchInternalName("com/acme/report/sub/ReportService")).isFalse();
        assertThat(glob.mayMatchInternalName("com/acme/report/ReportServices")).isFalse();
        assertThat(glob.mayMatchInternalName("org/acme/report/ReportService")).isFalse();
    }

    // ---- syntax errors, each with its message ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', commentCharacter = '~', textBlock = """
            com.acme.Merger | missing '#' and the method: write the class, '#', the method and its parameters, e.g. com.acme.Merger#merge(..)
            com.acme.Merger#merge#x() | has more than one '#'; write one class and one method, e.g. com.acme.Merger#merge(..)
            #merge(..) | names no class before '#': write e.g. com.acme.Merger#merge(..)
            +#merge(..) | names no class before '#': write e.g. com.acme.Merger#merge(..)
            com.acme.Merger# | names no method after '#': write e.g. com.acme.Merger#merge(..)
            com.acme.Merger#merge | missing the parameter list after 'merge': write merge(..) for any parameters, or merge() for none
            com.acme.Merger#(..) | names no method before '(': write e.g. com.acme.Merger#merge(..)
            com.acme.Merger#merge(.. | missing ')' at the end of the parameter list
            com.acme.Merger#merge(..) throws X | unexpected text after ')': 'throws X'
            com.acme+.Merger#merge(..) | '+' goes right after the class name, before '#', e.g. com.acme.spi.Exporter+#write(..)
            com.acme.Merger++#merge(..) | '+' goes right after the class name, before '#', e.g. com.acme.spi.Exporter+#write(..)
            com.acme.**#merge(..) | '**' is not supported: '*' matches within one name and never across '.'; write one '*' per name (com.acme.*.Service), or use '+' on a common supertype
            com..acme.Merger#merge(..) | '..' in a class name (any sub-package) is not supported: name each package, write '*' for one name (com.acme.*.Service), or use '+' on a common supertype
            com.acme..*#merge(..) | '..' in a class name (any sub-package) is not supported: name each package, write '*' for one name (com.acme.*.Service), or use '+' on a common supertype
            .com.acme.Merger#merge(..) | '.com.acme.Merger' is not a class name: a name is missing next to '.'
            com.acme.#merge(..) | 'com.acme.' is not a class name: a name is missing next to '.'
            com/acme/Merger#merge(..) | write the class with dots, not '/': com.acme.Merger
            com.acme.Cache<K>#get(..) | 'com.acme.Cache<K>': type arguments are not written, rules match classes by name (com.acme.Cache, not com.acme.Cache<K, V>)
            com.acme.1Merger#merge(..) | '1' is not allowed in a class name ('1Merger'); '*' stands for any part of one name
            com.acme.Mer ger#merge(..) | a space is not allowed in a class name ('Mer ger')
            com.acme.Merger#mer-ge() | '-' is not allowed in a method name ('mer-ge'); '*' stands for any part of one name
            com.acme.Merger#a.b() | a method name has no '.': put the class before '#', e.g. com.acme.Merger#merge(..)
            com.acme.Merger#ex**() | '**' is not supported: '*' alone matches any run of characters in a method name
            com.acme.Merger#m(int,,int) | a parameter type is missing between ','
            com.acme.Merger#m(int,) | a parameter type is missing between ','
            com.acme.Merger#m(.., int) | '..' may only end the parameter list, as in (java.lang.String, ..)
            com.acme.Merger#m(java.lang.String...) | write the varargs parameter 'java.lang.String...' as an array: java.lang.String[]
            com.acme.Merger#m(java.util.List<java.lang.String>) | 'java.util.List<java.lang.String>': type arguments are not written, parameters match by their erased type (java.util.List, not java.util.List<java.lang.String>)
            com.acme.Merger#m(java.lang.*) | 'java.lang.*': parameter types are written in full (java.lang.String, int, byte[]), without '*'; write .. for any parameters
            com.acme.Merger#m(*) | '*': parameter types are written in full (java.lang.String, int, byte[]), without '*'; write .. for any parameters
            com.acme.Merger#m(String) | 'String' is not fully qualified: write java.lang.String
            com.acme.Merger#m(Sales) | 'Sales' is not fully qualified: write its package too, e.g. com.acme.Sales
            com.acme.Merger#m(int[) | 'int[' is not a parameter type (write arrays as byte[] or java.lang.String[][])
            com.acme.Merger#m([]) | '[]' is not a parameter type (write arrays as byte[] or java.lang.String[][])
            com.acme.Merger#m(void) | 'void' is not a parameter type; write () for a method without parameters
            com.acme.Merger#m(java..lang.String) | 'java..lang.String' is not a parameter type: a name is missing next to '.'
            com.acme.Merger#m(java.lang.Str-ing) | '-' is not allowed in a parameter type ('Str-ing')
            com.acme.Merger#m(my-type) | '-' is not allowed in a parameter type ('my-type')
            """)
    void everySyntaxErrorSaysWhatIsWrongAndHowToWriteIt(String text, String message) {
        assertRefused(text, message);
    }

    // ---- refusals ----

    @ParameterizedTest
    @ValueSource(strings = {"*#*", "*#*(..)", "*#run()", "*.*#*(..)", "*.*.*#export(..)", "*+#write(..)"})
    void aRuleThatWouldMatchEveryClassIsRefused(String text) {
        String type = text.substring(0, text.indexOf('#')).replace("+", "");
        assertRefused(text, "'" + type + "' matches every class: name the package at least, e.g. "
                + "com.acme.*Service#export*(..)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"*.acme.Merger#merge(..)", "c*.acme.Merger#merge(..)", "*Service#export(..)"})
    void aClassPatternThatStartsWithAWildcardIsRefused(String text) {
        String type = text.substring(0, text.indexOf('#'));
        assertRefused(text, "'" + type + "' starts with a wildcard and would reach into every library and the JDK: "
                + "write the first name of the package out, e.g. com.acme.*Service");
    }

    @ParameterizedTest
    @ValueSource(strings = {"java.util.List#add(..)", "java.lang.String#length()", "javax.swing.*#paint(..)",
        "jdk.internal.misc.Unsafe#getInt(..)", "sun.misc.Unsafe#getInt(..)", "com.sun.net.httpserver.HttpServer#start()"})
    void rulesOnTheJavaPlatformAreRefused(String text) {
        String type = text.substring(0, text.indexOf('#'));
        assertRefused(text, "'" + type + "' is in the Java platform (java.*, javax.*, jdk.*, sun.*, com.sun.*), which "
                + "the agent never meters; meter the product's own method that calls it");
    }

    @Test
    void aPlusRuleOnAPlatformTypeIsRefusedToo() {
        assertRefused("java.lang.Runnable+#run()", "'java.lang.Runnable' is in the Java platform (java.*, javax.*, "
                + "jdk.*, sun.*, com.sun.*), which the agent never meters, not even through '+'; meter the product's "
                + "own method that calls it");
    }

    @Test
    void packagesThatOnlyLookLikeThePlatformAreAllowed() {
        assertThat(parse("com.sunny.Weather#forecast(..)").matchesType("com.sunny.Weather")).isTrue();
        assertThat(parse("javafoo.Bar#baz()").matchesType("javafoo.Bar")).isTrue();
        assertThat(parse("com.acme.java.Util#run()").matchesType("com.acme.java.Util")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev.tollgate.agent.meter.Metering#enter(..)", "dev.tollgate.UsageDeniedException#getReason()",
        "dev.tollgate.*.Foo#bar()"})
    void rulesOnTheAgentsOwnCodeAreRefused(String text) {
        String type = text.substring(0, text.indexOf('#'));
        assertRefused(text, "'" + type + "' is the Tollgate agent's own code (dev.tollgate.*), which it never meters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"com.acme.Merger#<init>(..)", "com.acme.Merger#new(..)", "com.acme.Merger#new()"})
    void constructorsAreRefused(String text) {
        String name = text.substring(text.indexOf('#') + 1, text.indexOf('('));
        assertRefused(text, "'" + name + "' is a constructor: constructors cannot be metered, because advice cannot "
                + "skip a constructor's body; meter a method instead");
    }

    @ParameterizedTest
    @ValueSource(strings = {"com.acme.Merger#Merger(..)", "com.acme.Outer$Merger#Merger()", "Merger#Merger(int)"})
    void aMethodNamedLikeItsClassIsTakenForAConstructorAndRefused(String text) {
        assertRefused(text, "'Merger' is the class's own name, so it means a constructor: constructors cannot be "
                + "metered, because advice cannot skip a constructor's body; meter a method instead");
    }

    @Test
    void aStaticInitializerIsRefused() {
        assertRefused("com.acme.Merger#<clinit>()", "'<clinit>' is a static initializer, which cannot be metered; "
                + "meter a method instead");
    }

    @Test
    void aWildcardMethodNameOnAClassIsNotTakenForAConstructor() {
        assertThat(parse("com.acme.Merger#Merg*(..)").matchesMethodName("Merger")).isTrue();
        assertThat(parse("com.acme.*#Merger(..)").matchesType("com.acme.Other")).isTrue();
    }
}
