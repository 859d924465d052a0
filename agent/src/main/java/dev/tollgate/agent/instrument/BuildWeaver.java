package dev.tollgate.agent.instrument;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.tollgate.agent.config.PinnedConfig;
import dev.tollgate.agent.config.Rule;
import dev.tollgate.agent.rules.ClassShape;
import dev.tollgate.agent.rules.Decision;
import dev.tollgate.agent.rules.MeteringRules;
import dev.tollgate.agent.site.WovenStamp;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Build-time weaving: rewrites the class files of a folder (a build's {@code target/classes}) in place so that
 * their metered methods reach the metering runtime themselves, with no {@code -javaagent}. Which methods are
 * metered is decided by the agent's one rule engine ({@link MeteringRules}, annotations only: retrofit rules
 * stay the agent's), on the class files and their supertypes from {@code classpath}; the advice is the agent's
 * own ({@link DirectWeaver}), calling helpers added to the class ({@link WovenMembers}). A woven class keeps its
 * class file version, so a product built for Java 8 stays loadable there.
 *
 * <pre>{@code
 * BuildWeaver.Result r = BuildWeaver.weave(Paths.get("target/classes"), dependencyJars);
 * if (!r.problems().isEmpty()) fail(r.problems());       // nothing was written
 * log(r.summary());   // "wove 3 metered method(s) in 2 class(es) of target/classes; 0 already woven"
 * }</pre>
 *
 * Weaving is all or nothing: any problem (an interface with a metered method, a class file older than Java 7,
 * a class that cannot be read) writes no file, because a metered method left unwoven would run free. Classes
 * woven before (an incremental build) are left as they are, unless their stamp differs (a problem: rebuild).
 *
 * <p>When {@code classes} holds the vendor's pinned config or grant key, every woven class's stamp records their
 * digests ({@link #pinnedEntries}), and the runtime refuses an edited or replaced copy.
 */
public final class BuildWeaver {

    /** Where a product carries the vendor's grant key (as {@code grant.GrantKeys.RESOURCE}). */
    static final String GRANT_KEY = "META-INF/tollgate/grant-key.pub";

    /** What a weave did, or why it did nothing. */
    public static final class Result {
        private final List<String> woven = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private final List<String> problems = new ArrayList<>();
        private int methods;
        private int alreadyWoven;
        private final Path folder;

        Result(Path folder) {
            this.folder = folder;
        }

        /** The classes rewritten (binary names); empty when there were problems. */
        public List<String> woven() {
            return Collections.unmodifiableList(woven);
        }

        /** Annotations refused as the agent refuses them (a constructor, a native method): one line each. */
        public List<String> warnings() {
            return Collections.unmodifiableList(warnings);
        }

        /** Why nothing was written, one line each; empty on success. */
        public List<String> problems() {
            return Collections.unmodifiableList(problems);
        }

        /** One line for the build log. */
        public String summary() {
            return "wove " + methods + " metered method(s) in " + woven.size() + " class(es) of " + folder + "; "
                    + alreadyWoven + " already woven";
        }
    }

    private BuildWeaver() {
    }

    /** Weaves {@code classes} in place; {@code classpath} (jars, folders) holds the supertypes it extends. */
    public static Result weave(Path classes, List<Path> classpath) {
        return weave(classes, classpath, Collections.<String, String>emptyMap());
    }

    /**
     * As {@link #weave(Path, List)}, with entries for the stamp every woven class carries ({@link WovenStamp}):
     * the seam for facts the runtime must check, such as the digest of a config the vendor pins. The runtime
     * denies the calls of a class whose stamp has an entry it does not know.
     */
    public static Result weave(Path classes, List<Path> classpath, Map<String, String> stampEntries) {
        Result result = new Result(classes);
        if (!Files.isDirectory(classes)) {
            result.problems.add(classes + " is not a folder of class files");
            return result;
        }
        Map<String, String> entries = new LinkedHashMap<>(stampEntries);
        try {
            entries.putAll(pinnedEntries(classes));
        } catch (IOException | RuntimeException e) {
            result.problems.add(classes + ": the pinned config or grant key cannot be read: " + e);
            return result;
        }
        String stamp = WovenStamp.write(entries);
        List<Path> paths = new ArrayList<>();
        paths.add(classes);
        paths.addAll(classpath);
        List<Path> files;
        try (Stream<Path> all = Files.walk(classes)) {
            files = all.filter(f -> f.toString().endsWith(".class") && Files.isRegularFile(f)).sorted()
                    .collect(Collectors.toList());
        } catch (IOException | RuntimeException e) {
            result.problems.add(classes + " cannot be listed: " + e);
            return result;
        }
        List<Path> targets = new ArrayList<>();
        List<byte[]> outputs = new ArrayList<>();
        try (ClassFiles pool = ClassFiles.open(paths)) {
            for (Path file : files) {
                String name = classes.relativize(file).toString().replace(file.getFileSystem().getSeparator(), ".");
                name = name.substring(0, name.length() - ".class".length());
                if (name.endsWith("module-info") || name.endsWith("package-info")) {
                    continue;
                }
                try {
                    byte[] woven = weaveOne(name, Files.readAllBytes(file), pool, stamp, result);
                    if (woven != null) {
                        targets.add(file);
                        outputs.add(woven);
                        result.woven.add(name);
                    }
                } catch (IOException | RuntimeException e) {
                    result.problems.add(name + ": cannot be woven (" + e + ")");
                }
            }
        }
        if (!result.problems.isEmpty()) {
            result.woven.clear();
            result.methods = 0;
            return result;
        }
        for (int i = 0; i < targets.size(); i++) {
            try {
                Files.write(targets.get(i), outputs.get(i));
            } catch (IOException e) {
                result.problems.add(targets.get(i) + " cannot be written: " + e);
            }
        }
        return result;
    }

    /**
     * The stamp entries for what the vendor pins in {@code classes}: {@value WovenStamp#CONFIG_DIGEST} when it holds
     * {@link PinnedConfig#RESOURCE}, {@value WovenStamp#GRANT_KEY_DIGEST} when it holds {@value #GRANT_KEY}; each
     * the {@link PinnedConfig#digest} of the file's bytes.
     */
    static Map<String, String> pinnedEntries(Path classes) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        Path config = classes.resolve(PinnedConfig.RESOURCE);
        if (Files.isRegularFile(config)) {
            entries.put(WovenStamp.CONFIG_DIGEST, PinnedConfig.digest(Files.readAllBytes(config)));
        }
        Path key = classes.resolve(GRANT_KEY);
        if (Files.isRegularFile(key)) {
            entries.put(WovenStamp.GRANT_KEY_DIGEST, PinnedConfig.digest(Files.readAllBytes(key)));
        }
        return entries;
    }

    /** The woven class file, or {@code null} when the class has nothing to weave; problems go to the result. */
    private static byte[] weaveOne(String name, byte[] bytes, ClassFiles pool, String stamp, Result result) {
        if (ClassPeek.look(bytes).woven) {
            if (!holdsText(bytes, stamp)) {
                result.problems.add(name + ": was woven before with another stamp (the pinned config or grant key "
                        + "changed since, now " + stamp + "); rebuild its class files (mvn clean)");
                return null;
            }
            result.alreadyWoven++;
            return null;
        }
        ClassShape shape = pool.describe(name);
        if (shape == null) {
            result.problems.add(name + ": its class file cannot be read");
            return null;
        }
        if (shape.isAnnotation()) {
            return null;
        }
        Decision decision = MeteringRules.decide(shape, Collections.<Rule>emptyList());
        result.warnings.addAll(decision.refused());
        if (decision.metered().isEmpty()) {
            return null;
        }
        ClassReader reader = new ClassReader(bytes);
        if ((reader.getAccess() & Opcodes.ACC_INTERFACE) != 0) {
            result.problems.add(name + ": an interface's methods cannot be woven at build time (" + decision.metered()
                    + "); put @Metered on the implementations");
            return null;
        }
        int major = ((bytes[6] & 0xFF) << 8) | (bytes[7] & 0xFF);
        if (major < 51) {
            result.problems.add(name + ": class file version " + major + " is older than Java 7 (51), which build-time "
                    + "weaving needs; compile with --release 7 or later");
            return null;
        }
        DirectWeaver.Choice choice = DirectWeaver.choose(reader, reader.getClassName(), decision);
        if (choice == null) {
            result.problems.add(name + ": a metered method uses every local variable slot; the advice has no room");
            return null;
        }
        result.methods += choice.metered.size();
        return DirectWeaver.writeWoven(choice, new WovenMembers(choice.internalName, stamp, choice.metered));
    }

    /** Whether the class file's constant pool holds {@code text} (ASCII) as a whole UTF-8 constant. */
    private static boolean holdsText(byte[] bytes, String text) {
        byte[] t = text.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int p = 0; p + 3 + t.length <= bytes.length; p++) {
            if (bytes[p] != 1 || (((bytes[p + 1] & 0xFF) << 8) | (bytes[p + 2] & 0xFF)) != t.length) {
                continue;
            }
            for (int i = 0; i < t.length; i++) {
                if (bytes[p + 3 + i] != t[i]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
