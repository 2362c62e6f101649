package dev.imed.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DigitDomainsTest {

    @Test
    void mnist5kHas500DigitsPerClassInSheetRowOrder() {
        Domain mnist = Domains.open("mnist5k");

        assertThat(mnist.name()).isEqualTo("mnist5k");
        assertThat(mnist.classNames()).containsExactlyElementsOf(DigitDomains.CLASSES);
        assertThat(mnist.size()).isEqualTo(5000);
        assertThat(LayoutChecks.counts(mnist)).containsOnly(500);
        // The sheet has 100 digits per row and five rows per digit: label = row / 5 = index / 500.
        for (int i = 0; i < mnist.size(); i += 37) {
            int row = i / 100;
            assertThat(mnist.label(i)).as("image %d", i).isEqualTo(row / 5);
        }
        BufferedImage image = mnist.load(4321);
        assertThat(image.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertThat(image.getWidth()).isEqualTo(28);
        assertThat(image.getHeight()).isEqualTo(28);
    }

    @Test
    void mnistDigitsAreWhiteInkOnBlackWithA4PixelBorder() {
        InMemoryDomain mnist = DigitDomains.open("mnist5k");
        byte[] gray = mnist.gray(0);
        int ink = 0;
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                int v = gray[y * 28 + x] & 0xff;
                if (x < 4 || y < 4 || x >= 24 || y >= 24) {
                    assertThat(v).as("padding at %d,%d", x, y).isZero();
                }
                ink += v > 128 ? 1 : 0;
            }
        }
        assertThat(ink).isBetween(20, 300);
        int centre = mnist.load(0).getRGB(14, 14) & 0xffffff;
        int v = gray[14 * 28 + 14] & 0xff;
        assertThat(centre).isEqualTo(v << 16 | v << 8 | v);
    }

    @Test
    void uci1797HasTheCsvsPerClassCounts() {
        Domain uci = Domains.open("uci1797");

        assertThat(uci.size()).isEqualTo(1797);
        assertThat(Arrays.stream(uci.labels()).min().getAsInt()).isZero();
        assertThat(Arrays.stream(uci.labels()).max().getAsInt()).isEqualTo(9);
        // Counted from data/uci-optdigits-1797.csv.gz (the last column).
        assertThat(LayoutChecks.counts(uci)).containsExactly(178, 182, 177, 183, 181, 182, 181, 179, 174, 180);
        BufferedImage image = uci.load(0);
        assertThat(image.getWidth()).isEqualTo(28);
        assertThat(image.getHeight()).isEqualTo(28);
    }

    @Test
    void synIsBalancedAndRepeatsForItsSeed() {
        InMemoryDomain first = SyntheticDigits.builder().size(200).seed(7).build().generate();
        InMemoryDomain second = SyntheticDigits.builder().size(200).seed(7).build().generate();
        InMemoryDomain other = SyntheticDigits.builder().size(200).seed(8).build().generate();

        assertThat(first.size()).isEqualTo(200);
        assertThat(LayoutChecks.counts(first)).containsOnly(20);
        assertThat(first.labels()).isEqualTo(second.labels());
        int differing = 0;
        for (int i = 0; i < first.size(); i++) {
            assertThat(first.gray(i)).as("image %d", i).isEqualTo(second.gray(i));
            differing += Arrays.equals(first.gray(i), other.gray(i)) ? 0 : 1;
        }
        assertThat(differing).isGreaterThan(190);
    }

    @Test
    void synSizeAndSeedComeFromTheName() {
        Domain syn = Domains.open("syn:200");
        assertThat(syn.name()).isEqualTo("syn:200:0");
        assertThat(syn.size()).isEqualTo(200);
        assertThat(LayoutChecks.counts(syn)).containsOnly(20);
        assertThat(syn.load(0).getWidth()).isEqualTo(28);

        InMemoryDomain seeded = DigitDomains.open("syn:200:3");
        InMemoryDomain direct = SyntheticDigits.builder().size(200).seed(3).build().generate();
        assertThat(seeded.gray(17)).isEqualTo(direct.gray(17));

        assertThatThrownBy(() -> Domains.open("syn:many"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("syn:SIZE");
    }
}
