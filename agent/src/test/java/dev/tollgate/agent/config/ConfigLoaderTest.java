package dev.tollgate.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.tollgate.agent.backend.Outcome;
import dev.tollgate.agent.ledger.LocalLedger;

class ConfigLoaderTest {

    private static final String FILE = "/etc/acme/tollgate.yml";
    private static final Path BASE = Paths.get("/etc/acme");
    private static final String HOME = "/home/acme";
    private static final String TOKEN = "WyIxMjM0NSIsInNlY3JldCJd.t0k3n-Secret";
    private static final String CRYPTOLENS_OK = """
            cryptolens:
              url: https://api.cryptolens.io
              token: %s
              productId: 12345
              key: ABCDE-FGHIJ-KLMNO-PQRST
            """.formatted(TOKEN);

    @TempDir
    Path dir;

    // ---- helpers ----

    private static Config parse(String yaml) {
        return parse(Map.of(), yaml);
    }

    private static Config parse(Map<String, String> env, String yaml) {
        return new ConfigLoader(env, HOME).parse(yaml, FILE, BASE);
    }

    /** The one problem of {@code config}, checked to be located in {@link #FILE}. */
    private static Problem onlyProblem(Config config) {
        assertThat(config.problems()).as("problems").hasSize(1);
        assertThat(config.isValid()).isFalse();
        Problem p = config.problems().get(0);
        assertThat(p.file()).isEqualTo(FILE);
        return p;
    }

    private static void assertOnlyProblem(Config config, int line, String key, String message) {
        Problem p = onlyProblem(config);
        assertThat(p.line()).as("line of %s", p).isEqualTo(line);
        assertThat(p.key()).as("key of %s", p).isEqualTo(key);
        assertThat(p.message()).as("message of %s", p).isEqualTo(message);
    }

    /** The one problem at {@code key}, among possibly several. */
    private static Problem problemAt(Config config, String key) {
        List<Problem> at = config.problems().stream().filter(p -> p.key().equals(key)).collect(Collectors.toList());
        assertThat(at).as("problems at %s among %s", key, config.problems()).hasSize(1);
        return at.get(0);
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, text.getBytes(StandardCharsets.UTF_8));
        return file;
    }

    private static String feature(String name) {
        return "features:\n  " + name + ":\n    mode: credits\n";
    }

    private static void assertTokenNowhere(Config config) {
        for (Problem p : config.problems()) {
            assertThat(p.toString()).doesNotContain(TOKEN).doesNotContain("t0k3n");
            assertThat(p.message()).doesNotContain(TOKEN);
        }
        assertThat(config.toString()).doesNotContain(TOKEN);
        if (config.cryptolens() != null) {
            assertThat(config.cryptolens().toString()).doesNotContain(TOKEN).contains("token=<redacted");
        }
    }

    // ---- where the config comes from ----

    @Test
    void missingFileNamedByTheAgentArgumentIsReportedAsNamedByIt() {
        Config config = new ConfigLoader(Map.of(), HOME).load("missing.yml", null, dir);

        assertThat(config.isValid()).isFalse();
        Problem p = config.problems().get(0);
        assertThat(config.problems()).hasSize(1);
        assertThat(p.file()).isEqualTo(dir.resolve("missing.yml").toString());
        assertThat(p.line()).isZero();
        assertThat(p.key()).isEmpty();
        assertThat(p.message()).isEqualTo("config file not found (named by the -javaagent argument)");
        assertThat(config.features()).isEmpty();
    }

    @Test
    void missingFileNamedByTheSystemPropertyIsReportedAsNamedByIt() {
        Config config = new ConfigLoader(Map.of(), HOME).load(null, "missing.yml", dir);

        assertThat(config.problems()).extracting(Problem::toString)
                .containsExactly(dir.resolve("missing.yml") + ": config file not found (named by -Dtollgate.config)");
    }

    @Test
    void missingFileNamedByTheEnvironmentVariableIsReportedAsNamedByIt() {
        Config config = new ConfigLoader(Map.of("TOLLGATE_CONFIG", "missing.yml"), HOME).load(null, null, dir);

        assertThat(config.problems()).extracting(Problem::toString).containsExactly(dir.resolve("missing.yml")
                + ": config file not found (named by the environment variable TOLLGATE_CONFIG)");
    }

    @Test
    void aNamedFileThatIsMissingDoesNotFallBackToTheWorkingDirectoryFile() throws IOException {
        write("tollgate.yml", feature("fromWorkingDir"));

        Config config = new ConfigLoader(Map.of(), HOME).load("missing.yml", null, dir);

        assertThat(config.isValid()).isFalse();
        assertThat(config.features()).isEmpty();
    }

    @Test
    void aFolderNamedAsTheConfigIsADirectoryNotAConfigFile() throws IOException {
        Files.createDirectories(dir.resolve("conf"));

        Config config = new ConfigLoader(Map.of(), HOME).load("conf", null, dir);

        assertThat(config.problems()).extracting(Problem::toString).containsExactly(dir.resolve("conf")
                + ": is a directory, not a config file (named by the -javaagent argument); name the file, e.g. "
                + dir.resolve("conf").resolve("tollgate.yml"));
    }

    @Test
    void aFolderReadAsTheConfigIsADirectoryNotAConfigFile() throws IOException {
        Path conf = Files.createDirectories(dir.resolve("conf"));

        Config config = new ConfigLoader(Map.of(), HOME).read(conf);

        assertThat(config.problems()).extracting(Problem::toString).containsExactly(conf
                + ": is a directory, not a config file; name the file, e.g. " + conf.resolve("tollgate.yml"));
    }

    @Test
    void aConfigNameThatIsNoPathIsReportedAsNamedByItsSource() {
        Config config = new ConfigLoader(Map.of(), HOME).load(null, "bad\0name.yml", dir);

        assertThat(config.problems()).extracting(Problem::message)
                .containsExactly("is not a valid path (named by -Dtollgate.config)");
    }

    @Test
    void theAgentArgumentWinsOverPropertyEnvironmentAndWorkingDirectory() throws IOException {
        write("a.yml", feature("fromArgument"));
        write("b.yml", feature("fromProperty"));
        write("c.yml", feature("fromEnv"));
        write("tollgate.yml", feature("fromWorkingDir"));
        ConfigLoader loader = new ConfigLoader(Map.of("TOLLGATE_CONFIG", "c.yml"), HOME);

        Config config = loader.load("a.yml", "b.yml", dir);

        assertThat(config.isValid()).as("%s", config.problems()).isTrue();
        assertThat(config.source()).isEqualTo(dir.resolve("a.yml").toString());
        assertThat(config.features()).containsOnlyKeys("fromArgument");
    }

    @Test
    void thePropertyWinsOverEnvironmentAndWorkingDirectory() throws IOException {
        write("b.yml", feature("fromProperty"));
        write("c.yml", feature("fromEnv"));
        write("tollgate.yml", feature("fromWorkingDir"));
        ConfigLoader loader = new ConfigLoader(Map.of("TOLLGATE_CONFIG", "c.yml"), HOME);

        Config config = loader.load(null, "b.yml", dir);

        assertThat(config.source()).isEqualTo(dir.resolve("b.yml").toString());
        assertThat(config.features()).containsOnlyKeys("fromProperty");
    }

    @Test
    void theEnvironmentVariableWinsOverTheWorkingDirectoryFile() throws IOException {
        write("c.yml", feature("fromEnv"));
        write("tollgate.yml", feature("fromWorkingDir"));
        ConfigLoader loader = new ConfigLoader(Map.of("TOLLGATE_CONFIG", "c.yml"), HOME);

        Config config = loader.load(null, null, dir);

        assertThat(config.source()).isEqualTo(dir.resolve("c.yml").toString());
        assertThat(config.features()).containsOnlyKeys("fromEnv");
    }

    @Test
    void tollgateYmlInTheWorkingDirectoryIsReadWhenNothingNamesAFile() throws IOException {
        write("tollgate.yml", feature("fromWorkingDir"));

        Config config = new ConfigLoader(Map.of(), HOME).load(null, null, dir);

        assertThat(config.source()).isEqualTo(dir.resolve("tollgate.yml").toString());
        assertThat(config.features()).containsOnlyKeys("fromWorkingDir");
    }

    @Test
    void blankNamesAreSkippedAndTheMessageNamesTheSourceThatWasUsed() throws IOException {
        write("tollgate.yml", feature("fromWorkingDir"));

        Config config = new ConfigLoader(Map.of("TOLLGATE_CONFIG", "missing.yml"), HOME).load("  ", "", dir);

        assertThat(config.problems()).extracting(Problem::message)
                .containsExactly("config file not found (named by the environment variable TOLLGATE_CONFIG)");
    }

    @Test
    void anAbsoluteNameIsUsedAsItIsAndSurroundingSpaceIsIgnored() throws IOException {
        Path file = write("conf/acme.yml", feature("export"));

        Config config = new ConfigLoader(Map.of(), HOME).load(" " + file + " ", null, Paths.get("/nonexistent"));

        assertThat(config.isValid()).as("%s", config.problems()).isTrue();
        assertThat(config.source()).isEqualTo(file.toString());
    }

    @Test
    void noConfigAtAllIsValidWithNoFeaturesOnTheDefaultLocalLedger() {
        Config config = new ConfigLoader(Map.of(), HOME).load(null, null, dir);

        assertThat(config.isValid()).isTrue();
        assertThat(config.source()).isEqualTo("(no config file: no -javaagent argument, no -Dtollgate.config, no "
                + "environment variable TOLLGATE_CONFIG, and no " + dir.resolve("tollgate.yml") + ")");
        assertThat(config.features()).isEmpty();
        assertThat(config.backend()).isEqualTo(Config.BackendKind.LOCAL);
        assertThat(config.ledgerDir()).isEqualTo(Paths.get(HOME, ".tollgate", "ledger"));
        assertThat(config.cryptolens()).isNull();
        assertThat(config.openingCredits()).isEmpty();
    }

    @Test
    void anEmptyFileIsValidWithDefaults() throws IOException {
        Path file = write("tollgate.yml", "");

        Config config = new ConfigLoader(Map.of(), HOME).read(file);

        assertThat(config.isValid()).isTrue();
        assertThat(config.source()).isEqualTo(file.toString());
        assertThat(config.features()).isEmpty();
        assertThat(config.backend()).isEqualTo(Config.BackendKind.LOCAL);
        assertThat(config.ledgerDir()).isEqualTo(Paths.get(HOME, ".tollgate", "ledger"));
        assertThat(config.logLevel()).isNull();
    }

    @Test
    void aFileOfOnlyCommentsIsValidWithDefaults() {
        Config config = parse("# nothing metered yet\n\n# features:\n");

        assertThat(config.isValid()).isTrue();
        assertThat(config.features()).isEmpty();
    }

    // ---- a complete, valid config ----

    @Test
    void aCompleteConfigIsReadWithEveryValue() {
        Config config = parse("""
                backend: local
                local:
                  dir: /var/lib/acme
                  credits:
                    export: 1_000
                features:
                  export:
                    mode: credits
                    cost: 2
                    bound: 5
                    exception: com.acme.OutOfCreditsException
                    onBackendFailure: allow
                  charts:
                    mode: usage
                    bound: 500
                    dataObject: charts_used
                denied:
                  exception: com.acme.Outer$Denied
                log:
                  level: warn
                """);

        assertThat(config.isValid()).as("%s", config.problems()).isTrue();
        assertThat(config.source()).isEqualTo(FILE);
        assertThat(config.backend()).isEqualTo(Config.BackendKind.LOCAL);
        assertThat(config.ledgerDir()).isEqualTo(Paths.get("/var/lib/acme"));
        assertThat(config.openingCredits()).containsExactly(Map.entry("export", 1000L));
        assertThat(config.cryptolens()).isNull();
        assertThat(config.logLevel()).isEqualTo("warn");
        assertThat(config.features()).containsOnlyKeys("export", "charts");
        assertThat(config.features().keySet()).containsExactly("export", "charts");

        Feature export = config.features().get("export");
        assertThat(export.name()).isEqualTo("export");
        assertThat(export.mode()).isEqualTo(Feature.Mode.CREDITS);
        assertThat(export.cost()).isEqualTo(2);
        assertThat(export.bound()).isEqualTo(5L);
        assertThat(export.lowerBound()).isEqualTo(5L);
        assertThat(export.exception()).isEqualTo("com.acme.OutOfCreditsException");
        assertThat(export.onBackendFailure()).isEqualTo(Feature.OnFailure.ALLOW);
        assertThat(export.counter()).isEqualTo("export");
        assertThat(export.line()).isEqualTo(7);
        assertThat(export.exceptionLine()).isEqualTo(11);

        Feature charts = config.features().get("charts");
        assertThat(charts.mode()).isEqualTo(Feature.Mode.USAGE);
        assertThat(charts.cost()).isEqualTo(1);
        assertThat(charts.bound()).isEqualTo(500L);
        assertThat(charts.exception()).isNull();
        assertThat(charts.onBackendFailure()).isEqualTo(Feature.OnFailure.DENY);
        assertThat(charts.counter()).isEqualTo("charts_used");
        assertThat(charts.line()).isEqualTo(13);
        assertThat(charts.exceptionLine()).isZero();
    }

    @Test
    void aFeatureWithOnlyAModeGetsTheDefaults() {
        Config config = parse(feature("export"));

        Feature export = config.features().get("export");
        assertThat(export.cost()).isEqualTo(1);
        assertThat(export.bound()).isNull();
        assertThat(export.lowerBound()).isZero();
        assertThat(export.exception()).isNull();
        assertThat(export.onBackendFailure()).isEqualTo(Feature.OnFailure.DENY);
        assertThat(export.counter()).isEqualTo("export");
        assertThat(export.toString()).isEqualTo("export (credits, cost 1)");
    }

    @Test
    void choicesIgnoreCase() {
        Config config = parse("""
                backend: LOCAL
                features:
                  export:
                    mode: Credits
                    onBackendFailure: ALLOW
                log:
                  level: DEBUG
                """);

        assertThat(config.isValid()).as("%s", config.problems()).isTrue();
        assertThat(config.features().get("export").mode()).isEqualTo(Feature.Mode.CREDITS);
        assertThat(config.features().get("export").onBackendFailure()).isEqualTo(Feature.OnFailure.ALLOW);
        assertThat(config.logLevel()).isEqualTo("debug");
    }

    @Test
    void aNegativeCreditsBoundIsAnOverdraft() {
        Config config = parse("""
                features:
                  export:
                    mode: credits
                    bound: -10
                """);

        assertThat(config.isValid()).isTrue();
        assertThat(config.features().get("export").lowerBound()).isEqualTo(-10L);
        assertThat(config.features().get("export").toString()).isEqualTo("export (credits, cost 1, bound -10)");
    }

    @Test
    void aNegativeUsageCapIsRefusedWithItsLine() {
        Config config = parse("""
                features:
                  charts:
                    mode: usage
                    bound: -10
                """);

        assertOnlyProblem(config, 4, "features.charts.bound", "a usage cap below 0 cannot be met (usage starts at 0 "
                + "and only grows), got -10; write the most units a customer may use");
    }

    @Test
    void aUsageCapOfZeroIsKept() {
        Config config = parse("features:\n  charts:\n    mode: usage\n    bound: 0\n");

        assertThat(config.isValid()).as("%s", config.problems()).isTrue();
        assertThat(config.features().get("charts").bound()).isZero();
    }

    @Test
    void aCreditsBoundAboveTheOpeningBalanceIsRefusedWithItsLine() {
        Config config = parse("""
                local:
                  credits:
                    export: 5
                features:
                  export:
                    mode: credits
                    bound: 10
                """);

        assertOnlyProblem(config, 7, "features.export.bound", "10 is above the opening balance local.credits.export: 5 "
                + "(line 3): every call would be denied; the bound is the lowest balance, usually 0");
    }

    @Test
    void aCreditsBoundEqualToOrBelowTheOpeningBalanceIsKept() {
        Config config = parse("local:\n  credits: { export: 5, render: 5 }\nfeatures:\n"
                + "  export: { mode: credits, bound: 5 }\n  render: { mode: credits, bound: -3 }\n");

        assertThat(config.isValid()).as("%s", config.problems()).isTrue();
    }

    // ---- folders that cannot be folders ----

    @Test
    void aLedgerFolderUnderAFileNamesLocalDirThePathAndTheLine() throws IOException {
        Path file = write("hostname", "acme\n");

        Config config = parse("features:\n  export: { mode: credits }\nlocal:\n  dir: " + file + "/ledger\n");

        assertOnlyProblem(config, 4, "local.dir", file.resolve("ledger") + " cannot be the folder of the ledger: " + file
                + " is a file, not a folder");
    }

    @Test
    void aJournalFolderThatIsAFileNamesJournalDirThePathAndTheLine() throws IOException {
        Path file = write("journal", "not a folder\n");

        Config config = parse("journal:\n  dir: " + file + "\n");

        assertOnlyProblem(config, 2, "journal.dir", file + " cannot be the folder of the journal: " + file
                + " is a file, not a folder");
    }

    @Test
    void aLedgerFolderThatDoesNotExistYetIsFine() {
        Config config = parse("local:\n  dir: " + dir.resolve("not/yet/there") + "\n");

        assertThat(config.isValid()).as("%s", config.problems()).isTrue();
    }

    // ---- malformed YAML ----

    @Test
    void malformedYamlIsReportedAtTheLineOfTheProblem() {
        Config config = parse("""
                features:
                  export:
                    mode: credits: usage
                """);

        assertOnlyProblem(config, 3, "", "not valid YAML: mapping values are not allowed here");
        assertThat(config.features()).isEmpty();
    }

    @Test
    void aTabUsedForIndentationIsReportedAtItsLine() {
        Config config = parse("features:\n  export:\n\tmode: credits\n");

        Problem p = onlyProblem(config);
        assertThat(p.line()).isEqualTo(3);
        assertThat(p.key()).isEmpty();
        assertThat(p.message()).startsWith("not valid YAML: ").contains("cannot start any token");
    }

    @Test
    void aBadlyIndentedKeyIsReportedAtItsLine() {
        Config config = parse("""
                features:
                  export:
                    mode: credits
                   cost: 1
                """);

        Problem p = onlyProblem(config);
        assertThat(p.line()).isEqualTo(4);
        assertThat(p.message()).startsWith("not valid YAML: ");
    }

    @Test
    void aSecondDocumentIsReportedAtItsLine() {
        Config config = parse("""
                features:
                  export:
                    mode: credits
                ---
                log:
                  level: info
                """);

        Problem p = onlyProblem(config);
        assertThat(p.line()).isEqualTo(4);
        assertThat(p.message()).startsWith("not valid YAML: ");
        assertThat(config.features()).isEmpty();
    }

    @Test
    void anAliasBombIsRefusedAsInvalidYaml() {
        Config config = parse("""
                a: &a [x, x, x, x, x, x, x, x, x, x]
                b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
                c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
                """);

        Problem p = onlyProblem(config);
        assertThat(p.message()).startsWith("not valid YAML: ").contains("aliases");
    }

    @Test
    void aTopLevelListIsRefused() {
        Config config = parse("- export\n- charts\n");

        assertOnlyProblem(config, 1, "", "must be a mapping of keys to values");
    }

    @Test
    void aTopLevelScalarIsRefused() {
        Config config = parse("features\n");

        assertOnlyProblem(config, 1, "", "must be a mapping of keys to values");
    }

    // ---- unknown keys ----

    static Stream<Arguments> unknownKeys() {
        return Stream.of(
                Arguments.of("featurs:\n  export:\n    mode: credits\n", 1, "featurs",
                        "unknown key (did you mean 'features'?); known here: backend, local, cryptolens, features, "
                                + "retrofit, denied, log, journal"),
                Arguments.of("features:\n  export:\n    mode: credits\n    cots: 2\n", 4, "features.export.cots",
                        "unknown key (did you mean 'cost'?); known here: mode, cost, bound, exception, "
                                + "onBackendFailure, dataObject, refund, sync, block, leaseFor, flushEvery, flushUnits, grace"),
                Arguments.of("local:\n  dirr: /var/lib/acme\n", 2, "local.dirr",
                        "unknown key (did you mean 'dir'?); known here: dir, credits, customer"),
                Arguments.of(CRYPTOLENS_OK + "  machinCode: host-1\n", 6, "cryptolens.machinCode",
                        "unknown key (did you mean 'machineCode'?); known here: url, token, productId, key, "
                                + "machineCode, allowInsecure, connectTimeout, readTimeout"),
                Arguments.of("denied:\n  exeption: com.acme.Denied\n", 2, "denied.exeption",
                        "unknown key (did you mean 'exception'?); known here: exception"),
                Arguments.of("log:\n  levle: info\n", 2, "log.levle",
                        "unknown key (did you mean 'level'?); known here: level"));
    }

    @ParameterizedTest
    @MethodSource("unknownKeys")
    void unknownKeysAreReportedAtEveryLevelWithASuggestion(String yaml, int line, String key, String message) {
        assertOnlyProblem(parse(yaml), line, key, message);
    }

    @Test
    void anUnknownKeyFarFromEveryKnownOneGetsNoSuggestion() {
        Config config = parse("colour: red\n");

        assertOnlyProblem(config, 1, "colour",
                "unknown key; known here: backend, local, cryptolens, features, retrofit, denied, log, journal");
    }

    @Test
    void anUnknownKeyWithNoValueIsReportedAtItsLine() {
        Config config = parse("log:\n  level: info\nfeatures:\n  export:\n    mode: credits\n    boundd:\n");

        Problem p = onlyProblem(config);
        assertThat(p.line()).isEqualTo(6);
        assertThat(p.key()).isEqualTo("features.export.boundd");
        assertThat(p.message()).startsWith("unknown key (did you mean 'bound'?)");
    }

    @Test
    void suggestionsAllowTwoEditsAndIgnoreCase() {
        assertThat(DidYouMean.suggestion("COST", List.of("mode", "cost"))).isEqualTo(" (did you mean 'cost'?)");
        assertThat(DidYouMean.suggestion("cst", List.of("mode", "cost"))).isEqualTo(" (did you mean 'cost'?)");
        assertThat(DidYouMean.suggestion("cs", List.of("mode", "cost"))).isEqualTo(" (did you mean 'cost'?)");
        assertThat(DidYouMean.suggestion("c", List.of("mode", "cost"))).isEmpty();
        assertThat(DidYouMean.suggestion("price", List.of("mode", "cost"))).isEmpty();
    }

    // ---- wrong types ----

    @Test
    void aMappingWhereAValueIsExpectedIsReportedAtItsKey() {
        Config config = parse("""
                features:
                  export:
                    mode: credits
                    cost:
                      amount: 2
                """);

        assertOnlyProblem(config, 4, "features.export.cost", "must be a single value, not a mapping");
    }

    @Test
    void aListWhereAValueIsExpectedIsReportedAtItsKey() {
        Config config = parse("""
                features:
                  export:
                    mode: [credits, usage]
                """);

        Problem p = problemAt(config, "features.export.mode");
        assertThat(p.line()).isEqualTo(3);
        assertThat(p.message()).isEqualTo("must be a single value, not a list");
    }

    @Test
    void aBlockListWhereAValueIsExpectedIsReportedAtItsKeyLine() {
        Config config = parse("""
                log:
                  level:
                    - info
                    - debug
                """);

        assertOnlyProblem(config, 2, "log.level", "must be a single value, not a list");
    }

    @Test
    void textWhereANumberIsExpectedIsRefused() {
        Config config = parse("""
                features:
                  export:
                    mode: credits
                    cost: lots
                """);

        assertOnlyProblem(config, 4, "features.export.cost", "must be a whole number, got 'lots'");
    }

    @Test
    void aFractionWhereAWholeNumberIsExpectedIsRefused() {
        Config config = parse("""
                features:
                  export:
                    mode: credits
                    bound: 1.5
                """);

        assertOnlyProblem(config, 4, "features.export.bound", "must be a whole number, got '1.5'");
    }

    @Test
    void aValueWhereAMappingIsExpectedIsRefused() {
        Config config = parse("features: export\n");

        assertOnlyProblem(config, 1, "features", "must be a mapping of keys to values");
    }

    @Test
    void aSectionWithNothingUnderItIsRefused() {
        Config config = parse("log:\nfeatures:\n  export:\n    mode: credits\n");

        assertOnlyProblem(config, 1, "log", "needs keys under it");
    }

    @Test
    void aFeatureWithNothingUnderItIsRefused() {
        Config config = parse("features:\n  export:\n");

        assertOnlyProblem(config, 2, "features.export", "needs keys under it");
        assertThat(config.features()).isEmpty();
    }

    @Test
    void aKeyWithoutAValueIsRefused() {
        Config config = parse("features:\n  export:\n    mode: credits\n    cost:\n");

        assertOnlyProblem(config, 4, "features.export.cost", "needs a value");
    }

    @Test
    void anEmptyQuotedValueIsRefused() {
        Config config = parse("features:\n  export:\n    mode: \"  \"\n");

        Problem p = problemAt(config, "features.export.mode");
        assertThat(p.message()).isEqualTo("needs a value");
    }

    @Test
    void aKeyThatIsNotAPlainNameIsRefused() {
        Config config = parse("features:\n  ? [a, b]\n  : mode: credits\n");

        Problem p = onlyProblem(config);
        assertThat(p.line()).isEqualTo(2);
        assertThat(p.key()).isEqualTo("features");
        assertThat(p.message()).isEqualTo("keys must be plain names");
    }

    // ---- cost, bound, mode, failure policy, names ----

    @Test
    void zeroCostIsRefusedWithFileLineAndKey() {
        Config config = parse("""
                features:
                  export:
                    mode: credits
                    cost: 0
                """);

        assertOnlyProblem(config, 4, "features.export.cost", "must be a whole number of at least 1, got 0");
        assertThat(onlyProblem(config).toString())
                .isEqualTo(FILE + ":4: features.export.cost: must be a whole number of at least 1, got 0");
    }

    @Test
    void negativeCostIsRefusedWithFileLineAndKey() {
        Config config = parse("""
                features:
                  export:
                    mode: credits
                    cost: -3
                """);

        assertOnlyProblem(config, 4, "features.export.cost", "must be a whole number of at least 1, got -3");
    }

    @Test
    void theLargestCostIsAccepted() {
        Config config = parse("features:\n  export:\n    mode: credits\n    cost: 2147483647\n");

        assertThat(config.isValid()).isTrue();
        assertThat(config.features().get("export").cost()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void aCostTooLargeIsRefusedNamingTheLargestAllowed() {
        Config config = parse("features:\n  export:\n    mode: credits\n    cost: 2147483648\n");

        assertOnlyProblem(config, 4, "features.export.cost",
                "must be a whole number from 1 to 2147483647, got 2147483648");
    }

    @Test
    void aCostBeyondEveryNumberTypeIsRefusedNamingTheLargestAllowed() {
        Config config = parse("features:\n  export:\n    mode: credits\n    cost: 99999999999999999999\n");

        assertOnlyProblem(config, 4, "features.export.cost",
                "must be a whole number from 1 to 2147483647, got '99999999999999999999'");
    }

    @Test
    void aBoundOutsideTheCounterRangeIsRefused() {
        Config config = parse("features:\n  charts:\n    mode: usage\n    bound: 3000000000\n");

        assertOnlyProblem(config, 4, "features.charts.bound",
                "must be a whole number from -2147483648 to 2147483647, got 3000000000");
    }

    @Test
    void anUnknownModeIsRefused() {
        Config config = parse("""
                features:
                  export:
                    mode: prepaid
                """);

        assertOnlyProblem(config, 3, "features.export.mode", "must be one of credits, usage, got 'prepaid'");
        assertThat(config.features()).isEmpty();
    }

    @Test
    void aMissingModeIsReportedAtTheFeature() {
        Config config = parse("""
                log:
                  level: info
                features:
                  export:
                    cost: 2
                """);

        assertOnlyProblem(config, 4, "features.export.mode",
                "missing: say credits (pay upfront) or usage (pay per use)");
        assertThat(config.features()).isEmpty();
    }

    @Test
    void aBadOnBackendFailureIsRefused() {
        Config config = parse("""
                features:
                  export:
                    mode: credits
                    onBackendFailure: retry
                """);

        assertOnlyProblem(config, 4, "features.export.onBackendFailure", "must be one of deny, allow, grace, got 'retry'");
    }

    @Test
    void anUnknownBackendIsRefused() {
        Config config = parse("backend: redis\n");

        assertOnlyProblem(config, 1, "backend", "must be one of local, cryptolens, got 'redis'");
    }

    @Test
    void anUnknownLogLevelIsRefused() {
        Config config = parse("log:\n  level: verbose\n");

        assertOnlyProblem(config, 2, "log.level", "must be one of debug, info, warn, error, off, got 'verbose'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"export reports", "_export", "exp/ort",
        "a2345678901234567890123456789012345678901234567890123456789012345"})
    void aBadFeatureNameIsRefused(String name) {
        Config config = parse("log:\n  level: info\nfeatures:\n  \"" + name + "\":\n    mode: credits\n");

        assertOnlyProblem(config, 4, "features." + name, "a feature name is 1 to 64 letters, digits, '.', '_' or '-', "
                + "starting with a letter or digit");
        assertThat(config.features()).isEmpty();
    }

    @Test
    void featureNamesOfSixtyFourCharactersWithDotsDashesAndUnderscoresAreAccepted() {
        String name = "a23456789.123456789-123456789_1234567890123456789012345678901234";
        assertThat(name).hasSize(64);

        Config config = parse("features:\n  " + name + ":\n    mode: usage\n");

        assertThat(config.isValid()).as("%s", config.problems()).isTrue();
        assertThat(config.features()).containsOnlyKeys(name);
    }

    @Test
    void aBadDataObjectNameIsRefused() {
        Config config = parse("features:\n  export:\n    mode: credits\n    dataObject: ../other\n");

        assertOnlyProblem(config, 4, "features.export.dataObject",
                "a data object name is 1 to 64 letters, digits, '.', '_' or '-'");
    }

    // ---- duplicate keys ----

    @Test
    void duplicateKeysAreReportedWithBothLines() {
        Config config = parse("""
                log:
                  level: info
                features:
                  export:
                    mode: credits
                    cost: 1
                    cost: 2
                log:
                  level: warn
                """);

        assertThat(config.problems()).hasSize(2);
        Problem cost = problemAt(config, "features.export.cost");
        assertThat(cost.line()).isEqualTo(7);
        assertThat(cost.message()).isEqualTo("appears twice (first on line 6)");
        Problem log = problemAt(config, "log");
        assertThat(log.line()).isEqualTo(8);
        assertThat(log.message()).isEqualTo("appears twice (first on line 1)");
    }

    @Test
    void aFeatureDefinedTwiceIsReportedWithBothLines() {
        Config config = parse("""
                features:
                  export:
                    mode: credits
                  export:
                    mode: usage
                """);

        assertOnlyProblem(config, 4, "features.export", "appears twice (first on line 2)");
    }

    // ---- ${NAME} substitution ----

    @Test
    void environmentReferencesAreSubstituted() {
        Config config = parse(Map.of("LEDGER", "/srv/ledger", "EXPORT_COST", "3"), """
                local:
                  dir: ${LEDGER}/acme
                features:
                  export:
                    mode: credits
                    cost: ${EXPORT_COST}
                """);

        assertThat(config.isValid()).as("%s", config.problems()).isTrue();
        assertThat(config.ledgerDir()).isEqualTo(Paths.get("/srv/ledger/acme"));
        assertThat(config.features().get("export").cost()).isEqualTo(3);
    }

    @Test
    void aDefaultIsUsedOnlyWhenTheVariableIsUnset() {
        Config unset = parse(Map.of(), "local:\n  dir: ${LEDGER:-/var/lib/default}\n");
        Config set = parse(Map.of("LEDGER", "/srv/ledger"), "local:\n  dir: ${LEDGER:-/var/lib/default}\n");

        assertThat(unset.isValid()).isTrue();
        assertThat(unset.ledgerDir()).isEqualTo(Paths.get("/var/lib/default"));
        assertThat(set.ledgerDir()).isEqualTo(Paths.get("/srv/ledger"));
    }

    @Test
    void anUnsetVariableIsReportedByName() {
        Config config = parse(Map.of("OTHER", "x"), """
                features:
                  export:
                    mode: credits
                local:
                  dir: /srv/${ACME_LEDGER}
                """);

        assertOnlyProblem(config, 5, "local.dir", "the environment variable ACME_LEDGER is not set");
    }

    @Test
    void anEmptyDefaultLeavesNoValue() {
        Config config = parse(Map.of(), "features:\n  export:\n    mode: credits\n    cost: ${COST:-}\n");

        assertOnlyProblem(config, 4, "features.export.cost", "needs a value");
    }

    @Test
    void withNoConfigFileEveryPlaceLookedAtIsNamedAlsoAFolderInTheWayOfTheDefaultFile() throws IOException {
        Files.createDirectories(dir.resolve("tollgate.yml"));

        Config config = new ConfigLoader(Map.of(), HOME).load(null, null, dir);

        assertThat(config.source()).isEqualTo("(no config file: no -javaagent argument, no -Dtollgate.config, no "
                + "environment variable TOLLGATE_CONFIG, and no " + dir.resolve("tollgate.yml")
                + " file (it is a directory))");
    }

    @Test
    void substitutedTextIsTakenLiterally() {
        Config config = parse(Map.of("CRYPTOLENS_TOKEN", "a$1\\b$X"), """
                cryptolens:
                  token: ${CRYPTOLENS_TOKEN}
                  productId: 1
                  key: K
                """);

        assertThat(config.isValid()).as("%s", config.problems()).isTrue();
        assertThat(config.cryptolens().token()).isEqualTo("a$1\\b$X");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "${SECRET-TOKEN-1234}      | 1",
        "${}                       | 1",
        "${1TOKEN}                 | 1",
        "${CRYPTOLENS_TOKEN        | 1",
        "tok-${CRYPTOLENS_TOKEN    | 5",
        "${CRYPTOLENS_TOKEN}${A.B} | 20",
        "${CRYPTOLENS_TOKEN}-x-${  | 23"})
    void aMalformedVariableReferenceIsAProblemNamingFileLineAndKeyWithoutEchoingTheValue(String value, int at) {
        Config config = parse(Map.of("CRYPTOLENS_TOKEN", "tok"), """
                cryptolens:
                  url: https://api.cryptolens.io
                  token: "%s"
                  productId: 1
                  key: K
                """.formatted(value));

        assertOnlyProblem(config, 3, "cryptolens.token", "'${' at character " + at + " does not start a valid "
                + "variable reference: write ${NAME} or ${NAME:-fallback}, NAME being letters, digits and '_', not "
                + "starting with a digit (the value is not used)");
        assertThat(config.cryptolens()).as("nothing to send to a backend").isNull();
        assertThat(config.problems().get(0).toString()).doesNotContain("SECRET", "A.B");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"${CRYPTOLENS_TOKEN} | tok-${OTHER}", "${UNSET:-${OTHER}} | tok"})
    void aVariableOrFallbackWhoseValueLooksLikeAVariableIsAProblem(String value, String environment) {
        Config config = parse(Map.of("CRYPTOLENS_TOKEN", environment), """
                cryptolens:
                  url: https://api.cryptolens.io
                  token: "%s"
                  productId: 1
                  key: K
                """.formatted(value));

        assertThat(problemAt(config, "cryptolens.token").message()).isIn(
                "a variable or fallback in it gives a value containing '${', which is never expanded twice nor used as "
                        + "it is",
                "'${' at character 21 does not start a valid variable reference: write ${NAME} or ${NAME:-fallback}, "
                        + "NAME being letters, digits and '_', not starting with a digit (the value is not used)");
        assertThat(config.cryptolens()).isNull();
    }

    @Test
    void aSubstitutedNumberIsCheckedLikeAWrittenOne() {
        Config config = parse(Map.of("EXPORT_COST", "0"), "features:\n  export:\n    mode: credits\n"
                + "    cost: ${EXPORT_COST}\n");

        assertOnlyProblem(config, 4, "features.export.cost", "must be a whole number of at least 1, got 0");
    }

    // ---- exception class names ----

    @ParameterizedTest
    @ValueSource(strings = {"com.acme..OutOfCredits", "com.acme.", "1com.acme.Denied", "com.acme.Out-Of-Credits",
        "com.acme.OutOfCredits()"})
    void aFeatureExceptionThatIsNoClassNameIsRefused(String name) {
        Config config = parse("features:\n  export:\n    mode: credits\n    exception: \"" + name + "\"\n");

        assertOnlyProblem(config, 4, "features.export.exception",
                "not a Java class name: '" + name + "' (write it as com.acme.OutOfCreditsException)");
    }

    @Test
    void aDeniedExceptionThatIsNoClassNameIsRefused() {
        Config config = parse("denied:\n  exception: com acme Denied\n");

        assertOnlyProblem(config, 2, "denied.exception",
                "not a Java class name: 'com acme Denied' (write it as com.acme.OutOfCreditsException)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Denied", "com.acme.Outer$Denied", "com.acme_2.Über", "$Proxy"})
    void validClassNamesAreAccepted(String name) {
        Config config = parse("denied:\n  exception: " + name + "\n");

        assertThat(config.isValid()).as("%s", config.problems()).isTrue();
        assertThat(config.exceptionFor(null)).isEqualTo(name);
    }

    // ---- local.credits ----

    @Test
    void openingCreditsForAnUnknownFeatureAreRefusedWithASuggestion() {
        Config config = parse("""
                features:
                  export:
                    mode: credits
                local:
                  credits:
                    exprot: 100
                """);

        assertOnlyProblem(config, 6, "local.credits.exprot",
                "no feature 'exprot' under features: (did you mean 'export'?)");
        assertThat(config.openingCredits()).isEmpty();
    }

    @Test
    void openingCreditsOfAFeatureWithItsOwnProblemAreNotReportedAgain() {
        Config config = parse("""
                features:
                  export:
                    mode: prepaid
                local:
                  credits:
                    export: 100
                """);

        assertOnlyProblem(config, 3, "features.export.mode", "must be one of credits, usage, got 'prepaid'");
    }

    @Test
    void openingCreditsForAUsageFeatureAreRefused() {
        Config config = parse("""
                features:
                  charts:
                    mode: usage
                local:
                  credits:
                    charts: 100
                """);

        assertOnlyProblem(config, 6, "local.credits.charts",
                "'charts' is a usage feature; opening credits are for credits features");
    }

    @Test
    void negativeOpeningCreditsAreRefused() {
        Config config = parse("""
                features:
                  export:
                    mode: credits
                local:
                  credits:
                    export: -5
                """);

        assertOnlyProblem(config, 6, "local.credits.export", "must be a whole number of at least 0, got -5");
        assertThat(config.openingCredits()).isEmpty();
    }

    @Test
    void theCustomerOfAnInstallIsReadForTheVendorsTopUps() {
        Config config = parse("features:\n  export:\n    mode: credits\nlocal:\n  customer: ACME Corp 0042\n");

        assertThat(config.isValid()).as("%s", config.problems()).isTrue();
        assertThat(config.customer()).isEqualTo("ACME Corp 0042");
        assertThat(config.withProblems(List.of()).customer()).as("kept when problems are added").isEqualTo(
                "ACME Corp 0042");
    }

    @Test
    void anEmptyCustomerIsRefusedAndNoCustomerIsTheDefault() {
        Config config = parse("features:\n  export:\n    mode: credits\nlocal:\n  customer:\n");

        assertOnlyProblem(config, 5, "local.customer", "needs a value");
        assertThat(parse("features:\n  export:\n    mode: credits\n").customer()).isNull();
    }

    @Test
    void zeroOpeningCreditsAreAccepted() {
        Config config = parse("features:\n  export:\n    mode: credits\nlocal:\n  credits:\n    export: 0\n");

        assertThat(config.isValid()).isTrue();
        assertThat(config.openingCredits()).containsExactly(Map.entry("export", 0L));
    }

    @Test
    void openingCreditsOfAFeatureWithADataObjectOpenThatCounterInTheLocalLedger() {
        Config config = parse("""
                features:
                  export:
                    mode: credits
                    dataObject: exports_left
                local:
                  credits:
                    export: 100
                """);
        assertThat(config.isValid()).as("%s", config.problems()).isTrue();
        Feature export = config.features().get("export");
        assertThat(config.openingCredits()).containsExactly(Map.entry("exports_left", 100L));

        try (LocalLedger ledger = new LocalLedger(dir, config.openingCredits(), dir.resolve("journal"),
                dir.resolve("witness"))) {
            Outcome read = ledger.read(export.counter());
            Outcome take = ledger.take(export.counter(), 1, export.lowerBound());

            assertThat(read.status()).isEqualTo(Outcome.Status.GRANTED);
            assertThat(read.value()).isEqualTo(100);
            assertThat(take.status()).isEqualTo(Outcome.Status.GRANTED);
            assertThat(take.value()).isEqualTo(99);
        }
    }

    // ---- local.dir ----

    @Test
    void aRelativeLedgerDirIsResolvedAgainstTheConfigFilesFolder() throws IOException {
        write("conf/tollgate.yml", "local:\n  dir: data/ledger\n");

        Config config = new ConfigLoader(Map.of(), HOME).load("conf/tollgate.yml", null, dir);

        assertThat(config.isValid()).as("%s", config.problems()).isTrue();
        assertThat(config.ledgerDir()).isEqualTo(dir.resolve("conf").resolve("data").resolve("ledger"));
    }

    @Test
    void aLedgerDirWithDotDotIsNormalised() throws IOException {
        Path file = write("conf/tollgate.yml", "local:\n  dir: ../ledger\n");

        Config config = new ConfigLoader(Map.of(), HOME).read(file);

        assertThat(config.ledgerDir()).isEqualTo(dir.resolve("ledger"));
    }

    @Test
    void aLedgerDirUnderTildeIsResolvedAgainstTheUserHome() {
        assertThat(parse("local:\n  dir: ~/acme/ledger\n").ledgerDir()).isEqualTo(Paths.get(HOME, "acme", "ledger"));
        assertThat(parse("local:\n  dir: \"~\"\n").ledgerDir()).isEqualTo(Paths.get(HOME));
    }

    @Test
    void aBareTildeIsYamlsNullAndNoLedgerDir() {
        Config config = parse("local:\n  dir: ~\n");

        assertOnlyProblem(config, 2, "local.dir", "needs a value");
    }

    @Test
    void anAbsoluteLedgerDirIsKept() {
        assertThat(parse("local:\n  dir: /var/lib/acme\n").ledgerDir()).isEqualTo(Paths.get("/var/lib/acme"));
    }

    @Test
    void theDefaultLedgerDirIsUnderTheUserHome() {
        Config config = parse(feature("export"));

        assertThat(config.ledgerDir()).isEqualTo(Paths.get(HOME, ".tollgate", "ledger"));
    }

    @Test
    void aLedgerDirThatIsNoPathIsRefused() {
        Config config = parse("local:\n  dir: \"led\\0ger\"\n");

        Problem p = onlyProblem(config);
        assertThat(p.line()).isEqualTo(2);
        assertThat(p.key()).isEqualTo("local.dir");
        assertThat(p.message()).startsWith("not a valid path: ");
    }

    // ---- cryptolens ----

    @Test
    void aCompleteCryptolensSectionIsRead() {
        Config config = parse("""
                backend: cryptolens
                cryptolens:
                  url: https://cryptolens.acme.example
                  token: %s
                  productId: 12345
                  key: ABCDE-FGHIJ-KLMNO-PQRST
                  machineCode: host-1
                  connectTimeout: 500ms
                  readTimeout: 5s
                """.formatted(TOKEN));

        assertThat(config.isValid()).as("%s", config.problems()).isTrue();
        assertThat(config.backend()).isEqualTo(Config.BackendKind.CRYPTOLENS);
        CryptolensSettings c = config.cryptolens();
        assertThat(c.url()).isEqualTo("https://cryptolens.acme.example");
        assertThat(c.token()).isEqualTo(TOKEN);
        assertThat(c.productId()).isEqualTo(12345);
        assertThat(c.key()).isEqualTo("ABCDE-FGHIJ-KLMNO-PQRST");
        assertThat(c.machineCode()).isEqualTo("host-1");
        assertThat(c.allowInsecure()).isFalse();
        assertThat(c.connectTimeout().toMillis()).isEqualTo(500);
        assertThat(c.readTimeout().toMillis()).isEqualTo(5000);
        assertThat(c.toString()).isEqualTo("CryptolensSettings{url=https://cryptolens.acme.example, productId=12345, "
                + "key=ABCDE…, machineCode=host-1, token=<redacted, " + TOKEN.length() + " chars>, "
                + "allowInsecure=false, connectTimeout=500ms, readTimeout=5000ms}");
    }

    @Test
    void cryptolensDefaultsToTheOfficialUrlAndTimeouts() {
        Config config = parse("""
                cryptolens:
                  token: %s
                  productId: 1
                  key: K
                """.formatted(TOKEN));

        assertThat(config.isValid()).as("%s", config.problems()).isTrue();
        assertThat(config.backend()).isEqualTo(Config.BackendKind.LOCAL);
        CryptolensSettings c = config.cryptolens();
        assertThat(c.url()).isEqualTo("https://api.cryptolens.io");
        assertThat(c.machineCode()).isNull();
        assertThat(c.connectTimeout().toMillis()).isEqualTo(5000);
        assertThat(c.readTimeout().toMillis()).isEqualTo(10000);
        assertThat(c.toString()).doesNotContain("machine").contains("token=<redacted, ");
    }

    @Test
    void theRequiredCryptolensKeysAreReportedWhenMissing() {
        Config config = parse("""
                backend: cryptolens
                cryptolens:
                  url: https://api.cryptolens.io
                """);

        assertThat(config.problems()).hasSize(3);
        assertThat(config.problems()).allSatisfy(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.file()).isEqualTo(FILE);
        });
        assertThat(problemAt(config, "cryptolens.token").message()).isEqualTo("missing");
        assertThat(problemAt(config, "cryptolens.key").message()).isEqualTo("missing");
        assertThat(problemAt(config, "cryptolens.productId").message())
                .isEqualTo("missing: the product id from the Cryptolens dashboard");
        assertThat(config.cryptolens()).isNull();
    }

    @Test
    void aCryptolensSectionWithNothingUnderItIsRefused() {
        Config config = parse("cryptolens:\n");

        assertOnlyProblem(config, 1, "cryptolens", "needs keys under it");
    }

    @Test
    void aZeroProductIdIsRefused() {
        Config config = parse(CRYPTOLENS_OK.replace("productId: 12345", "productId: 0"));

        assertOnlyProblem(config, 4, "cryptolens.productId", "must be a whole number of at least 1, got 0");
        assertThat(config.cryptolens()).isNull();
    }

    @Test
    void textAsProductIdIsRefused() {
        Config config = parse(CRYPTOLENS_OK.replace("productId: 12345", "productId: acme"));

        assertOnlyProblem(config, 4, "cryptolens.productId", "must be a whole number, got 'acme'");
    }

    @Test
    void plainHttpToAnotherHostIsRefused() {
        Config config = parse(CRYPTOLENS_OK.replace("https://api", "http://api"));

        assertOnlyProblem(config, 2, "cryptolens.url", "plain http:// is refused except to loopback, because the "
                + "token would travel unencrypted; use https:// or set cryptolens.allowInsecure: true");
    }

    @Test
    void plainHttpToAnotherHostIsAcceptedWithAllowInsecure() {
        Config config = parse(CRYPTOLENS_OK.replace("https://api", "http://api") + "  allowInsecure: true\n");

        assertThat(config.isValid()).as("%s", config.problems()).isTrue();
        assertThat(config.cryptolens().allowInsecure()).isTrue();
        assertThat(config.cryptolens().url()).isEqualTo("http://api.cryptolens.io");
    }

    @Test
    void allowInsecureFalseStillRefusesPlainHttp() {
        Config config = parse(CRYPTOLENS_OK.replace("https://api", "http://api") + "  allowInsecure: false\n");

        assertThat(problemAt(config, "cryptolens.url").message()).startsWith("plain http:// is refused");
    }

    @Test
    void allowInsecureMustBeTrueOrFalse() {
        Config config = parse(CRYPTOLENS_OK + "  allowInsecure: maybe\n");

        assertOnlyProblem(config, 6, "cryptolens.allowInsecure", "must be true or false, got 'maybe'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080", "http://localhost:8080/", "http://[::1]:8080",
        "http://LOCALHOST", "http://127.1.2.3", "http://[0:0:0:0:0:0:0:1]:80"})
    void plainHttpToLoopbackIsAccepted(String url) {
        Config config = parse(CRYPTOLENS_OK.replace("https://api.cryptolens.io", url));

        assertThat(config.isValid()).as("%s", config.problems()).isTrue();
        assertThat(config.cryptolens().url()).isEqualTo(url);
        assertThat(config.cryptolens().allowInsecure()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost.acme.example", "http://127.0.0.1.nip.io", "http://localhost@evil.example",
        "http://10.0.0.1", "http://[::2]", "http://0.0.0.0"})
    void plainHttpToHostsThatOnlyLookLikeLoopbackIsRefused(String url) {
        Config config = parse(CRYPTOLENS_OK.replace("https://api.cryptolens.io", url));

        assertThat(problemAt(config, "cryptolens.url").message()).startsWith("plain http:// is refused");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://api.cryptolens.io", "api.cryptolens.io", "https:///path-only"})
    void aUrlThatIsNotHttpsWithAHostIsRefused(String url) {
        Config config = parse(CRYPTOLENS_OK.replace("https://api.cryptolens.io", url));

        assertOnlyProblem(config, 2, "cryptolens.url", "must be an https:// URL with a host, got " + url);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "https://user:pw@api.cryptolens.io | must not contain a user name or password",
        "https://api.cryptolens.io/?token=x | must not have a query or fragment (the token is configured as cryptolens.token)",
        "https://api.cryptolens.io/#part   | must not have a query or fragment (the token is configured as cryptolens.token)"})
    void aUrlWithCredentialsQueryOrFragmentIsAProblemAtItsLineFromTheOneSettingsModel(String url, String message) {
        Config config = parse(CRYPTOLENS_OK.replace("https://api.cryptolens.io", url));

        assertOnlyProblem(config, 2, "cryptolens.url", message);
    }

    @Test
    void aUrlThatDoesNotParseIsRefused() {
        Config config = parse(CRYPTOLENS_OK.replace("https://api.cryptolens.io", "\"https://api cryptolens.io\""));

        assertOnlyProblem(config, 2, "cryptolens.url", "not a URL: https://api cryptolens.io");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "connectTimeout | 5 minutes | must be a duration such as 500ms or 5s, got '5 minutes'",
        "connectTimeout | -1s       | must be a duration such as 500ms or 5s, got '-1s'",
        "readTimeout    | 1.5s      | must be a duration such as 500ms or 5s, got '1.5s'",
        "readTimeout    | 0ms       | must be from 1ms to 600s, got '0ms'",
        "readTimeout    | 601s      | must be from 1ms to 600s, got '601s'",
        "connectTimeout | 600001    | must be from 1ms to 600s, got '600001'"})
    void badTimeoutsAreRefused(String key, String value, String message) {
        Config config = parse(CRYPTOLENS_OK + "  " + key + ": " + value + "\n");

        assertOnlyProblem(config, 6, "cryptolens." + key, message);
        assertThat(config.cryptolens()).isNull();
    }

    @ParameterizedTest
    @CsvSource({"500ms, 500", "5s, 5000", "250, 250", "1ms, 1", "600s, 600000", "10 s, 10000"})
    void timeoutsAreReadInMillisecondsOrSeconds(String value, long millis) {
        Config config = parse(CRYPTOLENS_OK + "  connectTimeout: " + value + "\n  readTimeout: " + value + "\n");

        assertThat(config.isValid()).as("%s", config.problems()).isTrue();
        assertThat(config.cryptolens().connectTimeout().toMillis()).isEqualTo(millis);
        assertThat(config.cryptolens().readTimeout().toMillis()).isEqualTo(millis);
    }

    @Test
    void theCryptolensBackendWithoutItsSectionIsReportedAtTheBackendLine() {
        Config config = parse("""
                features:
                  export:
                    mode: credits
                backend: cryptolens
                """);

        assertOnlyProblem(config, 4, "cryptolens", "missing: backend is cryptolens, so the cryptolens: section "
                + "needs url, token, productId and key");
        assertThat(config.backend()).isEqualTo(Config.BackendKind.CRYPTOLENS);
    }

    // ---- the token stays secret ----

    @Test
    void theTokenAppearsInNoProblemAndNoToString() {
        Config config = parse("""
                backend: cryptolens
                cryptolens:
                  url: http://api.cryptolens.io
                  token: %1$s
                  token: %1$s
                  tokn: %1$s
                  productId: zero
                  key: K
                  connectTimeout: forever
                  allowInsecure: sometimes
                """.formatted(TOKEN));

        assertThat(config.problems()).hasSizeGreaterThanOrEqualTo(5);
        assertTokenNowhere(config);
    }

    @Test
    void theTokenFromTheEnvironmentAppearsInNoProblemAndNoToString() {
        Config config = parse(Map.of("CRYPTOLENS_TOKEN", TOKEN), """
                cryptolens:
                  url: http://api.cryptolens.io
                  token: ${CRYPTOLENS_TOKEN}
                  productId: 1
                  key: K
                """);
        Config valid = parse(Map.of("CRYPTOLENS_TOKEN", TOKEN), """
                cryptolens:
                  token: ${CRYPTOLENS_TOKEN}
                  productId: 1
                  key: K
                """);

        assertThat(config.problems()).hasSize(1);
        assertTokenNowhere(config);
        assertThat(valid.isValid()).isTrue();
        assertThat(valid.cryptolens().token()).isEqualTo(TOKEN);
        assertTokenNowhere(valid);
    }

    @Test
    void theTokenAppearsInNoProblemWhenItsOwnLineIsMalformed() {
        Config colon = parse("cryptolens:\n  token: " + TOKEN + ": more\n  productId: 1\n  key: K\n");
        Config quote = parse("cryptolens:\n  token: \"" + TOKEN + "\n  productId: 1\n  key: K\n");

        assertThat(colon.isValid()).isFalse();
        assertThat(quote.isValid()).isFalse();
        assertTokenNowhere(colon);
        assertTokenNowhere(quote);
    }

    // ---- Config: exceptions, problemAt, withProblems ----

    private static final String WITH_EXCEPTIONS = """
            features:
              export:
                mode: credits
                exception: com.acme.OutOfCreditsException
              charts:
                mode: usage
            denied:
              exception: com.acme.DeniedException
            """;

    @Test
    void aFeaturesOwnExceptionWinsOverTheDeniedDefault() {
        Config config = parse(WITH_EXCEPTIONS);

        assertThat(config.exceptionFor(config.features().get("export"))).isEqualTo("com.acme.OutOfCreditsException");
        assertThat(config.exceptionFor(config.features().get("charts"))).isEqualTo("com.acme.DeniedException");
        assertThat(config.exceptionFor(null)).isEqualTo("com.acme.DeniedException");
    }

    @Test
    void withoutAnyExceptionConfiguredUsageDeniedExceptionIsThrown() {
        Config config = parse(feature("export"));

        assertThat(config.exceptionFor(config.features().get("export"))).isEqualTo(Config.DEFAULT_EXCEPTION)
                .isEqualTo("dev.tollgate.UsageDeniedException");
        assertThat(config.exceptionFor(null)).isEqualTo(Config.DEFAULT_EXCEPTION);
    }

    @Test
    void exceptionKeyForNamesTheFileLineAndKeyTheExceptionCameFrom() {
        Config config = parse(WITH_EXCEPTIONS);
        Config plain = parse(feature("export"));

        assertThat(config.exceptionKeyFor(config.features().get("export")))
                .isEqualTo(FILE + ":4: features.export.exception");
        assertThat(config.exceptionKeyFor(config.features().get("charts"))).isEqualTo(FILE + ":8: denied.exception");
        assertThat(config.exceptionKeyFor(null)).isEqualTo(FILE + ":8: denied.exception");
        assertThat(plain.exceptionKeyFor(plain.features().get("export"))).isEqualTo(FILE);
    }

    @Test
    void problemAtLocatesAProblemAtTheExceptionKey() {
        Config config = parse(WITH_EXCEPTIONS);

        Problem own = config.problemAt(config.features().get("export"), "has no usable constructor");
        Problem shared = config.problemAt(config.features().get("charts"), "is checked");

        assertThat(own.file()).isEqualTo(FILE);
        assertThat(own.line()).isEqualTo(4);
        assertThat(own.key()).isEqualTo("features.export.exception");
        assertThat(own.message()).isEqualTo("has no usable constructor");
        assertThat(shared.toString()).isEqualTo(FILE + ":8: denied.exception: is checked");
        assertThat(parse("").problemAt(null, "x").toString()).isEqualTo(FILE + ": x");
    }

    @Test
    void withProblemsAddsProblemsAndKeepsEverythingElse() {
        Config config = parse("""
                local:
                  dir: /var/lib/acme
                  credits:
                    export: 10
                features:
                  export:
                    mode: credits
                denied:
                  exception: com.acme.DeniedException
                log:
                  level: info
                """ + CRYPTOLENS_OK);
        Problem extra = config.problemAt(null, "is checked");

        Config more = config.withProblems(List.of(extra));

        assertThat(config.isValid()).as("the original is unchanged").isTrue();
        assertThat(config.problems()).isEmpty();
        assertThat(more.isValid()).isFalse();
        assertThat(more.problems()).containsExactly(extra);
        assertThat(more.source()).isEqualTo(config.source());
        assertThat(more.backend()).isEqualTo(config.backend());
        assertThat(more.ledgerDir()).isEqualTo(Paths.get("/var/lib/acme"));
        assertThat(more.openingCredits()).isEqualTo(config.openingCredits()).containsEntry("export", 10L);
        assertThat(more.cryptolens()).isSameAs(config.cryptolens()).isNotNull();
        assertThat(more.features()).isEqualTo(config.features()).containsOnlyKeys("export");
        assertThat(more.logLevel()).isEqualTo("info");
        assertThat(more.exceptionFor(null)).isEqualTo("com.acme.DeniedException");
        assertThat(more.exceptionKeyFor(null)).isEqualTo(FILE + ":9: denied.exception");
    }

    @Test
    void withProblemsAppendsAfterTheProblemsAlreadyFound() {
        Config config = parse("backend: redis\n");
        Problem extra = config.problemAt(null, "later");

        Config more = config.withProblems(List.of(extra));

        assertThat(more.problems()).hasSize(2);
        assertThat(more.problems().get(0).key()).isEqualTo("backend");
        assertThat(more.problems().get(1)).isSameAs(extra);
        assertThat(config.problems()).hasSize(1);
    }

    @Test
    void aConfigCannotBeChangedThroughItsCollections() {
        Config config = parse(feature("export"));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> config.problems().add(config.problemAt(null, "x")))
                .isInstanceOf(UnsupportedOperationException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> config.features().clear())
                .isInstanceOf(UnsupportedOperationException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> config.openingCredits().put("export", 1L))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    // ---- Problem ----

    @Test
    void aProblemPrintsAsMuchOfItsLocationAsIsKnown() {
        assertThat(new Problem("t.yml", 7, "features.export.cost", "bad").toString())
                .isEqualTo("t.yml:7: features.export.cost: bad");
        assertThat(new Problem("t.yml", 0, "cryptolens.token", "missing").location())
                .isEqualTo("t.yml: cryptolens.token");
        assertThat(new Problem("t.yml", 3, "", "not valid YAML").toString()).isEqualTo("t.yml:3: not valid YAML");
        assertThat(new Problem("t.yml", 0, "", "not found").toString()).isEqualTo("t.yml: not found");
    }

    // ---- refund ----

    @Test
    void refundOnExceptionIsReadAndNeverIsTheDefault() {
        Config config = parse("""
                features:
                  export: { mode: credits, refund: onException }
                  render: { mode: usage }
                """);

        assertThat(config.problems()).isEmpty();
        assertThat(config.features().get("export").refundsOnException()).isTrue();
        assertThat(config.features().get("render").refundsOnException()).isFalse();
    }

    @Test
    void anUnknownRefundPolicyIsRefusedWithFileLineAndKey() {
        Config config = parse("""
                features:
                  export:
                    mode: credits
                    refund: always
                """);

        assertOnlyProblem(config, 4, "features.export.refund", "must be one of never, onException, got 'always'");
    }

    // ---- sync, block, flushEvery, flushUnits, grace ----

    @Test
    void syncAndItsKeysAreRead() {
        Config config = parse("""
                features:
                  export:
                    mode: credits
                    sync: leased
                    block: 50
                    leaseFor: 5s
                    onBackendFailure: grace
                    grace:
                      units: 500
                      time: 24h
                  render:
                    mode: usage
                    sync: batched
                    block: 10
                    flushEvery: 10m
                    flushUnits: 2000
                    onBackendFailure: grace
                    grace: { time: 2d }
                  report:
                    mode: usage
                    sync: strict
                    onBackendFailure: allow
                """);

        assertThat(config.problems()).isEmpty();
        Feature export = config.features().get("export");
        assertThat(export.onBackendFailure()).isEqualTo(Feature.OnFailure.GRACE);
        Sync leased = export.sync();
        assertThat(leased.strategy()).isEqualTo(Sync.Strategy.LEASED);
        assertThat(leased.journaled()).isTrue();
        assertThat(leased.block()).isEqualTo(50);
        assertThat(leased.leaseForMillis()).isEqualTo(5_000);
        assertThat(leased.graceUnits()).isEqualTo(500);
        assertThat(leased.graceMillis()).isEqualTo(24 * 3_600_000L);

        Sync batched = config.features().get("render").sync();
        assertThat(batched.strategy()).isEqualTo(Sync.Strategy.BATCHED);
        assertThat(batched.block()).isEqualTo(10);
        assertThat(batched.flushEveryMillis()).isEqualTo(600_000);
        assertThat(batched.flushUnits()).isEqualTo(2000);
        assertThat(batched.graceUnits()).isZero();
        assertThat(batched.graceMillis()).isEqualTo(2 * 86_400_000L);

        Sync strict = config.features().get("report").sync();
        assertThat(strict.strategy()).isEqualTo(Sync.Strategy.STRICT);
        assertThat(strict.journaled()).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"local, credits, LEASED", "local, usage, BATCHED", "cryptolens, credits, STRICT",
        "cryptolens, usage, STRICT"})
    void syncDefaultsDependOnTheBackendAndTheMode(String backend, String mode, Sync.Strategy expected) {
        Config config = parse("backend: " + backend + "\n" + CRYPTOLENS_OK + "features:\n  export:\n    mode: "
                + mode + "\n");

        assertThat(config.problems()).isEmpty();
        Sync sync = config.features().get("export").sync();
        assertThat(sync.strategy()).isEqualTo(expected);
        assertThat(sync.block()).as("no ceiling: leases are sized by leaseFor").isEqualTo(Sync.DEFAULT_BLOCK)
                .isEqualTo(Integer.MAX_VALUE);
        assertThat(sync.leaseForMillis()).isEqualTo(Sync.DEFAULT_LEASE_FOR_MILLIS).isEqualTo(1_000);
        assertThat(sync.flushEveryMillis()).isEqualTo(Sync.DEFAULT_FLUSH_EVERY_MILLIS).isEqualTo(5_000);
        assertThat(sync.flushUnits()).isEqualTo(Sync.DEFAULT_FLUSH_UNITS).isEqualTo(1_000);
        assertThat(sync.graceUnits()).isZero();
        assertThat(sync.graceMillis()).isZero();
    }

    @Test
    void aCryptolensFeatureMayBeLeasedOrBatchedAndLocalOnesStrict() {
        Config config = parse("backend: cryptolens\n" + CRYPTOLENS_OK + """
                features:
                  export: { mode: credits, sync: Leased, onBackendFailure: grace, grace: { units: 1 } }
                  render: { mode: usage, sync: BATCHED, flushUnits: 1 }
                """);
        Config local = parse("features:\n  export: { mode: credits, sync: strict }\n");

        assertThat(config.problems()).isEmpty();
        assertThat(config.features().get("export").sync().strategy()).isEqualTo(Sync.Strategy.LEASED);
        assertThat(config.features().get("export").sync().graceUnits()).isEqualTo(1);
        assertThat(config.features().get("render").sync().strategy()).isEqualTo(Sync.Strategy.BATCHED);
        assertThat(config.features().get("render").sync().flushUnits()).isEqualTo(1);
        assertThat(local.problems()).isEmpty();
        assertThat(local.features().get("export").sync().strategy()).isEqualTo(Sync.Strategy.STRICT);
    }

    @ParameterizedTest
    @CsvSource({"500ms, 500", "1ms, 1", "5s, 5000", "10m, 600000", "24h, 86400000", "2d, 172800000",
        "10 s, 10000", "'\"90s\"', 90000"})
    void durationsAreAWholeNumberAndAUnit(String value, long millis) {
        Config config = parse("features:\n  render:\n    mode: usage\n    flushEvery: " + value + "\n"
                + "journal:\n  fsyncEvery: " + value + "\n");

        assertThat(config.problems()).isEmpty();
        assertThat(config.features().get("render").sync().flushEveryMillis()).isEqualTo(millis);
        assertThat(config.journal().fsyncEveryMillis()).isEqualTo(millis);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "5          | needs a unit: say 5s or 500ms, got '5'",
        "0          | needs a unit: say 5s or 500ms, got '0'",
        "5 minutes  | must be a duration such as 500ms, 5s, 10m, 24h or 2d, got '5 minutes'",
        "1.5s       | must be a duration such as 500ms, 5s, 10m, 24h or 2d, got '1.5s'",
        "-1s        | must be a duration such as 500ms, 5s, 10m, 24h or 2d, got '-1s'",
        "s          | must be a duration such as 500ms, 5s, 10m, 24h or 2d, got 's'",
        "5S         | must be a duration such as 500ms, 5s, 10m, 24h or 2d, got '5S'",
        "0s         | must be more than 0, got '0s'",
        "0ms        | must be more than 0, got '0ms'",
        "999999999999999d | is too long, got '999999999999999d'",
        "99999999999999999999ms | is too long, got '99999999999999999999ms'"})
    void badDurationsAreRefused(String value, String message) {
        Config config = parse("features:\n  render:\n    mode: usage\n    flushEvery: " + value + "\n");

        assertOnlyProblem(config, 4, "features.render.flushEvery", message);
        assertThat(config.features().get("render").sync().flushEveryMillis())
                .isEqualTo(Sync.DEFAULT_FLUSH_EVERY_MILLIS);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "99ms | must be between 100ms and 1h",
        "2h   | must be between 100ms and 1h",
        "soon | must be a duration such as 500ms, 5s, 10m, 24h or 2d, got 'soon'"})
    void aLeaseForOutsideItsRangeIsRefusedWithItsLine(String value, String message) {
        Config config = parse("features:\n  export:\n    mode: credits\n    leaseFor: " + value + "\n");

        assertOnlyProblem(config, 4, "features.export.leaseFor", message);
    }

    @Test
    void aLeaseForOnAStrictFeatureIsRefusedBecauseNothingIsLeased() {
        Config config = parse("features:\n  export:\n    mode: credits\n    sync: strict\n    leaseFor: 2s\n");

        assertOnlyProblem(config, 5, "features.export.leaseFor", "is used only by sync: leased or batched; sync here "
                + "is strict");
    }

    @Test
    void anUnknownSyncIsRefusedAndNothingElseIsCheckedAgainstIt() {
        Config config = parse("""
                features:
                  export:
                    mode: credits
                    sync: lazy
                    block: 10
                    flushEvery: 1s
                """);

        assertOnlyProblem(config, 4, "features.export.sync", "must be one of strict, leased, batched, got 'lazy'");
    }

    @Test
    void aLeasedUsageFeatureIsRefused() {
        Config config = parse("features:\n  render:\n    mode: usage\n    sync: leased\n");

        assertOnlyProblem(config, 4, "features.render.sync",
                "leased is for credits features; a usage feature is batched or strict");
    }

    @Test
    void aBatchedCreditsFeatureIsRefused() {
        Config config = parse("features:\n  export:\n    mode: credits\n    sync: batched\n");

        assertOnlyProblem(config, 4, "features.export.sync",
                "batched is for usage features; a credits feature is leased or strict");
    }

    @Test
    void aSyncWithoutAModeIsNotCheckedAgainstIt() {
        Config config = parse("features:\n  render:\n    sync: leased\n");

        assertOnlyProblem(config, 2, "features.render.mode",
                "missing: say credits (pay upfront) or usage (pay per use)");
    }

    @Test
    void aBlockForAStrictFeatureIsRefused() {
        Config config = parse("features:\n  export:\n    mode: credits\n    sync: strict\n    block: 10\n");

        assertOnlyProblem(config, 5, "features.export.block",
                "is used only by sync: leased or batched; sync here is strict");
    }

    @Test
    void aBlockForAFeatureStrictByDefaultSaysWhyItIsStrict() {
        Config config = parse("backend: cryptolens\n" + CRYPTOLENS_OK
                + "features:\n  export:\n    mode: credits\n    block: 10\n");

        assertOnlyProblem(config, 10, "features.export.block", "is used only by sync: leased or batched; sync here "
                + "is strict (the default for a credits feature on the cryptolens backend)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0        | must be a whole number from 1 to 1000000, got 0",
        "1000001  | must be a whole number from 1 to 1000000, got 1000001",
        "many     | must be a whole number, got 'many'"})
    void aBlockOutOfRangeIsRefused(String value, String message) {
        Config config = parse("features:\n  export:\n    mode: credits\n    block: " + value + "\n");

        assertOnlyProblem(config, 4, "features.export.block", message);
    }

    @Test
    void theLargestBlockIsAccepted() {
        Config config = parse("features:\n  export:\n    mode: credits\n    block: 1_000_000\n");

        assertThat(config.problems()).isEmpty();
        assertThat(config.features().get("export").sync().block()).isEqualTo(1_000_000);
    }

    @Test
    void flushEveryForALeasedFeatureIsRefused() {
        Config config = parse("features:\n  export:\n    mode: credits\n    flushEvery: 5s\n");

        assertOnlyProblem(config, 4, "features.export.flushEvery", "is used only by sync: batched; sync here is "
                + "leased (the default for a credits feature on the local backend)");
    }

    @Test
    void flushUnitsForAStrictFeatureIsRefused() {
        Config config = parse("features:\n  render:\n    mode: usage\n    sync: strict\n    flushUnits: 10\n");

        assertOnlyProblem(config, 5, "features.render.flushUnits", "is used only by sync: batched; sync here is strict");
    }

    @Test
    void zeroFlushUnitsAreRefused() {
        Config config = parse("features:\n  render:\n    mode: usage\n    flushUnits: 0\n");

        assertOnlyProblem(config, 4, "features.render.flushUnits", "must be a whole number of at least 1, got 0");
    }

    @Test
    void graceOnAStrictFeatureIsRefused() {
        Config config = parse("""
                features:
                  export:
                    mode: credits
                    sync: strict
                    onBackendFailure: grace
                    grace: { units: 500 }
                """);

        assertOnlyProblem(config, 5, "features.export.onBackendFailure",
                "grace needs sync: leased or batched (strict has no journal to serve from); sync here is strict");
    }

    @Test
    void graceOnAFeatureStrictByDefaultSaysWhyItIsStrict() {
        Config config = parse("backend: cryptolens\n" + CRYPTOLENS_OK + """
                features:
                  render:
                    mode: usage
                    onBackendFailure: grace
                    grace: { time: 1h }
                """);

        assertOnlyProblem(config, 10, "features.render.onBackendFailure", "grace needs sync: leased or batched "
                + "(strict has no journal to serve from); sync here is strict (the default for a usage feature on "
                + "the cryptolens backend)");
    }

    @Test
    void graceWithoutItsLimitsIsReportedAtTheFailurePolicy() {
        Config config = parse("features:\n  export:\n    mode: credits\n    onBackendFailure: grace\n");

        assertOnlyProblem(config, 4, "features.export.grace", "missing: onBackendFailure is grace, so say how much "
                + "or how long, e.g. grace: { units: 500, time: 24h }");
    }

    @Test
    void anEmptyGraceIsRefused() {
        Config config = parse("features:\n  export:\n    mode: credits\n    onBackendFailure: grace\n    grace: {}\n");

        assertOnlyProblem(config, 5, "features.export.grace",
                "needs units, time or both, e.g. grace: { units: 500, time: 24h }");
    }

    @Test
    void aGraceWithNothingUnderItIsRefused() {
        Config config = parse("features:\n  export:\n    mode: credits\n    onBackendFailure: grace\n    grace:\n");

        assertOnlyProblem(config, 5, "features.export.grace", "needs keys under it");
    }

    @Test
    void aGraceThatIsNoMappingIsRefused() {
        Config config = parse("features:\n  export:\n    mode: credits\n    onBackendFailure: grace\n    grace: 500\n");

        assertOnlyProblem(config, 5, "features.export.grace", "must be a mapping of keys to values");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "    onBackendFailure: deny\n", "    onBackendFailure: allow\n"})
    void graceWithoutTheGracePolicyIsRefused(String policy) {
        Config config = parse("features:\n  export:\n    mode: credits\n" + policy + "    grace:\n      units: 5\n");

        assertOnlyProblem(config, policy.isEmpty() ? 4 : 5, "features.export.grace",
                "grace applies only with onBackendFailure: grace");
    }

    @Test
    void graceBesideAnUnknownPolicyIsNotReportedAgain() {
        Config config = parse("features:\n  export:\n    mode: credits\n    onBackendFailure: gracefully\n"
                + "    grace: { units: 5 }\n");

        assertOnlyProblem(config, 4, "features.export.onBackendFailure",
                "must be one of deny, allow, grace, got 'gracefully'");
    }

    @Test
    void zeroGraceUnitsAreRefused() {
        Config config = parse("""
                features:
                  export:
                    mode: credits
                    onBackendFailure: grace
                    grace:
                      units: 0
                      time: 1h
                """);

        assertOnlyProblem(config, 6, "features.export.grace.units", "must be a whole number of at least 1, got 0");
    }

    @Test
    void aGraceTimeWithoutAUnitIsRefused() {
        Config config = parse("""
                features:
                  export:
                    mode: credits
                    onBackendFailure: grace
                    grace: { time: 3600 }
                """);

        assertOnlyProblem(config, 5, "features.export.grace.time", "needs a unit: say 5s or 500ms, got '3600'");
    }

    @Test
    void anUnknownGraceKeyIsRefusedWithASuggestion() {
        Config config = parse("""
                features:
                  export:
                    mode: credits
                    onBackendFailure: grace
                    grace:
                      units: 5
                      tme: 1h
                """);

        assertOnlyProblem(config, 7, "features.export.grace.tme",
                "unknown key (did you mean 'time'?); known here: units, time");
    }

    // ---- journal ----

    @Test
    void theJournalIsReadWithEveryValue() {
        Config config = parse("journal:\n  dir: /var/lib/acme/journal\n  fsync: interval\n  fsyncEvery: 250ms\n");

        assertThat(config.problems()).isEmpty();
        assertThat(config.journal().dir()).isEqualTo(Paths.get("/var/lib/acme/journal"));
        assertThat(config.journal().fsync()).isEqualTo(JournalSettings.Fsync.INTERVAL);
        assertThat(config.journal().fsyncEveryMillis()).isEqualTo(250);
    }

    @ParameterizedTest
    @CsvSource({"never, NEVER", "interval, INTERVAL", "always, ALWAYS", "Always, ALWAYS"})
    void everyFsyncPolicyIsRead(String value, JournalSettings.Fsync expected) {
        Config config = parse("journal:\n  fsync: " + value + "\n");

        assertThat(config.problems()).isEmpty();
        assertThat(config.journal().fsync()).isEqualTo(expected);
        assertThat(config.journal().fsyncEveryMillis()).isEqualTo(JournalSettings.DEFAULT_FSYNC_EVERY_MILLIS);
    }

    @Test
    void withoutAJournalSectionEveryJournalSettingIsTheDefault() {
        Config config = parse(feature("export"));

        assertThat(config.journal().dir()).isNull();
        assertThat(config.journal().fsync()).isEqualTo(JournalSettings.Fsync.INTERVAL);
        assertThat(config.journal().fsyncEveryMillis()).isEqualTo(1_000);
    }

    @Test
    void aRelativeJournalDirIsResolvedAgainstTheConfigFilesFolder() throws IOException {
        Path file = write("conf/tollgate.yml", "journal:\n  dir: ./journal\n");

        Config config = new ConfigLoader(Map.of(), HOME).read(file);

        assertThat(config.problems()).isEmpty();
        assertThat(config.journal().dir()).isEqualTo(dir.resolve("conf").resolve("journal"));
    }

    @Test
    void aJournalDirUnderTildeIsResolvedAgainstTheUserHome() {
        assertThat(parse("journal:\n  dir: ~/acme/journal\n").journal().dir())
                .isEqualTo(Paths.get(HOME, "acme", "journal"));
    }

    @Test
    void aJournalDirThatIsNoPathIsRefused() {
        Config config = parse("journal:\n  dir: \"jour\\0nal\"\n");

        Problem p = onlyProblem(config);
        assertThat(p.line()).isEqualTo(2);
        assertThat(p.key()).isEqualTo("journal.dir");
        assertThat(p.message()).startsWith("not a valid path: ");
        assertThat(config.journal().dir()).isNull();
    }

    @Test
    void anUnknownFsyncPolicyIsRefused() {
        Config config = parse("journal:\n  fsync: sometimes\n");

        assertOnlyProblem(config, 2, "journal.fsync", "must be one of never, interval, always, got 'sometimes'");
    }

    @Test
    void aFsyncEveryWithoutAUnitIsRefused() {
        Config config = parse("journal:\n  fsyncEvery: 1000\n");

        assertOnlyProblem(config, 2, "journal.fsyncEvery", "needs a unit: say 5s or 500ms, got '1000'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"never", "always"})
    void aFsyncEveryWithoutFsyncIntervalIsRefused(String fsync) {
        Config config = parse("journal:\n  fsync: " + fsync + "\n  fsyncEvery: 2s\n");

        assertOnlyProblem(config, 3, "journal.fsyncEvery",
                "applies only with fsync: interval; fsync here is " + fsync);
    }

    @Test
    void anUnknownJournalKeyIsRefusedWithASuggestion() {
        Config config = parse("journal:\n  fsynk: always\n");

        assertOnlyProblem(config, 2, "journal.fsynk",
                "unknown key (did you mean 'fsync'?); known here: dir, fsync, fsyncEvery");
    }

    @Test
    void aJournalWithNothingUnderItIsRefused() {
        Config config = parse("journal:\n");

        assertOnlyProblem(config, 1, "journal", "needs keys under it");
        assertThat(config.journal().fsync()).isEqualTo(JournalSettings.Fsync.INTERVAL);
    }
}
