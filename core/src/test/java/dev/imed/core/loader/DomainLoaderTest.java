package dev.imed.core.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import dev.imed.core.data.DatasetException;
import dev.imed.core.data.Domain;
import dev.imed.core.data.InMemoryDomain;
import dev.imed.core.testing.FailingDomain;
import dev.imed.core.transform.InputSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Background decoding of augmented training batches: same batches as decoding in line, resumable, bounded. */
class DomainLoaderTest {
    /** Small photos with random-resized crops and flips, so nothing is cached and batches are prefetched. */
    static final InputSpec AUGMENTED = InputSpec.imagenet(16, 20);
    final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    static InMemoryDomain photos(int n) {
        Random random = new Random(7);
        byte[][] pixels = new byte[n][24 * 24];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            random.nextBytes(pixels[i]);
            labels[i] = i % 3;
        }
        return new InMemoryDomain("photos", List.of("a", "b", "c"), 24, pixels, labels);
    }

    /** The images and labels of the next {@code count} batches, copied to the host. */
    List<float[]> draw(DomainLoader loader, int count, int size, List<long[]> labels) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            try (NDManager step = manager.newSubManager()) {
                Batch b = loader.next(step, size);
                out.add(b.images().toFloatArray());
                labels.add(b.labels().toLongArray());
            }
        }
        return out;
    }

    @Test
    void prefetchingDrawsTheSameBatchesAsDecodingInLine() {
        Domain domain = photos(10);
        List<long[]> inlineLabels = new ArrayList<>();
        List<long[]> aheadLabels = new ArrayList<>();
        // 7 batches of 4 over 10 images: crosses two reshuffles.
        List<float[]> inline = draw(new DomainLoader(domain, AUGMENTED, true, 3, 0), 7, 4, inlineLabels);
        List<float[]> ahead = draw(new DomainLoader(domain, AUGMENTED, true, 3, 3), 7, 4, aheadLabels);
        assertThat(ahead).zipSatisfy(inline, (a, b) -> assertThat(a).containsExactly(b));
        assertThat(aheadLabels).zipSatisfy(inlineLabels, (a, b) -> assertThat(a).containsExactly(b));
        // Augmentation is on: a second draw of the same image differs, so the equality above is not vacuous.
        assertThat(inline.get(0)).isNotEqualTo(draw(new DomainLoader(domain, AUGMENTED, true, 4, 0), 1, 4, new ArrayList<>()).get(0));
    }

    @Test
    void positionCountsOnlyBatchesHandedOutSoAResumedRunContinues() {
        Domain domain = photos(10);
        DomainLoader first = new DomainLoader(domain, AUGMENTED, true, 5, 2);
        List<float[]> batches = draw(first, 4, 3, new ArrayList<>());
        assertThat(first.position()).isEqualTo(12);

        DomainLoader resumed = new DomainLoader(domain, AUGMENTED, true, 5, 2);
        resumed.seek(9);
        assertThat(draw(resumed, 1, 3, new ArrayList<>()).get(0)).containsExactly(batches.get(3));
        // A change of batch size redraws from where the caller stands.
        DomainLoader inline = new DomainLoader(domain, AUGMENTED, true, 5, 0);
        draw(inline, 4, 3, new ArrayList<>());
        assertThat(draw(first, 1, 5, new ArrayList<>()).get(0)).containsExactly(draw(inline, 1, 5, new ArrayList<>()).get(0));
    }

    @Test
    void decodesAtMostItsDepthAhead() throws InterruptedException {
        FailingDomain counted = FailingDomain.counting(photos(40));
        DomainLoader loader = new DomainLoader(counted, AUGMENTED, true, 1, 2);
        draw(loader, 1, 4, new ArrayList<>());
        // The batch handed out plus two decoding ahead; the count settles there and goes no further.
        for (int i = 0; i < 200 && counted.loads() < 12; i++) {
            Thread.sleep(25);
        }
        assertThat(counted.loads()).isEqualTo(12);
        Thread.sleep(100);
        assertThat(counted.loads()).isEqualTo(12);
    }

    @Test
    void anUnreadableImageFailsTheBatchWithItsName() {
        Domain broken = new FailingDomain(photos(6), 0);
        DomainLoader loader = new DomainLoader(broken, AUGMENTED, true, 1, 2);
        assertThatThrownBy(() -> loader.next(manager, 2)).isInstanceOf(DatasetException.class).hasMessageContaining("photos#").hasMessageContaining("the disk went away");
    }
}
