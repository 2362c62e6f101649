package dev.imed.streaming.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.streaming.BadFiles;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDecoderTest {
    private final ImageDecoder decoder = new ImageDecoder(1_000_000);

    @TempDir
    Path dir;

    private static BufferedImage picture(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillOval(2, 2, width - 4, height - 4);
        g.setColor(Color.RED);
        g.drawLine(0, height - 1, width - 1, 0);
        g.dispose();
        return image;
    }

    @Test
    void decodesPngAndJpegWithTheirSizes() {
        for (String format : new String[] {"png", "jpg"}) {
            ImageDecoder.Result result = decoder.decode(BadFiles.encode(picture(40, 30), format));
            assertThat(result).as(format).isInstanceOf(ImageDecoder.Decoded.class);
            BufferedImage image = ((ImageDecoder.Decoded) result).image();
            assertThat(image.getWidth()).isEqualTo(40);
            assertThat(image.getHeight()).isEqualTo(30);
        }
    }

    @Test
    void refusesEmptyTextAndTruncatedFilesWithTheirReason() throws Exception {
        Path png = dir.resolve("a.png");
        Files.write(png, BadFiles.encode(picture(64, 64), "png"));

        assertThat(reason(new byte[0])).isEqualTo(DeadLetter.EMPTY);
        assertThat(reason(BadFiles.text())).isEqualTo(DeadLetter.NOT_AN_IMAGE);
        assertThat(reason(BadFiles.noise(500))).isEqualTo(DeadLetter.NOT_AN_IMAGE);
        assertThat(reason(BadFiles.truncated(png))).isEqualTo(DeadLetter.UNDECODABLE);
        assertThat(reason(BadFiles.truncatedJpeg(picture(64, 64)))).isEqualTo(DeadLetter.UNDECODABLE);
    }

    @Test
    void refusesAHugeHeaderBeforeDecodingIt() {
        // 100 000² pixels would need 40 GB as RGB: only the header may be read.
        byte[] bomb = BadFiles.hugeHeader(100_000);
        assertThat(bomb.length).isLessThan(100);
        ImageDecoder.Result result = decoder.decode(bomb);
        assertThat(result).isInstanceOf(ImageDecoder.Rejected.class);
        ImageDecoder.Rejected rejected = (ImageDecoder.Rejected) result;
        assertThat(rejected.reason()).isEqualTo(DeadLetter.TOO_MANY_PIXELS);
        assertThat(rejected.detail()).contains("100000×100000");
    }

    @Test
    void aPictureJustOverThePixelLimitIsRefused() {
        ImageDecoder small = new ImageDecoder(40 * 30 - 1);
        assertThat(((ImageDecoder.Rejected) small.decode(BadFiles.encode(picture(40, 30), "png"))).reason())
                .isEqualTo(DeadLetter.TOO_MANY_PIXELS);
    }

    private String reason(byte[] bytes) {
        ImageDecoder.Result result = decoder.decode(bytes);
        assertThat(result).isInstanceOf(ImageDecoder.Rejected.class);
        return ((ImageDecoder.Rejected) result).reason();
    }
}
