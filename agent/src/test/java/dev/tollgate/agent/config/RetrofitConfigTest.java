package dev.tollgate.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The {@code retrofit:} section: rules with their lines, and every mistake as a located problem. */
class RetrofitConfigTest {

    private static final String FILE = "/etc/acme/tollgate.yml";
    private static final Path BASE = Paths.get("/etc/acme");
    private static final String FEATURES = """
            features:
              merge: { mode: credits }
              export: { mode: credits, cost: 3 }
            """;

    private static Config parse(String yaml) {
        return new ConfigLoader(Map.of(), "/home/acme").parse(yaml, FILE, BASE);
    }

    private static void assertOnlyProblem(Config config, int line, String key, String message) {
        assertThat(config.problems()).as("problems").hasSize(1);
        Problem p = config.problems().get(0);
        assertThat(p.file()).isEqualTo(FILE);
        assertThat(p.line()).as("line of %s", p).isEqualTo(line);
        assertThat(p.key()).as("key of %s", p).isEqualTo(key);
        assertThat(p.message()).as("message of %s", p).isEqualTo(message);
    }

    @Test
    void theRulesOfTheIssueAreReadInFileOrderWithTheirLines() {
        Config config = parse(FEATURES + """
                retrofit:
                  - method: com.acme.pdf.Merger#merge(..)          # a class and method, any parameters
                    feature: merge
                  - method: com.acme.report.*Service#export*(java.lang.String, ..)
                    feature: export
                    cost: 2
                  - method: com.acme.spi.Exporter+#write(..)       # '+': the type and all its subtypes
                    feature: export
                """);
        assertThat(config.problems()).isEmpty();
        List<Rule> rules = config.rules();
        assertThat(rules).hasSize(3);

        Rule merge = rules.get(0);
        assertThat(merge.index()).isZero();
        assertThat(merge.line()).isEqualTo(5);
        assertThat(merge.pattern().text()).isEqualTo("com.acme.pdf.Merger#merge(..)");
        assertThat(merge.feature()).isEqualTo("merge");
        assertThat(merge.cost()).as("no cost: the feature's applies").isZero();
        assertThat(merge.origin()).isEqualTo("retrofit rule /etc/acme/tollgate.yml:5");
        assertThat(merge.key()).isEqualTo("retrofit[0]");
        assertThat(merge.location()).isEqualTo("/etc/acme/tollgate.yml:5: retrofit[0]");

        assertThat(rules.get(1).line()).isEqualTo(7);
        assertThat(rules.get(1).cost()).isEqualTo(2);
        assertThat(rules.get(1).pattern().matchesType("com.acme.report.PdfService")).isTrue();
        assertThat(rules.get(2).line()).isEqualTo(10);
        assertThat(rules.get(2).pattern().subtypes()).isTrue();
        assertThat(rules.get(2).toString()).isEqualTo("/etc/acme/tollgate.yml:10: retrofit[2]: "
                + "com.acme.spi.Exporter+#write(..) -> export");
    }

    @Test
    void flowStyleRulesWorkWhenThePatternIsQuoted() {
        Config config = parse(FEATURES + """
                retrofit:
                  - { method: "com.acme.Codec#encode(byte[], int, ..)", feature: export, cost: 1 }
                """);
        assertThat(config.problems()).isEmpty();
        assertThat(config.rules()).singleElement().satisfies(r -> {
            assertThat(r.line()).isEqualTo(5);
            assertThat(r.pattern().matchesParameters(List.of("byte[]", "int"))).isTrue();
        });
    }

    @Test
    void anEmptyRetrofitSectionHasNoRulesAndNoProblems() {
        Config config = parse(FEATURES + "retrofit:\n");
        assertThat(config.problems()).isEmpty();
        assertThat(config.rules()).isEmpty();
        assertThat(parse(FEATURES).rules()).isEmpty();
    }

    @Test
    void aSyntaxErrorIsLocatedAtTheRulesMethodLineAndTheRuleIsDropped() {
        Config config = parse(FEATURES + """
                retrofit:
                  - method: com.acme.pdf.Merger#merge(..)
                    feature: merge
                  - feature: export
                    method: com.acme.pdf.Merger#merge
                """);
        assertOnlyProblem(config, 8, "retrofit[1].method", "missing the parameter list after 'merge': write "
                + "merge(..) for any parameters, or merge() for none");
        assertThat(config.rules()).extracting(Rule::index).containsExactly(0);
    }

    @Test
    void aRefusedRuleIsAProblemAndIsNeverInstalled() {
        Config config = parse(FEATURES + """
                retrofit:
                  - method: java.util.List#add(..)
                    feature: merge
                  - method: "*#*(..)"
                    feature: merge
                  - method: com.acme.Merger#<init>(..)
                    feature: merge
                """);
        assertThat(config.problems()).extracting(Problem::toString).containsExactly(
                FILE + ":5: retrofit[0].method: 'java.util.List' is in the Java platform (java.*, javax.*, jdk.*, "
                        + "sun.*, com.sun.*), which the agent never meters; meter the product's own method that calls it",
                FILE + ":7: retrofit[1].method: '*' matches every class: name the package at least, e.g. "
                        + "com.acme.*Service#export*(..)",
                FILE + ":9: retrofit[2].method: '<init>' is a constructor: constructors cannot be metered, because "
                        + "advice cannot skip a constructor's body; meter a method instead");
        assertThat(config.rules()).isEmpty();
        assertThat(config.isValid()).isFalse();
    }

    @Test
    void aRuleWithoutAMethodIsReportedAtItsLine() {
        assertOnlyProblem(parse(FEATURES + "retrofit:\n  - feature: merge\n"), 5, "retrofit[0].method",
                "missing: the method to meter, e.g. com.acme.Merger#merge(..)");
    }

    @Test
    void aRuleWithoutAFeatureIsReportedAtItsLineAndDropped() {
        Config config = parse(FEATURES + "retrofit:\n  - method: com.acme.Merger#merge(..)\n");
        assertOnlyProblem(config, 5, "retrofit[0].feature", "missing: the feature each call charges, one of features:");
        assertThat(config.rules()).isEmpty();
    }

    @Test
    void aFeatureNotUnderFeaturesIsReportedWithASuggestionButTheRuleStaysSoItsMethodsAreDenied() {
        Config config = parse(FEATURES + """
                retrofit:
                  - method: com.acme.Exporter#export(..)
                    feature: exprt
                """);
        assertOnlyProblem(config, 6, "retrofit[0].feature", "no feature 'exprt' under features: (did you mean "
                + "'export'?)");
        assertThat(config.rules()).extracting(Rule::feature).containsExactly("exprt");
    }

    @Test
    void aFeatureThatHasItsOwnProblemIsNotReportedAgainByTheRule() {
        Config config = parse("""
                features:
                  merge: { mode: prepaid }
                retrofit:
                  - method: com.acme.Merger#merge(..)
                    feature: merge
                """);
        assertOnlyProblem(config, 2, "features.merge.mode", "must be one of credits, usage, got 'prepaid'");
    }

    @Test
    void aCostBelowOneIsReportedAndTheFeaturesCostApplies() {
        Config config = parse(FEATURES + """
                retrofit:
                  - method: com.acme.Merger#merge(..)
                    feature: merge
                    cost: 0
                """);
        assertOnlyProblem(config, 7, "retrofit[0].cost", "must be a whole number of at least 1, got 0");
        assertThat(config.rules()).singleElement().extracting(Rule::cost).isEqualTo(0);
    }

    @Test
    void anUnknownKeyInARuleIsReportedWithASuggestion() {
        assertOnlyProblem(parse(FEATURES + """
                retrofit:
                  - method: com.acme.Merger#merge(..)
                    feature: merge
                    costs: 2
                """), 7, "retrofit[0].costs", "unknown key (did you mean 'cost'?); known here: method, feature, cost");
    }

    @Test
    void retrofitMustBeAListOfMappings() {
        assertOnlyProblem(parse(FEATURES + "retrofit:\n  method: com.acme.Merger#merge(..)\n"), 4, "retrofit",
                "must be a list of rules, each '- method: com.acme.Merger#merge(..)' with its feature");
        assertOnlyProblem(parse(FEATURES + "retrofit: com.acme.Merger#merge(..)\n"), 4, "retrofit",
                "must be a list of rules, each '- method: com.acme.Merger#merge(..)' with its feature");
        assertOnlyProblem(parse(FEATURES + "retrofit:\n  - com.acme.Merger#merge(..)\n"), 5, "retrofit[0]",
                "must be a mapping of keys to values");
    }

    @Test
    void aMethodThatIsNotASingleValueIsReported() {
        assertOnlyProblem(parse(FEATURES + "retrofit:\n  - method: [a, b]\n    feature: merge\n"), 5,
                "retrofit[0].method", "must be a single value, not a list");
    }

    @Test
    void environmentVariablesWorkInPatterns() {
        Config config = new ConfigLoader(Map.of("ACME_PKG", "com.acme"), "/home/acme").parse(FEATURES + """
                retrofit:
                  - method: ${ACME_PKG}.Merger#merge(..)
                    feature: merge
                  - method: ${NO_SUCH_VARIABLE}.Merger#merge(..)
                    feature: merge
                """, FILE, BASE);
        assertThat(config.rules()).singleElement().satisfies(r ->
                assertThat(r.pattern().matchesType("com.acme.Merger")).isTrue());
        assertThat(config.problems()).extracting(Problem::toString).containsExactly(
                FILE + ":7: retrofit[1].method: the environment variable NO_SUCH_VARIABLE is not set");
    }

    @Test
    void everyBrokenRuleIsReportedNotOnlyTheFirst() {
        Config config = parse(FEATURES + """
                retrofit:
                  - method: com.acme.**#merge(..)
                    feature: merge
                  - method: com.acme.Merger#merge(String)
                    feature: merge
                  - method: com.acme.Merger#merge(..)
                    feature: nope
                """);
        assertThat(config.problems()).extracting(Problem::key)
                .containsExactly("retrofit[0].method", "retrofit[1].method", "retrofit[2].feature");
        assertThat(config.problems()).extracting(Problem::line).containsExactly(5, 7, 10);
    }

    @Test
    void withProblemsKeepsTheRules() {
        Config config = parse(FEATURES + "retrofit:\n  - method: com.acme.Merger#merge(..)\n    feature: merge\n");
        Config more = config.withProblems(List.of(new Problem(FILE, 1, "x", "y")));
        assertThat(more.rules()).isEqualTo(config.rules());
    }
}
