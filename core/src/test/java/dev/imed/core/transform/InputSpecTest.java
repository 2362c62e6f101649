package dev.imed.core.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InputSpecTest {

    @Test
    void imagenetNormalisesAKnownPixelPerChannel() {
        InputSpec spec = InputSpec.imagenet();
        BufferedImage image = new BufferedImage(224, 224, BufferedImage.TYPE_INT_RGB);
        int x = 10;
        int y = 3;
        image.setRGB(x, y, 255 << 16 | 0 << 8 | 128);
        float[] out = new float[spec.pixelsPerImage() + 5];

        spec.normalize(image, out, 5);

        int plane = 224 * 224;
        int p = y * 224 + x;
        assertThat(out[5 + p]).isCloseTo((1f - 0.485f) / 0.229f, within(1e-5f));
        assertThat(out[5 + plane + p]).isCloseTo((0f - 0.456f) / 0.224f, within(1e-5f));
        assertThat(out[5 + 2 * plane + p]).isCloseTo((128 / 255f - 0.406f) / 0.225f, within(1e-5f));
        // A black pixel elsewhere is -mean/std in every channel.
        assertThat(out[5]).isCloseTo(-0.485f / 0.229f, within(1e-5f));
        assertThat(out[5 + 2 * plane]).isCloseTo(-0.406f / 0.225f, within(1e-5f));
        assertThat(out[0]).as("before the offset is untouched").isZero();
    }

    @Test
    void evaluationResizesThenCentreCropsToTheInputSize() {
        InputSpec spec = InputSpec.imagenet(32, 40);
        BufferedImage image = new BufferedImage(80, 60, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 60; y++) {
            for (int x = 0; x < 80; x++) {
                image.setRGB(x, y, 0xffffff);
            }
        }
        float[] out = new float[spec.pixelsPerImage()];

        spec.toTensor(image, spec.evalTransforms(), new Random(0), out, 0);

        assertThat(spec.pixelsPerImage()).isEqualTo(3 * 32 * 32);
        assertThat(out[0]).isCloseTo((1f - 0.485f) / 0.229f, within(1e-4f));
        assertThat(out[out.length - 1]).isCloseTo((1f - 0.406f) / 0.225f, within(1e-4f));
    }

    @Test
    void digitsMapZeroToMinusOneAndWhiteToOne() {
        InputSpec spec = InputSpec.digits();
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        image.setRGB(27, 27, 0xffffff);
        float[] out = new float[spec.pixelsPerImage()];

        spec.normalize(image, out, 0);

        assertThat(out[0]).isCloseTo(-1f, within(1e-6f));
        assertThat(out[28 * 28 - 1]).isCloseTo(1f, within(1e-6f));
        assertThat(spec.trainTransforms()).hasSize(1);
    }
}
