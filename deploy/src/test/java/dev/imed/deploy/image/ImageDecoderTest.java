package dev.imed.deploy.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imed.deploy.Rejected;
import dev.imed.deploy.TestStudents;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The decoder's limits, on real and hand-made bytes. */
class ImageDecoderTest {
    private final ImageDecoder decoder = new ImageDecoder(100 * 100);

    @Test
    void decodesEveryAcceptedFormatToTheSamePixels() {
        BufferedImage digit = TestStudents.digit(9);
        for (String format : new String[] {"png", "gif", "bmp"}) {
            BufferedImage decoded = decoder.decode(TestStudents.encode(digit, format));
            assertThat(decoded.getWidth()).isEqualTo(28);
            assertThat(decoded.getRGB(14, 14) & 0xffffff).as(format).isEqualTo(digit.getRGB(14, 14) & 0xffffff);
        }
        assertThat(decoder.decode(TestStudents.encode(digit, "jpeg")).getHeight()).isEqualTo(28);
    }

    @Test
    void refusesTooManyPixelsFromTheHeaderAlone() {
        BufferedImage wide = new BufferedImage(101, 100, BufferedImage.TYPE_INT_RGB);
        assertThatThrownBy(() -> decoder.decode(TestStudents.encode(wide, "png")))
                .isInstanceOfSatisfying(Rejected.class, e -> assertThat(e.kind()).isEqualTo(Rejected.Kind.UNPROCESSABLE))
                .hasMessageContaining("101×100 = 10100 pixels");
        BufferedImage justRight = new BufferedImage(100, 100, BufferedImage.TYPE_INT_RGB);
        assertThat(decoder.decode(TestStudents.encode(justRight, "png")).getWidth()).isEqualTo(100);
    }

    @Test
    void namesWhatIsWrongWithBadBytes() {
        byte[] png = TestStudents.png(4);
        assertInvalid(new byte[0], "empty");
        assertInvalid(Arrays.copyOf(png, png.length - 30), "corrupt or truncated");
        assertInvalid("GIF89a but not really".getBytes(), "");
        assertInvalid(new byte[] {0, 0, 1, 1, 0, 0}, "not a PNG, JPEG, GIF or BMP");
    }

    private void assertInvalid(byte[] bytes, String fragment) {
        assertThatThrownBy(() -> decoder.decode(bytes))
                .isInstanceOfSatisfying(Rejected.class, e -> assertThat(e.kind()).isEqualTo(Rejected.Kind.INVALID))
                .hasMessageContaining(fragment);
    }
}
