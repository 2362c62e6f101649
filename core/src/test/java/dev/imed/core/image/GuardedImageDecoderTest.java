package dev.imed.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imed.core.image.GuardedImageDecoder.BudgetedResult;
import dev.imed.core.image.GuardedImageDecoder.Decoded;
import dev.imed.core.image.GuardedImageDecoder.OverBudget;
import dev.imed.core.testing.ImageBytes;
import dev.imed.core.image.GuardedImageDecoder.Problem;
import dev.imed.core.image.GuardedImageDecoder.Refused;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The decoder's formats and limits, on images encoded here and on bytes broken on purpose. */
class GuardedImageDecoderTest {
    private final GuardedImageDecoder decoder = new GuardedImageDecoder(100 * 100);

    @Test
    void decodesEveryAcceptedFormatWithItsSizeAndPixels() {
        BufferedImage original = picture(40, 30);
        for (String format : new String[] {"png", "gif", "bmp", "jpeg"}) {
            BufferedImage image = decoded(decoder.decode(ImageBytes.encode(original, format)));
            assertThat(image.getWidth()).as(format).isEqualTo(40);
            assertThat(image.getHeight()).as(format).isEqualTo(30);
            int expected = original.getRGB(20, 15) & 0xffffff;
            int actual = image.getRGB(20, 15) & 0xffffff;
            if (format.equals("jpeg")) {
                // Lossy: the middle of the white block stays nearly white.
                assertThat(actual & 0xff).as(format).isGreaterThan(0xe0);
            } else {
                assertThat(actual).as(format).isEqualTo(expected);
            }
        }
    }

    @Test
    void refusesTooManyPixelsFromTheHeaderAlone() {
        Refused wide = refused(decoder.decode(ImageBytes.encode(picture(101, 100), "png")));
        assertThat(wide.problem()).isEqualTo(Problem.TOO_MANY_PIXELS);
        assertThat(wide.detail()).contains("101×100 = 10100 pixels").contains("limit of 10000");
        assertThat(decoded(decoder.decode(ImageBytes.encode(picture(100, 100), "png"))).getWidth()).isEqualTo(100);

        GuardedImageDecoder justUnder = new GuardedImageDecoder(40 * 30 - 1);
        assertThat(refused(justUnder.decode(ImageBytes.encode(picture(40, 30), "png"))).problem()).isEqualTo(Problem.TOO_MANY_PIXELS);
    }

    @Test
    void refusesADecompressionBombBeforeDecodingIt() {
        // 100 000² pixels would need 40 GB as RGB; the file has a single pixel's data.
        byte[] bomb = ImageBytes.pngDeclaring(100_000, 100_000);
        assertThat(bomb.length).isLessThan(100);
        Refused refused = refused(new GuardedImageDecoder(1_000_000).decode(bomb));
        assertThat(refused.problem()).isEqualTo(Problem.TOO_MANY_PIXELS);
        assertThat(refused.detail()).contains("PNG").contains("100000×100000").contains("limit");
    }

    @Test
    void anImageOverTheBudgetIsLeftToTheCallerAfterTheHeaderChecks() {
        byte[] png = ImageBytes.encode(picture(40, 30), "png");
        assertThat(decoder.decodeWithin(png, 40 * 30 - 1)).isEqualTo(new OverBudget(40, 30));
        assertThat(new OverBudget(40, 30).pixels()).isEqualTo(1200);
        assertThat(decoded(decoder.decodeWithin(png, 40 * 30)).getWidth()).isEqualTo(40);

        // Only the header is read: a claim of 50×50 with no data to back it is still merely over budget.
        byte[] hollow = ImageBytes.pngDeclaring(50, 50);
        assertThat(decoder.decodeWithin(hollow, 100)).isEqualTo(new OverBudget(50, 50));
        // The pixel limit comes first, and bad bytes are refused whatever the budget.
        assertThat(refused(decoder.decodeWithin(ImageBytes.encode(picture(101, 100), "png"), 0)).problem()).isEqualTo(Problem.TOO_MANY_PIXELS);
        assertThat(refused(decoder.decodeWithin(new byte[0], 0)).problem()).isEqualTo(Problem.EMPTY);
    }

    @Test
    void aLargeImageIsDecodedSubsampledTowardsTheSizeNeeded() {
        // The reported case: a legal 4096×4095 PNG (16.8 Mpx, 64 MB as ARGB) for a 28×28 model, decoded at ≥ 56×56.
        BufferedImage big = new BufferedImage(4096, 4095, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = big.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 4096, 4095);
        g.setColor(Color.BLACK);
        g.fillRect(0, 0, 2048, 4095);
        g.dispose();
        byte[] png = ImageBytes.encode(big, "png");
        big = null;
        GuardedImageDecoder limit = new GuardedImageDecoder(4096L * 4096L);
        assertThat(GuardedImageDecoder.subsampling(4096, 4095, 56, 56)).isEqualTo(73);
        assertThat(GuardedImageDecoder.decodedPixels(4096, 4095, 56, 56)).isEqualTo(57L * 57L);

        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        BufferedImage small = decoded(limit.decodeWithin(png, Long.MAX_VALUE, 56, 56));
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(small.getWidth()).isEqualTo(57);
        assertThat(small.getHeight()).isEqualTo(57);
        assertThat(small.getRGB(5, 30) & 0xffffff).as("left half black").isEqualTo(0);
        assertThat(small.getRGB(50, 30) & 0xffffff).as("right half white").isEqualTo(0xffffff);
        assertThat(allocated).as("bytes allocated decoding; the full image alone is 64 MB").isLessThan(16L << 20);

        // The budget (where to decode) still counts the declared pixels, which is what decoding costs.
        assertThat(limit.decodeWithin(png, 128 * 128, 56, 56)).isEqualTo(new OverBudget(4096, 4095));
        // Every format subsamples; an image under twice the size needed is decoded whole.
        for (String format : new String[] {"png", "gif", "bmp", "jpeg"}) {
            BufferedImage image = decoded(decoder.decodeWithin(ImageBytes.encode(picture(90, 60), format), Long.MAX_VALUE, 20, 20));
            assertThat(image.getWidth()).as(format).isEqualTo(30);
            assertThat(image.getHeight()).as(format).isEqualTo(20);
            assertThat(decoded(decoder.decodeWithin(ImageBytes.encode(picture(39, 39), format), Long.MAX_VALUE, 20, 20))
                    .getWidth()).as(format).isEqualTo(39);
        }
    }

    @Test
    void namesWhatIsWrongWithBadBytes() {
        assertRefused(new byte[0], Problem.EMPTY, "empty");
        assertRefused(null, Problem.EMPTY, "empty");
        assertRefused("these are not the pixels you are looking for\n".repeat(5).getBytes(StandardCharsets.UTF_8),
                Problem.NOT_AN_IMAGE, "not a PNG, JPEG, GIF or BMP image");
        assertRefused(new byte[] {0, 0, 1, 1, 0, 0}, Problem.NOT_AN_IMAGE, "not a PNG, JPEG, GIF or BMP image");
        assertRefused(noise(500), Problem.NOT_AN_IMAGE, "not a PNG");
        assertRefused("GIF89a but not really".getBytes(StandardCharsets.US_ASCII), Problem.CORRUPT, "GIF header is unreadable");

        byte[] png = ImageBytes.encode(picture(64, 64), "png");
        assertRefused(Arrays.copyOf(png, png.length - 30), Problem.CORRUPT, "corrupt or truncated");
        assertRefused(Arrays.copyOf(png, png.length / 2), Problem.CORRUPT, "PNG data is corrupt or truncated");
        assertRefused(Arrays.copyOf(png, 12), Problem.CORRUPT, "PNG header is unreadable");
    }

    @Test
    void aTruncatedJpegIsRefusedThoughTheReaderOnlyWarns() {
        // The JPEG reader pads missing data with grey and reports "premature end of data" as a warning.
        byte[] jpeg = ImageBytes.encode(picture(64, 64), "jpeg");
        assertRefused(Arrays.copyOf(jpeg, jpeg.length * 2 / 3), Problem.CORRUPT, "JPEG data is corrupt or truncated");
    }

    @Test
    void aHeaderDeclaringNoPixelsIsRefused() {
        assertRefused(gifWithZeroWidth(), Problem.EMPTY_DIMENSIONS, "0×4");
    }

    @Test
    void formatsOtherThanTheFourAreRefusedThoughImageIoReadsThem() {
        assertRefused(ImageBytes.encode(picture(8, 8), "tiff"), Problem.NOT_AN_IMAGE, "not a PNG, JPEG, GIF or BMP image");
    }

    @Test
    void thePixelLimitMustBePositive() {
        assertThatThrownBy(() -> new GuardedImageDecoder(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
    }

    private void assertRefused(byte[] bytes, Problem problem, String fragment) {
        Refused refused = refused(decoder.decode(bytes));
        assertThat(refused.problem()).as(refused.detail()).isEqualTo(problem);
        assertThat(refused.detail()).contains(fragment);
    }

    private static BufferedImage decoded(BudgetedResult result) {
        assertThat(result).isInstanceOf(Decoded.class);
        return ((Decoded) result).image();
    }

    private static Refused refused(BudgetedResult result) {
        assertThat(result).isInstanceOf(Refused.class);
        return (Refused) result;
    }

    /** A gradient background (so that JPEG has data worth truncating), a white block in the middle and a red diagonal. */
    private static BufferedImage picture(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, Color.BLUE, width, height, Color.GREEN));
        g.fillRect(0, 0, width, height);
        g.setPaint(Color.WHITE);
        g.fillRect(width / 4, height / 4, width / 2, height / 2);
        g.setColor(Color.RED);
        g.drawLine(0, height - 1, width - 1, 0);
        g.dispose();
        return image;
    }

    /** A 5×4 GIF whose image descriptor declares a width of 0. */
    private static byte[] gifWithZeroWidth() {
        byte[] gif = ImageBytes.encode(new BufferedImage(5, 4, BufferedImage.TYPE_INT_RGB), "gif");
        // Header (6), logical screen descriptor (7), the global colour table if flagged, then extension blocks.
        int flags = gif[10] & 0xff;
        int at = 13 + ((flags & 0x80) != 0 ? 3 << ((flags & 7) + 1) : 0);
        while (gif[at] == 0x21) {
            at += 2; // introducer and label, then sub-blocks up to an empty one
            while (gif[at] != 0) {
                at += (gif[at] & 0xff) + 1;
            }
            at++;
        }
        assertThat(gif[at]).as("image separator").isEqualTo((byte) 0x2c);
        // Separator, left (2), top (2), then the width, little-endian.
        gif[at + 5] = 0;
        gif[at + 6] = 0;
        return gif;
    }

    private static byte[] noise(int n) {
        byte[] bytes = new byte[n];
        new Random(7).nextBytes(bytes);
        return bytes;
    }
}
