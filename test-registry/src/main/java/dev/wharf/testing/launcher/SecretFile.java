package dev.wharf.testing.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * How the launcher reads a secret kept in a file (a webhook's key, an upstream's {@code user:password}): the first
 * line, trimmed, so that the secret stays off the command line and out of the configuration file.
 */
final class SecretFile {
    private SecretFile() {
    }

    /**
     * The first line of {@code file}, trimmed; empty when the file is.
     *
     * @param what what the file is, for the message when it cannot be read ("webhook secret file")
     * @throws IllegalArgumentException naming {@code what} and the file when it cannot be read
     */
    static String firstLine(Path file, String what) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return lines.isEmpty() ? "" : lines.get(0).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + what + " " + file + ": "
                    + (e instanceof NoSuchFileException ? "it does not exist" : e.toString()), e);
        }
    }
}
