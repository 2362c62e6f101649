package dev.imed.streaming.decode;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes untrusted image bytes. The declared dimensions are read from the header before any pixel
 * is decoded, so a small file that claims a gigapixel image is refused without allocating it. Reader
 * warnings (a JPEG's "premature end of data", for one) count as failures: a half-decoded image would
 * teach the student grey noise.
 *
 * @param maxPixels the largest width × height accepted
 */
public record ImageDecoder(long maxPixels) {

    /** The outcome: an image, or why there is none. */
    public sealed interface Result permits Decoded, Rejected {}

    public record Decoded(BufferedImage image) implements Result {}

    /** @param reason a {@link DeadLetter} reason code */
    public record Rejected(String reason, String detail) implements Result {}

    public ImageDecoder {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("the pixel limit must be positive: " + maxPixels);
        }
    }

    public Result decode(byte[] bytes) {
        if (bytes.length == 0) {
            return new Rejected(DeadLetter.EMPTY, "the file is empty");
        }
        // An in-memory stream: ImageIO's default file cache would write every upload to the temp directory.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return new Rejected(DeadLetter.NOT_AN_IMAGE, "no image reader recognises the content");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (width <= 0 || height <= 0) {
                    return new Rejected(DeadLetter.UNDECODABLE, "the header declares " + width + "×" + height + " pixels");
                }
                if ((long) width * height > maxPixels) {
                    return new Rejected(DeadLetter.TOO_MANY_PIXELS, reader.getFormatName() + " of " + width + "×" + height
                            + " pixels, the limit is " + maxPixels);
                }
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener(warningsInto(warnings));
                BufferedImage image = reader.read(0);
                if (!warnings.isEmpty()) {
                    return new Rejected(DeadLetter.UNDECODABLE, reader.getFormatName() + ": " + String.join("; ", warnings));
                }
                if (image == null) {
                    return new Rejected(DeadLetter.UNDECODABLE, reader.getFormatName() + ": no image in the file");
                }
                return new Decoded(image);
            } catch (IOException | RuntimeException e) {
                // ImageIO reports corrupt data as IIOException but also as runtime exceptions (e.g. an
                // ArrayIndexOutOfBounds on a crafted header): either way the input is bad, not the job.
                return new Rejected(DeadLetter.UNDECODABLE, formatName(reader) + ": " + describe(e));
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            return new Rejected(DeadLetter.UNDECODABLE, describe(e));
        }
    }

    private static IIOReadWarningListener warningsInto(List<String> warnings) {
        return (source, warning) -> warnings.add(warning);
    }

    private static String formatName(ImageReader reader) {
        try {
            return reader.getFormatName();
        } catch (IOException e) {
            return "image";
        }
    }

    private static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append(": ").append(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
        }
        return text.toString();
    }
}
