package dev.imed.core.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Image files as bytes, well-formed or hostile, shared by the decoder, server and stream tests. */
public final class ImageBytes {
    private ImageBytes() {}

    /** {@code image} encoded by ImageIO in {@code format} ("png", "jpeg", "gif", "bmp", …). */
    public static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * A PNG signature and a valid IHDR (correct CRC) declaring an RGB image of {@code width × height},
     * then IEND and no pixels at all: a decompression bomb's header. A decoder that trusts it allocates
     * width × height pixels before it notices that no data follows.
     */
    public static byte[] pngDeclaring(int width, int height) {
        ByteBuffer fields = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        ByteBuffer png = ByteBuffer.allocate(8 + (12 + 13) + 12);
        png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(png, "IHDR", fields.array());
        chunk(png, "IEND", new byte[0]);
        return png.array();
    }

    private static void chunk(ByteBuffer out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.putInt(data.length).put(typeBytes).put(data).putInt((int) crc.getValue());
    }
}
