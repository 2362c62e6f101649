package dev.imed.core.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Turns untrusted bytes into a picture, refusing what it should not decode:
 * <ul>
 *   <li>formats other than PNG, JPEG, GIF and BMP, recognised from the bytes' signature rather than
 *       from a file name or content type (other ImageIO readers, such as WBMP's, match too loosely or
 *       do too much);
 *   <li>images whose header declares more than {@code maxPixels} pixels, read before a single pixel is
 *       decoded, so that a small file cannot expand into gigabytes (a decompression bomb);
 *   <li>corrupt or truncated data, including data the reader only warns about (a JPEG's "premature
 *       end of data"): its pixels would be partly made up.
 * </ul>
 * The bytes are read through an in-memory stream; nothing is cached on disk. Instances are immutable
 * and safe to share between threads.
 *
 * <p>A caller that needs the picture only at a smaller size (a model's input) can name that size: an
 * image more than twice as large in both directions is then decoded with source subsampling
 * ({@link ImageReadParam#setSourceSubsampling}), every {@code f}-th pixel of every {@code f}-th row, so
 * that the picture in memory is at least the size named but no more than twice it. A legal 16-Mpx PNG
 * for a 28×28 model thus never needs its 64 MB full-size buffer. The guards above are unchanged: the
 * header is still read first and the declared size checked against {@code maxPixels}.
 *
 * @param maxPixels the largest width × height decoded, positive
 */
public record GuardedImageDecoder(long maxPixels) {

    /** Why bytes were not decoded. */
    public enum Problem {
        /** There are no bytes at all. */
        EMPTY,
        /** The first bytes are not the signature of a PNG, JPEG, GIF or BMP file. */
        NOT_AN_IMAGE,
        /** The header is unreadable, or the image data is corrupt or truncated. */
        CORRUPT,
        /** The header declares a width or height of zero. */
        EMPTY_DIMENSIONS,
        /** The header declares more than {@code maxPixels} pixels. */
        TOO_MANY_PIXELS
    }

    /** What {@link #decodeWithin} gives: a {@link Result}, or {@link OverBudget} when the caller should decode elsewhere. */
    public sealed interface BudgetedResult permits Result, OverBudget {}

    /** What {@link #decode} gives: the image, or why there is none. */
    public sealed interface Result extends BudgetedResult permits Decoded, Refused {}

    public record Decoded(BufferedImage image) implements Result {}

    /** @param detail what exactly is wrong, in words a client or an operator can act on */
    public record Refused(Problem problem, String detail) implements Result {}

    /** The header declares {@code width × height} pixels: within {@code maxPixels}, more than the budget, not decoded. */
    public record OverBudget(int width, int height) implements BudgetedResult {
        public long pixels() {
            return (long) width * height;
        }
    }

    private static final String ACCEPTED = "PNG, JPEG, GIF or BMP";

    public GuardedImageDecoder {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("the pixel limit must be positive: " + maxPixels);
        }
    }

    /** Decodes the bytes if they are an accepted image of at most {@code maxPixels} pixels. */
    public Result decode(byte[] bytes) {
        // No header declares more than Long.MAX_VALUE pixels, so there is never an OverBudget.
        return (Result) decodeWithin(bytes, Long.MAX_VALUE);
    }

    /**
     * Like {@link #decode}, but decodes only if the header declares at most {@code budget} pixels; a
     * larger image within {@code maxPixels} gives {@link OverBudget}, so that the caller can decode it
     * where the time is better spent (the server decodes small images on its event loop and hands
     * larger ones to a worker thread). Every check that needs only the header is done either way.
     */
    public BudgetedResult decodeWithin(byte[] bytes, long budget) {
        return decodeWithin(bytes, budget, 0, 0);
    }

    /**
     * The subsampling factor for a {@code width × height} image needed at {@code minWidth × minHeight}
     * (0: full size): the largest {@code f} that keeps {@code ceil(width / f) ≥ minWidth} and likewise
     * for the height, 1 when the image is not that large.
     */
    public static int subsampling(int width, int height, int minWidth, int minHeight) {
        if (minWidth <= 0 || minHeight <= 0) {
            return 1;
        }
        return Math.max(1, Math.min(width / minWidth, height / minHeight));
    }

    /** The pixels a {@code width × height} image takes in memory once decoded with {@link #subsampling}. */
    public static long decodedPixels(int width, int height, int minWidth, int minHeight) {
        int f = subsampling(width, height, minWidth, minHeight);
        return (long) ((width + f - 1) / f) * ((height + f - 1) / f);
    }

    /**
     * Like {@link #decodeWithin(byte[], long)}, decoding a large image subsampled so that it is at least
     * {@code minWidth × minHeight} (0, 0: full size). {@code budget} still applies to the declared
     * size, which is what decoding costs in time.
     */
    public BudgetedResult decodeWithin(byte[] bytes, long budget, int minWidth, int minHeight) {
        if (bytes == null || bytes.length == 0) {
            return new Refused(Problem.EMPTY, "the image is empty (0 bytes): expected a " + ACCEPTED + " file");
        }
        Format format = Format.of(bytes);
        if (format == null) {
            return new Refused(Problem.NOT_AN_IMAGE, "the bytes are not a " + ACCEPTED
                    + " image (their first bytes match none of these formats)");
        }
        ImageReader reader = format.newReader();
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            int width;
            int height;
            try {
                width = reader.getWidth(0);
                height = reader.getHeight(0);
            } catch (IOException | RuntimeException e) {
                return new Refused(Problem.CORRUPT, "the " + format + " header is unreadable: " + describe(e));
            }
            if (width <= 0 || height <= 0) {
                return new Refused(Problem.EMPTY_DIMENSIONS,
                        "the " + format + " header declares an empty image (" + width + "×" + height + ")");
            }
            long pixels = (long) width * height;
            if (pixels > maxPixels) {
                return new Refused(Problem.TOO_MANY_PIXELS, "the " + format + " header declares " + width + "×" + height
                        + " = " + pixels + " pixels, more than the limit of " + maxPixels + " pixels");
            }
            if (pixels > budget) {
                return new OverBudget(width, height);
            }
            return read(reader, format, subsampling(width, height, minWidth, minHeight));
        } catch (IOException e) {
            // Only closing the stream gets here, and an in-memory stream has nothing to fail on.
            return new Refused(Problem.CORRUPT, "the image cannot be read: " + describe(e));
        } finally {
            reader.dispose();
        }
    }

    private static Result read(ImageReader reader, Format format, int subsampling) {
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        BufferedImage image;
        try {
            ImageReadParam param = reader.getDefaultReadParam();
            if (subsampling > 1) {
                param.setSourceSubsampling(subsampling, subsampling, 0, 0);
            }
            image = reader.read(0, param);
        } catch (IOException | RuntimeException e) {
            // Codecs report corrupt data as IIOException, but also as runtime exceptions (an index out of
            // bounds on a crafted file): either way the input is bad, not the program.
            return new Refused(Problem.CORRUPT, "the " + format + " data is corrupt or truncated: " + describe(e));
        }
        if (!warnings.isEmpty()) {
            return new Refused(Problem.CORRUPT, "the " + format + " data is corrupt or truncated: " + String.join("; ", warnings));
        }
        if (image == null) {
            return new Refused(Problem.CORRUPT, "the " + format + " file holds no image");
        }
        return new Decoded(image);
    }

    /** An exception's message and those of its causes that add something, for a detail line. */
    private static String describe(Throwable error) {
        StringBuilder text = new StringBuilder();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (text.indexOf(message) < 0) {
                text.append(text.length() == 0 ? "" : ": ").append(message);
            }
        }
        return text.toString();
    }

    /** The accepted formats, with the signatures their files start with (as ISO-8859-1 text) and their ImageIO names. */
    private enum Format {
        PNG("png", "\u0089PNG\r\n\u001a\n"),
        JPEG("jpeg", "\u00ff\u00d8\u00ff"),
        GIF("gif", "GIF87a", "GIF89a"),
        BMP("bmp", "BM");

        private final String imageIoName;
        private final String[] signatures;

        Format(String imageIoName, String... signatures) {
            this.imageIoName = imageIoName;
            this.signatures = signatures;
        }

        /** The format the bytes' signature announces, or null if none does. */
        static Format of(byte[] bytes) {
            for (Format format : values()) {
                for (String signature : format.signatures) {
                    if (startsWith(bytes, signature)) {
                        return format;
                    }
                }
            }
            return null;
        }

        private static boolean startsWith(byte[] bytes, String signature) {
            if (bytes.length < signature.length()) {
                return false;
            }
            for (int i = 0; i < signature.length(); i++) {
                if ((bytes[i] & 0xff) != signature.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        ImageReader newReader() {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(imageIoName);
            if (!readers.hasNext()) {
                throw new IllegalStateException("this JVM has no ImageIO reader for " + imageIoName);
            }
            return readers.next();
        }
    }
}
