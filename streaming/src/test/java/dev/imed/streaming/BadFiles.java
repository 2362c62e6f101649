package dev.imed.streaming;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;

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

    /**
     * A well-formed PNG signature and header (valid CRC) declaring {@code side × side} pixels, with no
     * image data: a decoder that trusts the header allocates side² pixels before it notices.
     */
    public static byte[] hugeHeader(int side) {
        ByteBuffer png = ByteBuffer.allocate(8 + 25 + 12);
        png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(side).putInt(side)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        png.putInt(13).put(ihdr.array()).putInt(crc(ihdr.array()));
        byte[] iend = "IEND".getBytes(StandardCharsets.US_ASCII);
        png.putInt(0).put(iend).putInt(crc(iend));
        return png.array();
    }

    /** Random bytes, {@code n} of them. */
    public static byte[] noise(int n) {
        byte[] bytes = new byte[n];
        new Random(7).nextBytes(bytes);
        return bytes;
    }

    private static int crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return (int) crc.getValue();
    }
}
