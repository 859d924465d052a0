package dev.tollgate.vendor;

import dev.tollgate.vendor.cli.Cli;

/**
 * {@code java -jar tollgate-vendor.jar <usage|close|topup> ...}; see {@link dev.tollgate.vendor.cli.VendorCommand}.
 *
 * <pre>
 * CRYPTOLENS_TOKEN=... java -jar tollgate-vendor.jar usage --product 3941 --format csv
 * </pre>
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(Cli.run(args, System.getenv(), System.out, System.err));
    }
}
