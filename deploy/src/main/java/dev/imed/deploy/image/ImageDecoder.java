package dev.imed.deploy.image;

import dev.imed.deploy.Rejected;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns untrusted bytes into a picture, refusing what it should not decode: formats other than PNG,
 * JPEG, GIF and BMP (recognised from the bytes, not from what the client claims), and images whose
 * header declares more than {@code maxPixels} pixels, read before a single pixel is decoded so that a
 * small file cannot expand into gigabytes.
 */
public final class ImageDecoder {
    /** The formats ImageIO reads that we accept; others (WBMP, TIFF) match too loosely or do too much. */
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
        if (bytes == null || bytes.length == 0) {
            throw Rejected.invalid("the image is empty: send the bytes of a PNG, JPEG, GIF or BMP file");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = readerFor(in);
            try {
                reader.setInput(in, true, true);
                int width;
                int height;
                try {
                    width = reader.getWidth(0);
                    height = reader.getHeight(0);
                } catch (IOException | RuntimeException e) {
                    throw Rejected.invalid("the " + format(reader) + " header is unreadable: " + describe(e));
                }
                if (width <= 0 || height <= 0) {
                    throw Rejected.invalid("the " + format(reader) + " header declares an empty image (" + width + "×" + height + ")");
                }
                long pixels = (long) width * height;
                if (pixels > maxPixels) {
                    throw new Rejected(Rejected.Kind.UNPROCESSABLE, "the image is " + width + "×" + height + " = " + pixels
                            + " pixels, more than the limit of " + maxPixels + " pixels");
                }
                try {
                    return reader.read(0);
                } catch (IOException | RuntimeException e) {
                    throw Rejected.invalid("the " + format(reader) + " data is corrupt or truncated: " + describe(e));
                }
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw Rejected.invalid("the image cannot be read: " + describe(e));
        }
    }

    private static ImageReader readerFor(ImageInputStream in) {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        while (readers.hasNext()) {
            ImageReader reader = readers.next();
            if (FORMATS.contains(format(reader))) {
                return reader;
            }
        }
        throw Rejected.invalid("the bytes are not a PNG, JPEG, GIF or BMP image (their first bytes match none of these formats)");
    }

    private static String format(ImageReader reader) {
        try {
            return reader.getFormatName().toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            return "image";
        }
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
