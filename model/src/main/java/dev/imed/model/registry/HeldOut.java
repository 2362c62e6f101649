package dev.imed.model.registry;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.imed.core.data.Domain;
import dev.imed.core.model.Classifier;
import dev.imed.core.transform.InputSpec;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The held-out window for {@code imed distill --publish}: a seeded random sample of the target domain
 * kept out of training, labelled by the teacher for the {@link QualityGate}. (The stream keeps its own
 * window of recent images, see the streaming module's {@code OnlineDistiller}.)
 */
public final class HeldOut {
    /** The default window: a tenth of the target, at least {@value QualityGate#MIN_WINDOW} and at most 512 images. */
    public static int defaultSize(int targetSize) {
        return Math.min(512, Math.max(QualityGate.MIN_WINDOW, targetSize / 10));
    }

    private HeldOut() {}

    /** The target split into the images to train on and the held-out window. */
    public record Split(Domain training, Domain heldOut) {}

    public static Split split(Domain target, int size, long seed) {
        if (size < QualityGate.MIN_WINDOW || size > target.size() / 2) {
            throw new IllegalArgumentException(target.name() + ": cannot hold out " + size + " of its " + target.size()
                    + " images for the quality gate: it needs at least " + QualityGate.MIN_WINDOW
                    + " and must leave at least half for training");
        }
        int[] order = IntStream.range(0, target.size()).toArray();
        Random random = new Random(seed ^ 0x5eed_0f_4e1dL);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] held = java.util.Arrays.stream(order, 0, size).sorted().toArray();
        int[] rest = java.util.Arrays.stream(order, size, order.length).sorted().toArray();
        return new Split(new View(target, rest, ""), new View(target, held, ":held-out"));
    }

    /** The held-out images, preprocessed for {@code teacher}, with the teacher's labels. */
    public static QualityGate.Window window(Classifier teacher, Domain heldOut) {
        InputSpec spec = teacher.inputSpec();
        int n = heldOut.size();
        float[] images = new float[n * spec.pixelsPerImage()];
        for (int i = 0; i < n; i++) {
            spec.toTensor(heldOut.load(i), spec.evalTransforms(), new Random(0), images, i * spec.pixelsPerImage());
        }
        int[] labels = new int[n];
        int per = spec.pixelsPerImage();
        for (int from = 0; from < n; from += 256) {
            int count = Math.min(256, n - from);
            float[] slice = java.util.Arrays.copyOfRange(images, from * per, (from + count) * per);
            try (NDManager step = teacher.manager().newSubManager()) {
                long[] predicted = teacher.logits(step.create(slice, new Shape(count, spec.channels(), spec.height(), spec.width())))
                        .argMax(1).toLongArray();
                for (int i = 0; i < count; i++) {
                    labels[from + i] = (int) predicted[i];
                }
            }
        }
        return new QualityGate.Window(spec, images, labels);
    }

    /** Some of a domain's images, in the base domain's order; labels (if any) are the base's, read only for reports. */
    private record View(Domain base, int[] indices, String suffix) implements Domain {
        @Override public String name() { return base.name() + suffix; }
        @Override public List<String> classNames() { return base.classNames(); }
        @Override public int size() { return indices.length; }
        @Override public int label(int index) { return base.label(indices[index]); }
        @Override public BufferedImage load(int index) { return base.load(indices[index]); }
        @Override public String locate(int index) { return base.locate(indices[index]); }
    }
}
