package dev.imed.core.transform;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TransformsTest {

    /** A picture whose every pixel is distinct: red = x, green = y, blue = x XOR y. */
    private static BufferedImage gradient(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, (x & 0xff) << 16 | (y & 0xff) << 8 | ((x ^ y) & 0xff));
            }
        }
        return image;
    }

    @Test
    void randomResizedCropAlwaysGivesTheRequestedSquare() {
        Transform crop = Transforms.randomResizedCrop(48);
        Random random = new Random(42);
        int[][] sizes = {{200, 100}, {100, 200}, {64, 64}, {30, 500}, {20, 20}};
        for (int[] size : sizes) {
            for (int draw = 0; draw < 20; draw++) {
                BufferedImage out = crop.apply(gradient(size[0], size[1]), random);
                assertThat(out.getWidth()).as("from %dx%d", size[0], size[1]).isEqualTo(48);
                assertThat(out.getHeight()).as("from %dx%d", size[0], size[1]).isEqualTo(48);
                assertThat(out.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
            }
        }
    }

    @Test
    void randomResizedCropRepeatsForASeed() {
        BufferedImage image = gradient(120, 90);
        Transform crop = Transforms.randomResizedCrop(32);
        BufferedImage first = crop.apply(image, new Random(5));
        BufferedImage second = crop.apply(image, new Random(5));
        assertThat(first.getRGB(0, 0, 32, 32, null, 0, 32)).isEqualTo(second.getRGB(0, 0, 32, 32, null, 0, 32));
    }

    @Test
    void flipMirrorsOrKeepsAsTheCoinSays() {
        BufferedImage image = gradient(7, 5);
        Transform flip = Transforms.horizontalFlip();
        int flipped = 0;
        // Seeds drawn from a generator: consecutive small seeds give the same first coin in java.util.Random.
        Random seeds = new Random(2024);
        for (int trial = 0; trial < 16; trial++) {
            long seed = seeds.nextLong();
            boolean heads = new Random(seed).nextBoolean();
            BufferedImage out = flip.apply(image, new Random(seed));
            assertThat(out.getWidth()).isEqualTo(7);
            assertThat(out.getHeight()).isEqualTo(5);
            for (int y = 0; y < 5; y++) {
                for (int x = 0; x < 7; x++) {
                    int source = heads ? 6 - x : x;
                    assertThat(out.getRGB(x, y)).as("seed %d at %d,%d", seed, x, y).isEqualTo(image.getRGB(source, y));
                }
            }
            flipped += heads ? 1 : 0;
        }
        assertThat(flipped).as("both outcomes were exercised").isBetween(1, 15);
    }

    @Test
    void resizeShorterKeepsTheAspectRatio() {
        Random random = new Random(0);
        BufferedImage wide = Transforms.resizeShorter(100).apply(gradient(300, 200), random);
        assertThat(wide.getWidth()).isEqualTo(150);
        assertThat(wide.getHeight()).isEqualTo(100);
        BufferedImage tall = Transforms.resizeShorter(64).apply(gradient(90, 270), random);
        assertThat(tall.getWidth()).isEqualTo(64);
        assertThat(tall.getHeight()).isEqualTo(192);
        BufferedImage upscaled = Transforms.resizeShorter(56).apply(gradient(28, 42), random);
        assertThat(upscaled.getWidth()).isEqualTo(56);
        assertThat(upscaled.getHeight()).isEqualTo(84);
    }

    @Test
    void centerCropCutsTheMiddle() {
        BufferedImage image = gradient(10, 8);
        BufferedImage out = Transforms.centerCrop(4, 4).apply(image, new Random(0));
        assertThat(out.getWidth()).isEqualTo(4);
        assertThat(out.getRGB(0, 0)).isEqualTo(image.getRGB(3, 2));
        assertThat(out.getRGB(3, 3)).isEqualTo(image.getRGB(6, 5));
    }
}
