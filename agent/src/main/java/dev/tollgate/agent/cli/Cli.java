package dev.tollgate.agent.cli;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * {@code java -jar tollgate-agent.jar <command>}: the agent's command line.
 */
public final class Cli {

    private Cli() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            usage(out);
            return 0;
        }
        if (args[0].equals("check")) {
            return CheckCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), out, err);
        }
        if (args[0].equals("version") || args[0].equals("--version")) {
            out.println("tollgate-agent " + version());
            return 0;
        }
        if (args[0].equals("status")) {
            return dev.tollgate.agent.cli.StatusCommand.run(Arrays.copyOfRange(args, 1, args.length), out, err);
        }
        if (args[0].equals("weave")) {
            return WeaveCommand.run(Arrays.copyOfRange(args, 1, args.length), out, err);
        }
        if (args[0].equals("attach")) {
            return AttachCommand.run(Arrays.copyOfRange(args, 1, args.length), out, err);
        }
        if (args[0].equals("grant")) {
            return dev.tollgate.agent.grant.GrantCommand.run(Arrays.copyOfRange(args, 1, args.length), out, err);
        }
        err.println("tollgate: unknown command '" + args[0] + "'");
        usage(err);
        return 2;
    }

    static String version() {
        String v = Cli.class.getPackage() == null ? null : Cli.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }

    private static void usage(PrintStream out) {
        out.println("Tollgate meters paid methods of a Java product. Start the product with:");
        out.println("  java -javaagent:tollgate-agent.jar=tollgate.yml -jar product.jar");
        out.println("Commands:");
        out.println("  check <config.yml> [jar|folder|classpath ...]");
        out.println("             check the config and list every method it would meter in the jars (a dry run)");
        out.println("  attach <pid> <config.yml>");
        out.println("             meter a running JVM from now on (classes it already loaded included)");
        out.println("  status [config.yml] [--json]");
        out.println("             each feature's balance, unconfirmed use, leases, grace and last sync (read-only)");
        dev.tollgate.agent.grant.GrantCommand.usage(out);
        out.println("  weave <classes-folder> [jar|folder|classpath ...]");
        out.println("             weave the @Metered methods of compiled classes in place (no -javaagent needed)");
        out.println("  version    print the agent's version");
        out.println("  help       print this text");
    }
}
