package dev.tollgate.agent.forked;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the packaged {@code tollgate-agent.jar} on real {@code java} processes: the only proof that the
 * shipped artifact works. Paths come from system properties set by the failsafe configuration.
 */
final class ForkedJvm {

    static final long TIMEOUT_SECONDS = 120;

    /** A JDK to run the forked tests on. */
    record Jdk(String name, Path home) {
        Path java() {
            return home.resolve("bin").resolve("java");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** What a finished process printed. */
    record Result(int exit, String out, String err) {

        /** The single stdout line starting with {@code name + ": "}, without that prefix. */
        String line(String name) {
            List<String> found = out.lines().filter(l -> l.startsWith(name + ": ")).toList();
            assertThat(found).as("one '%s:' line in stdout:%n%s%nstderr:%n%s", name, out, err).hasSize(1);
            return found.get(0).substring(name.length() + 2);
        }

        /** The {@code key=value} pairs of {@link #line}; the last pair may contain spaces (message=...). */
        Map<String, String> fields(String name) {
            return parse(line(name));
        }

        /** The {@link #fields} of every stdout line named {@code name}, in order, for a scenario run several times. */
        List<Map<String, String>> all(String name) {
            return out.lines().filter(l -> l.startsWith(name + ": ")).map(l -> parse(l.substring(name.length() + 2)))
                    .toList();
        }

        private static Map<String, String> parse(String line) {
            Map<String, String> fields = new LinkedHashMap<>();
            int message = line.indexOf(" message=");
            String head = message < 0 ? line : line.substring(0, message);
            for (String pair : head.trim().split(" ")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    fields.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
            if (message >= 0) {
                fields.put("message", line.substring(message + " message=".length()));
            }
            return fields;
        }

        /** The stderr lines written by the agent. */
        List<String> agentLines() {
            return err.lines().filter(l -> l.startsWith("[tollgate]")).toList();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private ForkedJvm() {
    }

    /** The JDK running the build, and the others {@code tollgate.it.jdks} asks for (see {@link ItJdks}). */
    static List<Jdk> jdks() {
        Path current = Path.of(System.getProperty("java.home"));
        int feature = Runtime.version().feature();
        return ItJdks.select(System.getProperty(ItJdks.PROPERTY), new Jdk("jdk" + feature, current), feature,
                ItJdks.searchRoots(current));
    }

    static Path agentJar() {
        return existing("tollgate.agent.jar");
    }

    static Path annotationsJar() {
        return existing("tollgate.annotations.jar");
    }

    /** A third-party jar from Maven Central (Apache Commons Lang) that retrofit rules meter. */
    static Path thirdPartyJar() {
        return existing("tollgate.thirdparty.jar");
    }

    static Path fixtures() {
        return existing("tollgate.fixtures.dir");
    }

    /** The OpenTelemetry Java agent, copied from Maven Central by the build. */
    static Path otelAgentJar() {
        return existing("tollgate.otel.agent.jar");
    }

    /** Spring Boot's launcher classes (spring-boot-loader), copied from Maven Central by the build. */
    static Path bootLoaderJar() {
        return existing("tollgate.boot.loader.jar");
    }

    /** Runs {@code fixtures.Scenarios} with the agent, in {@code dir}, and waits for it. */
    static Result scenarios(Jdk jdk, Path dir, String agentArgument, String... scenarios) {
        return run(jdk, dir, List.of(agentOption(agentArgument)), List.of(), "fixtures.Scenarios", scenarios);
    }

    /** As {@link #scenarios(Jdk, Path, String, String...)}, with these environment variables set as well. */
    static Result scenarios(Jdk jdk, Path dir, Map<String, String> env, String agentArgument, String... scenarios) {
        return scenarios(jdk, dir, env, agentArgument, List.of(), scenarios);
    }

    /**
     * Runs {@code fixtures.Scenarios} with the agent and these environment variables, with the test acting in
     * between: the {@code pause} scenario prints {@code pause: N} and waits; then {@code steps.get(N - 1)} runs
     * here and the JVM goes on. Every step must be reached. A step that throws ends the JVM and the test.
     */
    static Result scenarios(Jdk jdk, Path dir, Map<String, String> env, String agentArgument, List<Runnable> steps,
            String... scenarios) {
        List<String> command = command(jdk, List.of(agentOption(agentArgument)), List.of(), "fixtures.Scenarios",
                scenarios);
        Process p = start(command, dir, env);
        String what = "fixtures.Scenarios " + Arrays.toString(scenarios);
        if (steps.isEmpty()) {
            return finish(p, what);
        }
        Thread watchdog = new Thread(() -> {
            try {
                if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                // the run ended first
            }
        });
        watchdog.setDaemon(true);
        watchdog.start();
        byte[][] streams = new byte[2][];
        Thread err = drain(p.getErrorStream(), streams, 1);
        StringBuilder out = new StringBuilder();
        int reached = 0;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
            for (String line; (line = lines.readLine()) != null; ) {
                out.append(line).append('\n');
                if (line.startsWith("pause: ")) {
                    reached++;
                    if (reached > steps.size()) {
                        throw new AssertionError("pause " + reached + " has no step; output so far:\n" + out);
                    }
                    try {
                        steps.get(reached - 1).run();
                    } catch (RuntimeException | AssertionError e) {
                        throw new AssertionError("step " + reached + " failed; output so far:\n" + out, e);
                    }
                    in.write('\n');
                    in.flush();
                }
            }
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("forked JVM did not finish in " + TIMEOUT_SECONDS + " s: " + what);
            }
            err.join();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            p.destroyForcibly();
            watchdog.interrupt();
        }
        Result r = new Result(p.exitValue(), out.toString(), new String(streams[1], StandardCharsets.UTF_8));
        assertThat(reached).as("pauses reached of %d steps in %s%n%s", steps.size(), what, r).isEqualTo(steps.size());
        return r;
    }

    /** Runs {@code fixtures.Scenarios} with these JVM options before the agent's and these environment variables. */
    static Result scenariosWith(Jdk jdk, Path dir, Map<String, String> env, List<String> jvmOptions,
            String agentArgument, String... scenarios) {
        List<String> options = new ArrayList<>(jvmOptions);
        options.add(agentOption(agentArgument));
        return finish(start(command(jdk, options, List.of(), "fixtures.Scenarios", scenarios), dir, env),
                "fixtures.Scenarios " + Arrays.toString(scenarios));
    }

    static String agentOption(String agentArgument) {
        return "-javaagent:" + agentJar() + (agentArgument == null ? "" : "=" + agentArgument);
    }

    /** Runs a main class with the fixtures and the annotations jar (plus {@code classpath}) on the class path. */
    static Result run(Jdk jdk, Path dir, List<String> jvmOptions, List<Path> classpath, String main, String... args) {
        return finish(start(jdk, dir, jvmOptions, classpath, main, args), main + " " + Arrays.toString(args));
    }

    /** Runs {@code java} with exactly these arguments. */
    static Result java(Jdk jdk, Path dir, String... args) {
        return java(jdk, dir, Map.of(), args);
    }

    /** As {@link #java(Jdk, Path, String...)}, with these environment variables set as well. */
    static Result java(Jdk jdk, Path dir, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add(jdk.java().toString());
        command.addAll(Arrays.asList(args));
        return finish(start(command, dir, env), String.join(" ", args));
    }

    private static Result finish(Process p, String what) {
        try {
            byte[][] streams = new byte[2][];
            Thread out = drain(p.getInputStream(), streams, 0);
            Thread err = drain(p.getErrorStream(), streams, 1);
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("forked JVM did not finish in " + TIMEOUT_SECONDS + " s: " + what);
            }
            out.join();
            err.join();
            return new Result(p.exitValue(), new String(streams[0], StandardCharsets.UTF_8),
                    new String(streams[1], StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static Process start(Jdk jdk, Path dir, List<String> jvmOptions, List<Path> classpath, String main,
            String... args) {
        return start(command(jdk, jvmOptions, classpath, main, args), dir);
    }

    /** As {@link #start(Jdk, Path, List, List, String, String...)}, with these environment variables set as well. */
    static Process start(Jdk jdk, Path dir, Map<String, String> env, List<String> jvmOptions, String main,
            String... args) {
        return start(command(jdk, jvmOptions, List.of(), main, args), dir, env);
    }

    private static List<String> command(Jdk jdk, List<String> jvmOptions, List<Path> classpath, String main,
            String... args) {
        List<String> command = new ArrayList<>();
        command.add(jdk.java().toString());
        command.addAll(jvmOptions);
        List<String> cp = new ArrayList<>();
        cp.add(fixtures().toString());
        cp.add(annotationsJar().toString());
        classpath.forEach(c -> cp.add(c.toString()));
        command.add("-cp");
        command.add(String.join(File.pathSeparator, cp));
        command.add(main);
        command.addAll(Arrays.asList(args));
        return command;
    }

    /** Starts {@code java} with exactly these arguments, without waiting. */
    static Process startJava(Jdk jdk, Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add(jdk.java().toString());
        command.addAll(Arrays.asList(args));
        return start(command, dir);
    }

    private static Process start(List<String> command, Path dir) {
        return start(command, dir, Map.of());
    }

    private static Process start(List<String> command, Path dir, Map<String, String> env) {
        // A home inside target/ for every forked JVM: what the agent keeps under the home (the bootstrap jar, each
        // ledger's witness, default journals) stays out of the real one. A test's own -Duser.home comes later and wins.
        List<String> withHome = new ArrayList<>(command);
        withHome.add(1, "-Duser.home=" + fixtures().getParent().resolve("it-home"));
        ProcessBuilder pb = new ProcessBuilder(withHome).directory(dir.toFile());
        pb.environment().remove("TOLLGATE_CONFIG");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().putAll(env);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** What the forked JVM of the running {@code scenarios} call with steps has printed on stderr so far. */
    private static volatile java.io.ByteArrayOutputStream liveErr;

    /**
     * For a step: waits until the forked JVM has printed a line on stderr that contains {@code text}, e.g. the
     * agent's word that something happened in the background. Fails after {@code timeout}.
     */
    static void awaitErr(String text, java.time.Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            java.io.ByteArrayOutputStream err = liveErr;
            if (err != null) {
                synchronized (err) {
                    if (new String(err.toByteArray(), StandardCharsets.UTF_8).contains(text)) {
                        return;
                    }
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
        throw new AssertionError("the forked JVM printed no \"" + text + "\" on stderr within " + timeout);
    }

    private static Thread drain(InputStream in, byte[][] into, int slot) {
        java.io.ByteArrayOutputStream live = new java.io.ByteArrayOutputStream();
        if (slot == 1) {
            liveErr = live;
        }
        Thread t = new Thread(() -> {
            try {
                byte[] buffer = new byte[8192];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    synchronized (live) {
                        live.write(buffer, 0, n);
                    }
                }
                synchronized (live) {
                    into[slot] = live.toByteArray();
                }
            } catch (IOException e) {
                into[slot] = ("(reading failed: " + e + ")").getBytes(StandardCharsets.UTF_8);
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    static Path write(Path dir, String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path existing(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set: run the forked tests with "
                    + "'mvn verify' so that failsafe sets it");
        }
        Path path = Path.of(value);
        if (!Files.exists(path)) {
            throw new IllegalStateException(property + " points to " + path + ", which does not exist: run "
                    + "'mvn verify' (it packages the jar before the forked tests)");
        }
        return path;
    }

}
