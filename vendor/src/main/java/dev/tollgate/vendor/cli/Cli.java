package dev.tollgate.vendor.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * Runs one command line: exit 0 on success, 1 when the work failed (one line on stderr, no stack
 * trace), 2 for a bad command line. Arguments are never echoed whole in an error, so a token pasted into
 * one by mistake is not printed.
 *
 * <pre>{@code
 * int exit = Cli.run(new String[] {"usage", "--product", "3941"}, System.getenv(), System.out, System.err);
 * }</pre>
 */
public final class Cli {
    static final String PREFIX = "tollgate-vendor: ";

    private Cli() {
    }

    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        for (String arg : args) {
            if (arg.equals("--token") || (arg.startsWith("--token=") && !arg.startsWith("--token-file"))) {
                err.println(PREFIX + "a token is never given as an argument: set CRYPTOLENS_TOKEN or use --token-file FILE");
                return 2;
            }
        }
        CommandLine cli = new CommandLine(new VendorCommand(env, out, err));
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cli.setParameterExceptionHandler((e, arguments) -> {
            err.println(PREFIX + safeMessage(e));
            String command = e.getCommandLine().getCommandName();
            err.println("Run 'java -jar tollgate-vendor.jar " + (command.equals("tollgate-vendor") ? "" : command + " ")
                    + "--help' for usage.");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof CommandFailure) {
                err.println(PREFIX + e.getMessage());
            } else {
                err.println(PREFIX + "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            return 1;
        });
        return cli.execute(args);
    }

    /** picocli's message, except that unmatched arguments are named by their option only, never their value. */
    private static String safeMessage(CommandLine.ParameterException e) {
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
            List<String> names = new ArrayList<>();
            for (String arg : unmatched.getUnmatched()) {
                names.add(arg.startsWith("-") ? arg.replaceFirst("=.*", "") : "(a value, not shown)");
            }
            return "unknown option or argument: " + String.join(", ", names);
        }
        return e.getMessage();
    }
}
