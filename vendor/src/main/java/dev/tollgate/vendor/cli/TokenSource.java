package dev.tollgate.vendor.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the server-side access token comes from: {@code --token-file FILE} if given, else the
 * environment variable {@code CRYPTOLENS_TOKEN}. Never from an argument, never echoed: messages name
 * the source, not the value.
 */
final class TokenSource {
    static final String ENV = "CRYPTOLENS_TOKEN";

    private TokenSource() {
    }

    static String read(Path tokenFile, Map<String, String> env) throws CommandFailure {
        if (tokenFile != null) {
            String token;
            try {
                token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
            } catch (NoSuchFileException e) {
                throw new CommandFailure("--token-file " + tokenFile + ": no such file");
            } catch (IOException e) {
                throw new CommandFailure("--token-file " + tokenFile + ": cannot be read (" + e.getClass().getSimpleName() + ")");
            }
            if (token.isEmpty()) {
                throw new CommandFailure("--token-file " + tokenFile + " is empty");
            }
            if (token.contains("\n")) {
                throw new CommandFailure("--token-file " + tokenFile + " holds more than one line; it must hold the token alone");
            }
            return token;
        }
        String token = env.get(ENV);
        if (token == null || token.isBlank()) {
            throw new CommandFailure("no token: set " + ENV + " or give --token-file FILE (a token is never an argument)");
        }
        return token.strip();
    }
}
