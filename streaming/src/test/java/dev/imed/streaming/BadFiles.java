package dev.imed.streaming;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/** Broken inputs of the kinds that reach a real upload directory. */
public final class BadFiles {
    private BadFiles() {}

    /** A real PNG cut off in the middle of its image data. */
    public static byte[] truncated(Path png) {
        try {
            byte[] whole = Files.readAllBytes(png);
            return Arrays.copyOf(whole, whole.length / 2);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] text() {
        return "these are not the pixels you are looking for\n".repeat(5).getBytes(StandardCharsets.UTF_8);
    }

    /** Random bytes, {@code n} of them. */
    public static byte[] noise(int n) {
        byte[] bytes = new byte[n];
        new Random(7).nextBytes(bytes);
        return bytes;
    }
}
