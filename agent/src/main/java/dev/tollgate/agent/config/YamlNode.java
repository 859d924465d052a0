package dev.tollgate.agent.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A node of the config document, as far as the config reader looks: kind, tag, value and line. Built by
 * {@link QuickYaml} for the plain shape, and converted from SnakeYAML's nodes by {@link SnakeYaml} for
 * everything else. Not SnakeYAML's own nodes, because merely initialising its {@code Tag} class (a URI
 * encoder, a regular expression, {@code java.sql} types for timestamps) costs every product several
 * milliseconds of startup.
 */
abstract class YamlNode {

    /** SnakeYAML's tags ({@code Tag.NULL.getValue()} and so on), as the config reader compares them. */
    static final String NULL = "tag:yaml.org,2002:null";
    static final String STR = "tag:yaml.org,2002:str";
    static final String BOOL = "tag:yaml.org,2002:bool";
    static final String INT = "tag:yaml.org,2002:int";
    static final String MERGE = "tag:yaml.org,2002:merge";
    static final String MAP = "tag:yaml.org,2002:map";
    static final String SEQ = "tag:yaml.org,2002:seq";

    /** The line where the node starts, counted from 0 as SnakeYAML's marks count; -1 when unknown. */
    final int line;
    final String tag;

    YamlNode(int line, String tag) {
        this.line = line;
        this.tag = tag;
    }

    static final class Scalar extends YamlNode {
        final String value;

        Scalar(int line, String tag, String value) {
            super(line, tag);
            this.value = value;
        }
    }

    /** Keys and values in document order, duplicates included. */
    static final class Mapping extends YamlNode {
        final List<YamlNode> keys = new ArrayList<YamlNode>();
        final List<YamlNode> values = new ArrayList<YamlNode>();

        Mapping(int line, String tag) {
            super(line, tag);
        }

        void put(YamlNode key, YamlNode value) {
            keys.add(key);
            values.add(value);
        }
    }

    static final class Sequence extends YamlNode {
        final List<YamlNode> items = new ArrayList<YamlNode>();

        Sequence(int line, String tag) {
            super(line, tag);
        }
    }
}
