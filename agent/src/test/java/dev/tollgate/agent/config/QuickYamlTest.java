package dev.tollgate.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * {@link QuickYaml} builds, for every document it accepts, the nodes SnakeYAML's composer builds (as
 * {@link SnakeYaml} converts them): the same kinds, tags, values and lines (the loader reports problems
 * by line). Everything
 * outside its plain shape it declines, so that SnakeYAML reads or reports it.
 */
class QuickYamlTest {

    static List<String> plainDocuments() throws IOException {
        return List.of(
                "",
                "# only a comment\n\n   # and another\n",
                "backend: local\n",
                """
                # Tollgate config for the Acme Reports demo: the embedded local ledger, no server.
                backend: local
                local:
                  dir: target/demo-ledger        # relative to this file
                  credits:
                    export: 3                    # opening balance
                features:
                  export:
                    mode: credits                # pay upfront
                    cost: 1
                  render:
                    mode: usage
                    bound: 4
                """,
                """
                backend: cryptolens
                cryptolens:
                  url: http://127.0.0.1:8080/api
                  token: ${CRYPTOLENS_TOKEN}
                  productId: 3941
                  key: FRQHQ-FSOSD-BWOPU-KJOWF
                  connectTimeout: 500ms
                  readTimeout: 5s
                  allowInsecure: false
                features:
                  export: { mode: credits, dataObject: credits }
                  render: {mode: usage, bound: 500}
                  empty: {}
                denied:
                  exception: com.acme.OutOfCreditsException
                log:
                  level: debug
                """,
                """
                journal:
                  dir: ./journal
                  fsync: interval
                  fsyncEvery: 1s
                features:
                  export:
                    mode: credits
                    sync: leased
                    block: 100
                    onBackendFailure: grace
                    grace:
                      units: 500
                      time: 24h
                  render:
                    mode: usage
                    sync: batched
                    flushEvery: 10m
                    grace: { time: 2d, units: 500 }
                  other: { mode: usage, sync: batched, flushEvery: 500ms, flushUnits: 1000 }
                """,
                "a: 'single quoted'\nb: \"double quoted\"   # comment\nc: ''\nd: \"\"\n",
                "a: ~\nb: null\nc: Null\nd:\ne: # nothing\nf: yes\ni: -3\nk: 500ms\nl: 5s\nm: +7\nn: 0\no: On\n",
                "dup: 1\ndup: 2\nnested:\n  dup: a\n  dup: b\n",
                "windows: line\r\nendings:\r\n  too: yes\r\n",
                "déjà: vu\nkey_with-dash.dot$/slash: v\nvalue: a#b c:d {x} [y] -z\n",
                "trailing:    spaces   \nafter: value   \n",
                "deep:\n  a:\n    b:\n      c:\n        d: e\n  back: here\nout: there\n",
                "a:\n\n  # a comment between\n  b: c\n# dedented comment\n  d: e\n",
                Files.readString(Path.of("../sample-app/tollgate.yml")),
                Files.readString(Path.of("../sample-app/tollgate-cryptolens.yml")));
    }

    @ParameterizedTest
    @MethodSource("plainDocuments")
    void plainDocumentsBecomeTheNodesSnakeYamlBuilds(String text) {
        QuickYaml quick = QuickYaml.read(text);
        assertThat(quick).as("QuickYaml reads:%n%s", text).isNotNull();
        assertThat(describe(quick.root)).isEqualTo(describe(SnakeYaml.convert(snakeYaml(text))));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "list:\n  - a\n  - b\n",
        "flow: [a, b]\n",
        "anchor: &a x\nalias: *a\n",
        "tagged: !!str 5\n",
        "block: |\n  text\n",
        "folded: >\n  text\n",
        "multi: one\n  two\n",
        "tab:\tx\n",
        "escaped: \"a\\nb\"\n",
        "quote: 'it''s'\n",
        "---\na: b\n",
        "%YAML 1.1\n---\na: b\n",
        "? complex\n: key\n",
        "a key: with a space\n",
        "value: has: colon\n",
        "value: ends with colon:\n",
        "  indented: root\n",
        "a:\n    b: c\n  d: e\n",
        "plain scalar\n",
        "a: b\n c\n",
        "a: {b: {c: d}}\n",
        "a: {b}\n",
        "a: {b: c,}\n",
        "a: 'x' y\n",
        "a: *\n",
        "a: - b\n",
        "<<: x\n",
        "\uFEFFbom: yes\n",
        "k:v\n",
        "hex: 0x1F\n",
        "float: 1.5\n",
        "date: 2001-12-14\n",
        "octal: 012\n",
        "grouped: 1_000\n",
        "sexagesimal: 1:30\n",
        "unit: 5sec\n",
        "upper: 5S\n",
        "hidden: .git\n",
        "dotfloat: .5\n",
    })
    void everythingElseIsLeftToSnakeYaml(String text) {
        assertThat(QuickYaml.read(text)).as("declines:%n%s", text).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "~", "~/ledger", "null", "Null", "NULL", "nul", "no", "No", "NO", "nope", "yes", "Yes",
        "YES", "yep", "true", "True", "TRUE", "truly", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
        "often", "<<", "<x", "0", "-0", "+5", "12", "-345", "500ms", "5s", "10m", "24h", "2d", "0s", "007ms", "abc",
        "$X", "${X}", "/p", "_u", ".", "..", "./journal", "../ledger", ".../x", "credits",
        "FRQHQ-FSOSD-BWOPU-KJOWF", "http://127.0.0.1:8080", "com.acme.OutOfCreditsException"})
    void tagsAreTheResolversTags(String value) {
        assertThat(QuickYaml.tag(value)).isEqualTo(new Resolver().resolve(NodeId.scalar, value, true).getValue());
    }

    private static Node snakeYaml(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true);
        return new Composer(new ParserImpl(new StreamReader(new StringReader(text)), options), new Resolver(), options)
                .getSingleNode();
    }

    /** Kind, tag, value and line of every node, indented by depth. */
    private static String describe(YamlNode node) {
        StringBuilder out = new StringBuilder();
        describe(node, "", out);
        return out.toString();
    }

    private static void describe(YamlNode node, String indent, StringBuilder out) {
        if (node == null) {
            out.append(indent).append("null\n");
            return;
        }
        out.append(indent).append(node.getClass().getSimpleName()).append(' ').append(node.tag).append(" line ")
                .append(node.line);
        if (node instanceof YamlNode.Scalar s) {
            out.append(" '").append(s.value).append("'\n");
        } else if (node instanceof YamlNode.Mapping m) {
            out.append('\n');
            for (int i = 0; i < m.keys.size(); i++) {
                describe(m.keys.get(i), indent + "  key ", out);
                describe(m.values.get(i), indent + "  value ", out);
            }
        } else {
            out.append('\n');
        }
    }
}
