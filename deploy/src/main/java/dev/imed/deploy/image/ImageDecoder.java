package dev.imed.deploy.image;

import dev.imed.deploy.Rejected;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Turns untrusted bytes into a picture, refusing what it should not decode: formats other than PNG,
 * JPEG, GIF and BMP (recognised from the bytes' signature, not from what the client claims), and
 * images whose header declares more than {@code maxPixels} pixels, read before a single pixel is
 * decoded so that a small file cannot expand into gigabytes.
 */
public final class ImageDecoder {
    /** The formats we accept, by ImageIO format name; others (WBMP, TIFF) match too loosely or do too much. */
    public static final Set<String> FORMATS = Set.of("png", "jpeg", "gif", "bmp");
    /** The content types of a raw image body. */
    public static final Set<String> MEDIA_TYPES = Set.of("image/png", "image/jpeg", "image/gif", "image/bmp");

    static {
        // Decode in memory: no temporary cache files for request bodies.
        ImageIO.setUseCache(false);
    }

    private final long maxPixels;

    public ImageDecoder(long maxPixels) {
        this.maxPixels = maxPixels;
    }

    public long maxPixels() {
        return maxPixels;
    }

    /** The decoded image, or a {@link Rejected} that says what is wrong with the bytes. */
    public BufferedImage decode(byte[] bytes) {
        return decodeWithin(bytes, Long.MAX_VALUE);
    }

    /**
     * Like {@link #decode}, but only if the header declares at most {@code budget} pixels; a larger
     * image within {@code maxPixels} gives {@code null}, for the caller to decode elsewhere (the
     * server decodes small images on the event loop and hands larger ones to a worker thread).
     */
    public BufferedImage decodeWithin(byte[] bytes, long budget) {
        if (bytes == null || bytes.length == 0) {
            throw Rejected.invalid("the image is empty: send the bytes of a PNG, JPEG, GIF or BMP file");
        }
        String format = format(bytes);
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = readerFor(format);
            try {
                reader.setInput(in, true, true);
                int width;
                int height;
                try {
                    width = reader.getWidth(0);
                    height = reader.getHeight(0);
                } catch (IOException | RuntimeException e) {
                    throw Rejected.invalid("the " + format + " header is unreadable: " + describe(e));
                }
                if (width <= 0 || height <= 0) {
                    throw Rejected.invalid("the " + format + " header declares an empty image (" + width + "×" + height + ")");
                }
                long pixels = (long) width * height;
                if (pixels > maxPixels) {
                    throw new Rejected(Rejected.Kind.UNPROCESSABLE, "the image is " + width + "×" + height + " = " + pixels
                            + " pixels, more than the limit of " + maxPixels + " pixels");
                }
                if (pixels > budget) {
                    return null;
                }
                try {
                    return reader.read(0);
                } catch (IOException | RuntimeException e) {
                    throw Rejected.invalid("the " + format + " data is corrupt or truncated: " + describe(e));
                }
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw Rejected.invalid("the image cannot be read: " + describe(e));
        }
    }

    /** The ImageIO format name the bytes' signature announces. */
    private static String format(byte[] b) {
        if (startsWith(b, 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n')) {
            return "png";
        }
        if (startsWith(b, 0xff, 0xd8, 0xff)) {
            return "jpeg";
        }
        if (startsWith(b, 'G', 'I', 'F', '8') && b.length > 5 && (b[4] == '7' || b[4] == '9') && b[5] == 'a') {
            return "gif";
        }
        if (startsWith(b, 'B', 'M')) {
            return "bmp";
        }
        throw Rejected.invalid("the bytes are not a PNG, JPEG, GIF or BMP image (their first bytes match none of these formats)");
    }

    private static boolean startsWith(byte[] bytes, int... signature) {
        if (bytes.length < signature.length) {
            return false;
        }
        for (int i = 0; i < signature.length; i++) {
            if ((bytes[i] & 0xff) != signature[i]) {
                return false;
            }
        }
        return true;
    }

    private static ImageReader readerFor(String format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        if (!readers.hasNext()) {
            throw new IllegalStateException("this JVM has no ImageIO reader for " + format);
        }
        return readers.next();
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && (message == null || !message.contains(cause.getMessage()))) {
            message = (message == null ? "" : message + ": ") + cause.getMessage();
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
