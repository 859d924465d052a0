package dev.tollgate.agent.config;

import java.io.StringReader;
import java.util.IdentityHashMap;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads what {@link QuickYaml} declines, with SnakeYAML: the only class of the config reader that touches
 * SnakeYAML, so a plain config never loads it.
 */
final class SnakeYaml {

    /** The document's root; {@code null} for an empty document or when it is not valid YAML. */
    final YamlNode root;
    /** Why it is not valid YAML, or {@code null}; and on which line (from 1; 0 when unknown). */
    final String problem;
    final int problemLine;

    private SnakeYaml(YamlNode root, String problem, int problemLine) {
        this.root = root;
        this.problem = problem;
        this.problemLine = problemLine;
    }

    static SnakeYaml read(String text) {
        try {
            return new SnakeYaml(convert(compose(text)), null, 0);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            int line = mark == null ? 0 : mark.getLine() + 1;
            String what = e.getProblem() != null ? e.getProblem() : e.getContext();
            return new SnakeYaml(null, what, line);
        } catch (RuntimeException e) { // YAMLException and anything else SnakeYAML throws
            String m = e.getMessage();
            return new SnakeYaml(null, m == null ? e.getClass().getSimpleName() : m, 0);
        }
    }

    /**
     * What Yaml.compose does, without Yaml itself: its representer, constructor and bean introspection
     * (java.beans, java.util.logging) are a hundred classes more on the premain path, all unused here.
     */
    static Node compose(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true); // reported by us, with both lines
        options.setMaxAliasesForCollections(10);
        return new Composer(new ParserImpl(new StreamReader(new StringReader(text)), options), new Resolver(), options)
                .getSingleNode();
    }

    /** SnakeYAML's nodes as the reader's; a node reached twice (an alias) becomes one node, as before. */
    static YamlNode convert(Node node) {
        return convert(node, new IdentityHashMap<Node, YamlNode>());
    }

    private static YamlNode convert(Node node, Map<Node, YamlNode> done) {
        if (node == null) {
            return null;
        }
        YamlNode converted = done.get(node);
        if (converted != null) {
            return converted;
        }
        int line = node.getStartMark() == null ? -1 : node.getStartMark().getLine();
        String tag = node.getTag() == null ? null : node.getTag().getValue();
        if (node instanceof ScalarNode) {
            converted = new YamlNode.Scalar(line, tag, ((ScalarNode) node).getValue());
            done.put(node, converted);
        } else if (node instanceof MappingNode) {
            YamlNode.Mapping m = new YamlNode.Mapping(line, tag);
            done.put(node, m);
            for (NodeTuple t : ((MappingNode) node).getValue()) {
                m.put(convert(t.getKeyNode(), done), convert(t.getValueNode(), done));
            }
            converted = m;
        } else {
            YamlNode.Sequence s = new YamlNode.Sequence(line, tag);
            done.put(node, s);
            for (Node item : ((SequenceNode) node).getValue()) {
                s.items.add(convert(item, done));
            }
            converted = s;
        }
        return converted;
    }
}
