package dev.tollgate.agent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;

/**
 * The agent's package layout, as the README's layout section draws it, held by the build: which package may
 * use which, and where each library may appear. A change that breaks it fails here with the offending
 * class and dependency; change the layout on purpose by changing this test and the README together.
 *
 * <pre>
 * root (entry points) -> boot (wiring), cli (commands)
 * boot -> instrument, rules, meter, site, bridge, config, backend, ledger, journal, grant (expected key digest), log
 * cli  -> boot (status), instrument (class files), rules, config; status reads ledger, journal, backend
 * instrument -> rules, site, bridge, config, log         rules -> config
 * meter -> site, bridge, ledger, journal, backend, config, log
 * ledger -> backend, grant (signed top-ups), log; grant -> log      backend.cryptolens -> backend, config, log      config -> log
 * bridge -> the JDK and the annotations jar only (it is on the bootstrap class path)
 * </pre>
 */
class ArchitectureTest {

    private static final String AGENT = "dev.tollgate.agent";

    /** The agent's main classes (not the tests). */
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(AGENT);

    /** What every package may use: the JDK, the annotations jar's public API, and the agent's own log. */
    private static final String[] BASE = {"java..", "dev.tollgate", AGENT + ".log"};

    private static ArchRule mayUseOnly(String pkg, String... allowed) {
        String[] all = new String[BASE.length + allowed.length + 1];
        System.arraycopy(BASE, 0, all, 0, BASE.length);
        all[BASE.length] = AGENT + "." + pkg;
        for (int i = 0; i < allowed.length; i++) {
            all[BASE.length + 1 + i] = allowed[i].contains(".") ? allowed[i] : AGENT + "." + allowed[i];
        }
        return classes().that().resideInAPackage(AGENT + "." + pkg)
                .should().onlyDependOnClassesThat(resideInAnyPackageOrArrayOfPrimitives(all))
                .as(pkg + " uses only " + String.join(", ", allowed).replace(AGENT + ".", "")
                        + (allowed.length == 0 ? "the JDK and log" : " (and the JDK, log)"));
    }

    /** {@code resideInAnyPackage}, also letting through {@code byte[]} and the like (whose package is ""). */
    private static DescribedPredicate<JavaClass> resideInAnyPackageOrArrayOfPrimitives(String... packages) {
        DescribedPredicate<JavaClass> inPackages = JavaClass.Predicates.resideInAnyPackage(packages);
        return DescribedPredicate.describe("reside in any package " + String.join(", ", packages),
                c -> inPackages.test(c) || c.isPrimitive()
                        || (c.isArray() && c.getBaseComponentType().isPrimitive()));
    }

    @Test
    void eachPackageUsesOnlyThePackagesBelowItInTheDataFlow() {
        CompositeArchRule.of(mayUseOnly("log"))
                .and(mayUseOnly("site"))
                .and(mayUseOnly("journal"))
                .and(mayUseOnly("backend"))
                .and(mayUseOnly("backend.cryptolens", "backend", "config", "okhttp3..", "okio..", "kotlin..",
                        "com.fasterxml.jackson.."))
                .and(mayUseOnly("grant"))
                .and(mayUseOnly("ledger", "backend", "grant"))
                .and(mayUseOnly("meter", "site", "bridge", "ledger", "journal", "backend", "config"))
                .and(mayUseOnly("rules", "config"))
                .and(mayUseOnly("instrument", "rules", "site", "bridge", "config", "net.bytebuddy.."))
                .and(mayUseOnly("cli", "boot", "instrument", "rules", "config", "ledger", "journal", "backend", "grant"))
                .check(MAIN);
    }

    /**
     * The config reads YAML and knows no backend: the one Cryptolens settings model, with the loopback rule, lives
     * in {@code config}, and {@code backend.cryptolens} consumes it.
     */
    @Test
    void configUsesSnakeYamlAndNoBackend() {
        classes().that().resideInAPackage(AGENT + ".config")
                .should().onlyDependOnClassesThat(resideInAnyPackageOrArrayOfPrimitives("java..", AGENT + ".config",
                        AGENT + ".log", "org.yaml.snakeyaml.."))
                .check(MAIN);
        noClasses().that().resideInAPackage(AGENT + ".config")
                .should().dependOnClassesThat().resideInAPackage(AGENT + ".backend..")
                .check(MAIN);
    }

    /** The bridge is host code's one way in, from the bootstrap class path: it sees nothing else of the agent. */
    @Test
    void theBridgeUsesOnlyTheJdkAndWhatTheBootstrapJarHolds() {
        classes().that().resideInAPackage(AGENT + ".bridge")
                .should().onlyDependOnClassesThat(resideInAnyPackageOrArrayOfPrimitives("java..", "dev.tollgate",
                        AGENT + ".bridge"))
                .check(MAIN);
    }

    @Test
    void onlyTheWiringAndTheCommandsUseInstrumentAndOnlyTheEntryPointsUseTheCommands() {
        noClasses().that().resideOutsideOfPackages(AGENT + ".boot", AGENT + ".cli", AGENT + ".instrument")
                .should().dependOnClassesThat().resideInAPackage(AGENT + ".instrument")
                .check(MAIN);
        noClasses().that().resideOutsideOfPackages(AGENT, AGENT + ".cli")
                .should().dependOnClassesThat().resideInAPackage(AGENT + ".cli")
                .check(MAIN);
        noClasses().that().resideOutsideOfPackage(AGENT)
                .should().dependOnClassesThat().resideInAPackage(AGENT)
                .as("nothing uses the entry points").check(MAIN);
    }

    @Test
    void byteBuddyAndAsmAppearOnlyInInstrument() {
        noClasses().that().resideOutsideOfPackage(AGENT + ".instrument")
                .should().dependOnClassesThat().resideInAPackage("net.bytebuddy..")
                .check(MAIN);
    }

    @Test
    void okHttpAndJacksonAppearOnlyInTheCryptolensBackend() {
        noClasses().that().resideOutsideOfPackage(AGENT + ".backend.cryptolens")
                .should().dependOnClassesThat().resideInAnyPackage("okhttp3..", "okio..", "kotlin..",
                        "com.fasterxml.jackson..")
                .check(MAIN);
    }

    @Test
    void snakeYamlAppearsOnlyInConfig() {
        noClasses().that().resideOutsideOfPackage(AGENT + ".config")
                .should().dependOnClassesThat().resideInAPackage("org.yaml.snakeyaml..")
                .check(MAIN);
    }

    @Test
    void theRulesNeedNoBytecodeLibraryNoInstrumentationAndNoRunningAgent() {
        noClasses().that().resideInAPackage(AGENT + ".rules")
                .should().dependOnClassesThat().resideInAnyPackage("net.bytebuddy..", "java.lang.instrument..",
                        AGENT + ".bridge", AGENT + ".meter", AGENT + ".site", AGENT + ".boot")
                .check(MAIN);
    }

    @Test
    void noPackagesDependOnEachOtherInACycle() {
        slices().matching(AGENT + ".(*)..").should().beFreeOfCycles().check(MAIN);
    }
}
