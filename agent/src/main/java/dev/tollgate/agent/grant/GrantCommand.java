package dev.tollgate.agent.grant;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code java -jar tollgate-agent.jar grant ...}: the vendor's side of top-ups for the {@code local} ledger.
 *
 * <pre>
 * grant keygen --out keys/
 *     keys/vendor-private.pem (keep it secret) and keys/grant-key.pub (ship it in the product as
 *     META-INF/tollgate/grant-key.pub)
 * grant sign --key keys/vendor-private.pem --to acme --feature export --units 1000 --id 2026-0042 --out acme-0042.grant
 * </pre>
 *
 * Exit codes: 0 done, 1 not done (one line says why), 2 bad usage.
 */
public final class GrantCommand {

    static final String PRIVATE_FILE = "vendor-private.pem";
    static final String PUBLIC_FILE = "grant-key.pub";

    private GrantCommand() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || !(args[0].equals("keygen") || args[0].equals("sign"))) {
            usage(err);
            return 2;
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                err.println("tollgate grant: '" + args[i] + "' is not --option value");
                usage(err);
                return 2;
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        try {
            return args[0].equals("keygen") ? keygen(options, out, err) : sign(options, out, err);
        } catch (IOException | GeneralSecurityException e) {
            err.println("tollgate grant: " + e.getMessage());
            return 1;
        }
    }

    private static int keygen(Map<String, String> options, PrintStream out, PrintStream err)
            throws IOException, GeneralSecurityException {
        if (!only(options, err, "out")) {
            return 2;
        }
        Path dir = Paths.get(options.get("out"));
        Path privateFile = dir.resolve(PRIVATE_FILE);
        Path publicFile = dir.resolve(PUBLIC_FILE);
        if (Files.exists(privateFile)) {
            err.println("tollgate grant: " + privateFile + " exists; it was not replaced (grants signed with it "
                    + "would no longer be accepted by products that carry its public key)");
            return 1;
        }
        KeyPair pair = GrantKeys.generate();
        Files.createDirectories(dir);
        String pub = GrantKeys.publicPem(pair.getPublic());
        writeNew(privateFile, GrantKeys.privatePem(pair.getPrivate()) + pub, true);
        writeNew(publicFile, pub, false);
        out.println("tollgate grant: wrote " + privateFile + " (keep it secret; it signs grants) and " + publicFile
                + " (ship it in the product as " + GrantKeys.RESOURCE + "); key " + GrantKeys.fingerprint(pair.getPublic()));
        return 0;
    }

    private static int sign(Map<String, String> options, PrintStream out, PrintStream err)
            throws IOException, GeneralSecurityException {
        if (!only(options, err, "key", "to", "feature", "units", "id", "out")) {
            return 2;
        }
        long units;
        try {
            units = Long.parseLong(options.get("units"));
        } catch (NumberFormatException e) {
            err.println("tollgate grant: --units '" + options.get("units") + "' is not a whole number");
            return 2;
        }
        Path keyFile = Paths.get(options.get("key"));
        String keyText = new String(Files.readAllBytes(keyFile), StandardCharsets.US_ASCII);
        PrivateKey privateKey;
        PublicKey publicKey;
        try {
            privateKey = GrantKeys.readPrivate(keyText);
            publicKey = GrantKeys.readPublic(keyText);
        } catch (GeneralSecurityException e) {
            err.println("tollgate grant: " + keyFile + " is not a vendor key made by 'grant keygen' (" + e.getMessage()
                    + ")");
            return 1;
        }
        GrantFile grant;
        try {
            grant = GrantFile.sign(options.get("id"), options.get("to"), options.get("feature"), units, privateKey,
                    GrantKeys.fingerprint(publicKey));
        } catch (GrantFile.Malformed e) {
            err.println("tollgate grant: " + e.getMessage());
            return 2;
        }
        if (!grant.verifiedBy(publicKey)) {
            err.println("tollgate grant: " + keyFile + " holds a private and a public key that do not belong together");
            return 1;
        }
        Path file = Paths.get(options.get("out"));
        writeNew(file, grant.format(), false);
        out.println("tollgate grant: wrote " + file + ": " + grant + ", signed with " + grant.key());
        return 0;
    }

    private static boolean only(Map<String, String> options, PrintStream err, String... required) {
        for (String r : required) {
            if (!options.containsKey(r)) {
                err.println("tollgate grant: --" + r + " is missing");
                usage(err);
                return false;
            }
        }
        if (options.size() != required.length) {
            Map<String, String> extra = new HashMap<>(options);
            for (String r : required) {
                extra.remove(r);
            }
            err.println("tollgate grant: unknown option(s) " + extra.keySet());
            usage(err);
            return false;
        }
        return true;
    }

    /** Writes a new file; a secret one is created readable by its owner only, before anything is in it. */
    private static void writeNew(Path file, String text, boolean secret) throws IOException {
        try {
            if (secret) {
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------")));
                } catch (UnsupportedOperationException e) {
                    Files.createFile(file); // not a POSIX file system: the folder's own permissions protect it
                }
            } else {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException e) {
            throw new IOException(file + " exists; it was not replaced");
        }
        Files.write(file, text.getBytes(StandardCharsets.UTF_8), StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** The usage lines, also for {@code help}. */
    public static void usage(PrintStream out) {
        out.println("  grant keygen --out <dir>");
        out.println("             make the vendor's key pair for top-ups: <dir>/" + PRIVATE_FILE + " (secret) and <dir>/"
                + PUBLIC_FILE + " (ship it as " + GrantKeys.RESOURCE + ")");
        out.println("  grant sign --key <" + PRIVATE_FILE + "> --to <customer> --feature <name> --units <n> --id <id>"
                + " --out <file>");
        out.println("             sign a top-up of n credits for a customer's local ledger (local.customer)");
    }
}
