package dev.tollgate.vendor.cli;

import java.io.PrintStream;
import java.util.Map;
import picocli.CommandLine.Command;

/**
 * {@code tollgate-vendor}: the vendor's side of usage-based licensing on Cryptolens.
 *
 * <pre>
 * CRYPTOLENS_TOKEN=... java -jar tollgate-vendor.jar usage --product 3941
 * java -jar tollgate-vendor.jar close --product 3941 --period 2026-11 --feature render --reset --out statements
 * java -jar tollgate-vendor.jar topup --product 3941 --key AAAAA-BBBBB-CCCCC-DDDDD --feature export --units 500 --order A-1001
 * </pre>
 */
@Command(name = "tollgate-vendor", mixinStandardHelpOptions = true, version = "tollgate-vendor 0.1.0",
        subcommands = {UsageCommand.class, CloseCommand.class, TopupCommand.class},
        description = "Usage per key, the end-of-period close and top-ups, on the Cryptolens Web API. "
                + "The token comes from CRYPTOLENS_TOKEN or --token-file FILE.")
public final class VendorCommand implements java.util.concurrent.Callable<Integer> {
    final Map<String, String> env;
    final PrintStream out;
    final PrintStream err;

    public VendorCommand(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        err.println("tollgate-vendor: name a command: usage, close or topup (--help lists them)");
        return 2;
    }
}
