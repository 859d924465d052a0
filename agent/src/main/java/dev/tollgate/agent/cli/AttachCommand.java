package dev.tollgate.agent.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Properties;

import dev.tollgate.agent.boot.Running;

/**
 * {@code java -jar tollgate-agent.jar attach <pid> <config>}: loads this jar into a running JVM with the
 * config's absolute path as the agent argument. The target's {@code agentmain} installs the transformer
 * and retransforms the classes it already loaded, then publishes what it did ({@link Running#STATUS}),
 * which this command reads back and prints.
 *
 * <p>Exit codes: 0 attached; 1 the attach failed or was refused (no such process, not a JVM, not
 * permitted, attach disabled, config file missing, the agent already runs, ...); 2 bad usage. Every
 * failure is one line on stderr that says what to do.
 *
 * <p>The attach API ({@code com.sun.tools.attach}, module {@code jdk.attach} on Java 9+, {@code tools.jar}
 * on Java 8) is used by reflection: the agent compiles for Java 8 and must not link against it.
 */
final class AttachCommand {

    static final int ATTACHED = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    static final String USAGE_LINE = "usage: java -jar tollgate-agent.jar attach <pid> <config.yml>";

    private final Path workingDir;
    private final Path agentJar;
    private final AttachApi api;
    private final Processes processes;
    private final PrintStream out;
    private final PrintStream err;

    /** The attach API, reached by reflection in the real command and faked in tests. */
    interface AttachApi {
        /** Connects to the JVM; throws what {@code VirtualMachine.attach} throws. */
        Target attach(String pid) throws Exception;

        /** Whether {@code pid} is among the JVMs the API lists (those of this user with performance data). */
        boolean lists(String pid);
    }

    /** A connected JVM. */
    interface Target {
        void loadAgent(String jar, String argument) throws Exception;

        Properties systemProperties() throws Exception;

        void detach();
    }

    /** What the operating system says about a process id. */
    interface Processes {
        /** {@code TRUE} / {@code FALSE}, or {@code null} when it cannot tell. */
        Boolean alive(long pid);

        /** Whether it handles SIGQUIT, which the attach handshake sends; {@code null} when it cannot tell. */
        Boolean handlesQuit(long pid);
    }

    AttachCommand(Path workingDir, Path agentJar, AttachApi api, Processes processes, PrintStream out,
            PrintStream err) {
        this.workingDir = workingDir;
        this.agentJar = agentJar;
        this.api = api;
        this.processes = processes;
        this.out = out;
        this.err = err;
    }

    /** The real command: this jar, the JDK's attach API, this machine's processes. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return new AttachCommand(Paths.get("").toAbsolutePath(), ownJar(), ReflectiveAttachApi.find(),
                new OsProcesses(), out, err).run(args);
    }

    /** Parsed arguments. */
    static final class Request {
        final String pid;
        final Path config;

        Request(String pid, Path config) {
            this.pid = pid;
            this.config = config;
        }
    }

    /** A bad command line: the message, printed with the usage line; exit code 2. */
    static final class UsageError extends Exception {
        private static final long serialVersionUID = 1L;

        UsageError(String message) {
            super(message);
        }
    }

    /** Parses {@code <pid> <config>}; the config path is made absolute, as the target's working directory differs. */
    static Request parse(String[] args, Path workingDir) throws UsageError {
        if (args.length != 2) {
            throw new UsageError("attach needs a process id and a config file, got " + args.length + " argument(s)");
        }
        String pid = args[0].trim();
        if (!isPid(pid)) {
            throw new UsageError("'" + args[0] + "' is not a process id (a positive whole number; `jps -l` lists "
                    + "the Java processes)");
        }
        if (args[1].trim().isEmpty()) {
            throw new UsageError("the config file name is empty");
        }
        Path config;
        try {
            config = workingDir.resolve(args[1].trim()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new UsageError("'" + args[1] + "' is not a valid path");
        }
        return new Request(pid, config);
    }

    private static boolean isPid(String s) {
        if (s.isEmpty() || s.length() > 10 || s.charAt(0) == '0') {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return Long.parseLong(s) <= Integer.MAX_VALUE;
    }

    int run(String[] args) {
        Request request;
        try {
            request = parse(args, workingDir);
        } catch (UsageError e) {
            err.println("tollgate: " + e.getMessage());
            err.println(USAGE_LINE);
            return USAGE;
        }
        String pid = request.pid;
        if (Files.isDirectory(request.config)) {
            return fail(request.config + " is a folder, not a config file; name the tollgate.yml the target should "
                    + "use");
        }
        if (!Files.isRegularFile(request.config)) {
            return fail("config file not found: " + request.config + "; name the tollgate.yml the target should "
                    + "use (a relative path is resolved against " + workingDir + ")");
        }
        if (agentJar == null) {
            return fail("cannot find the agent jar this command runs from; run it as java -jar "
                    + "tollgate-agent.jar attach <pid> <config.yml>");
        }
        if (api == null) {
            return fail("this java has no attach API (module jdk.attach, or tools.jar on Java 8); run the command "
                    + "with the java of a JDK (" + System.getProperty("java.home") + " is not one)");
        }
        long number = Long.parseLong(pid);
        if (Boolean.FALSE.equals(processes.alive(number))) {
            return fail("no process with pid " + pid + "; `jps -l` lists the Java processes you can attach to");
        }
        if (Boolean.FALSE.equals(processes.handlesQuit(number)) && !api.lists(pid)) {
            // The handshake sends SIGQUIT, which ends a process that does not handle it.
            return fail("pid " + pid + " is not a Java process that can be attached to (it does not handle the "
                    + "attach signal, SIGQUIT); `jps -l` lists the Java processes");
        }
        Target target;
        try {
            target = api.attach(pid);
        } catch (Throwable t) {
            return fail(attachFailure(pid, unwrap(t)));
        }
        try {
            try {
                target.loadAgent(agentJar.toString(), request.config.toString());
            } catch (Throwable t) {
                return fail(loadFailure(pid, unwrap(t)));
            }
            String status = status(target);
            return report(pid, request.config, status);
        } finally {
            try {
                target.detach();
            } catch (Throwable ignored) {
                // The agent is loaded; a failed detach only leaves the connection to the JVM's cleanup.
            }
        }
    }

    private static String status(Target target) {
        try {
            return target.systemProperties().getProperty(Running.STATUS);
        } catch (Throwable t) {
            return null;
        }
    }

    /** Prints what the target reported and picks the exit code. */
    private int report(String pid, Path config, String status) {
        if (status == null) {
            out.println("tollgate: loaded the agent into pid " + pid + " with config " + config);
            out.println("tollgate: pid " + pid + " did not say what it did; see its stderr for [tollgate] lines");
            return ATTACHED;
        }
        String[] lines = status.split("\n");
        if (lines[0].startsWith(Running.STARTED)) {
            out.println("tollgate: attached to pid " + pid + " with config " + config);
            out.println("tollgate: pid " + pid + " says: " + lines[0].substring(Running.STARTED.length()));
            out.println("tollgate: its [tollgate] lines are on its stderr");
            return ATTACHED;
        }
        if (lines[0].startsWith(Running.REFUSED)) {
            err.println("tollgate: pid " + pid + " refused the attach: " + lines[0].substring(Running.REFUSED.length()));
        } else {
            err.println("tollgate: the attach to pid " + pid + " failed: " + (lines[0].startsWith(Running.FAILED)
                    ? lines[0].substring(Running.FAILED.length()) : lines[0]) + "; see its stderr");
        }
        for (int i = 1; i < lines.length; i++) {
            err.println("tollgate:   " + lines[i]);
        }
        return FAILED;
    }

    /** What {@code VirtualMachine.attach} threw, as one line that says what to do. */
    static String attachFailure(String pid, Throwable t) {
        String m = String.valueOf(t.getMessage());
        String type = t.getClass().getSimpleName();
        if (m.contains("No such process") || m.contains("non existent JVM pid")) {
            return "no process with pid " + pid + "; `jps -l` lists the Java processes you can attach to";
        }
        if (m.contains("does not support the attach mechanism")) {
            return "pid " + pid + " does not accept attaching (it runs with -XX:+DisableAttachMechanism); restart it "
                    + "without that flag, or with -javaagent:tollgate-agent.jar=<config.yml>";
        }
        if (m.contains("Operation not permitted") || m.contains("Permission denied") || m.contains("not secure")
                || m.contains("should be owned by") || t instanceof SecurityException) {
            return "not permitted to attach to pid " + pid + " (" + m + "); run the command as the user that runs "
                    + "the target JVM";
        }
        if (m.contains("doesn't respond") || m.contains("not loaded") || m.contains("not ready")
                || m.contains("not responding")) {
            return "pid " + pid + " did not answer the attach request (" + m + "); it must be a running HotSpot JVM "
                    + "(not one started with -XX:+DisableAttachMechanism or -Xrs), by the same user";
        }
        return "cannot attach to pid " + pid + ": " + type + ": " + m + "; check that it is a running JVM of the "
                + "same user (`jps -l`)";
    }

    /** What {@code VirtualMachine.loadAgent} threw, as one line that says what to do. */
    static String loadFailure(String pid, Throwable t) {
        String m = String.valueOf(t.getMessage());
        if (m.contains("Dynamic agent loading is not enabled")) {
            return "pid " + pid + " does not allow loading agents into it (it runs with "
                    + "-XX:-EnableDynamicAgentLoading); restart it with -XX:+EnableDynamicAgentLoading, or with "
                    + "-javaagent:tollgate-agent.jar=<config.yml>";
        }
        return "pid " + pid + " could not load the agent: " + t.getClass().getSimpleName() + ": " + m
                + "; see the target's stderr";
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof InvocationTargetException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private int fail(String line) {
        err.println("tollgate: " + line);
        return FAILED;
    }

    /** The agent jar this command was loaded from, or {@code null} (run from a folder of classes). */
    static Path ownJar() {
        try {
            URL location = AttachCommand.class.getProtectionDomain().getCodeSource().getLocation();
            Path path = Paths.get(location.toURI());
            return Files.isRegularFile(path) ? path.toAbsolutePath() : null;
        } catch (Exception | Error e) {
            return null;
        }
    }

    /** {@code com.sun.tools.attach.VirtualMachine} by reflection. */
    static final class ReflectiveAttachApi implements AttachApi {
        private final Class<?> vm;

        private ReflectiveAttachApi(Class<?> vm) {
            this.vm = vm;
        }

        /** The JDK's attach API, or {@code null} when this java has none. */
        static ReflectiveAttachApi find() {
            String name = "com.sun.tools.attach.VirtualMachine";
            try {
                return new ReflectiveAttachApi(Class.forName(name));
            } catch (Throwable notOnThePath) {
                // Java 8: the API is in the JDK's lib/tools.jar, next to the jre folder that is java.home.
                File tools = new File(System.getProperty("java.home"), "../lib/tools.jar");
                if (!tools.isFile()) {
                    return null;
                }
                try {
                    ClassLoader loader = new URLClassLoader(new URL[] {tools.toURI().toURL()},
                            AttachCommand.class.getClassLoader());
                    return new ReflectiveAttachApi(Class.forName(name, true, loader));
                } catch (Throwable t) {
                    return null;
                }
            }
        }

        @Override
        public Target attach(String pid) throws Exception {
            final Object machine = vm.getMethod("attach", String.class).invoke(null, pid);
            return new Target() {
                @Override
                public void loadAgent(String jar, String argument) throws Exception {
                    vm.getMethod("loadAgent", String.class, String.class).invoke(machine, jar, argument);
                }

                @Override
                public Properties systemProperties() throws Exception {
                    return (Properties) vm.getMethod("getSystemProperties").invoke(machine);
                }

                @Override
                public void detach() {
                    try {
                        vm.getMethod("detach").invoke(machine);
                    } catch (Exception e) {
                        // nothing to do
                    }
                }
            };
        }

        @Override
        public boolean lists(String pid) {
            try {
                List<?> descriptors = (List<?>) vm.getMethod("list").invoke(null);
                for (Object d : descriptors) {
                    if (pid.equals(d.getClass().getMethod("id").invoke(d))) {
                        return true;
                    }
                }
            } catch (Throwable t) {
                // cannot tell
            }
            return false;
        }
    }

    /** Process facts from the operating system: {@code ProcessHandle} on Java 9+, {@code /proc} on Linux. */
    static final class OsProcesses implements Processes {
        @Override
        public Boolean alive(long pid) {
            try {
                Class<?> handle = Class.forName("java.lang.ProcessHandle");
                Object found = handle.getMethod("of", long.class).invoke(null, pid);
                Boolean present = (Boolean) found.getClass().getMethod("isPresent").invoke(found);
                if (!present) {
                    return Boolean.FALSE;
                }
                Object h = found.getClass().getMethod("get").invoke(found);
                return (Boolean) handle.getMethod("isAlive").invoke(h);
            } catch (Throwable java8) {
                File proc = new File("/proc");
                return proc.isDirectory() ? Boolean.valueOf(new File(proc, Long.toString(pid)).isDirectory()) : null;
            }
        }

        @Override
        public Boolean handlesQuit(long pid) {
            return handlesQuit(Paths.get("/proc", Long.toString(pid), "status"));
        }

        /** Reads {@code SigCgt} (the caught signals, hex) of a Linux {@code /proc/<pid>/status}; SIGQUIT is 3. */
        static Boolean handlesQuit(Path status) {
            try {
                for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
                    if (line.startsWith("SigCgt:")) {
                        long caught = Long.parseUnsignedLong(line.substring("SigCgt:".length()).trim(), 16);
                        return (caught & (1L << (3 - 1))) != 0;
                    }
                }
                return null;
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }
}
