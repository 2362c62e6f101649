package dev.imed.core.loader;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.imed.core.data.DatasetException;
import dev.imed.core.data.Domain;
import dev.imed.core.transform.InputSpec;
import dev.imed.core.transform.Transform;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Turns a domain into batches on the compute device. Training draws random batches forever,
 * reshuffling at each epoch (as thuml's ForeverDataIterator does); evaluation walks the domain in
 * order. Images are decoded on the host in parallel and copied to the device once per batch.
 * Preprocessed images are cached when the pipeline is deterministic and the cache fits in memory.
 */
public final class DomainLoader {
    /** Largest cache of preprocessed images kept per loader. */
    static final long CACHE_BYTES = 320L * 1024 * 1024;

    private final Domain domain;
    private final InputSpec spec;
    private final boolean train;
    private final List<Transform> steps;
    private final long seed;
    private final float[][] cache;
    private int[] order;
    private int cursor;
    private long drawn;
    private final Random shuffle;

    /**
     * @param domain the images
     * @param spec the model's input spec
     * @param train whether to use the training pipeline (augmentation) and random order
     * @param seed seed of the order and the augmentation
     */
    public DomainLoader(Domain domain, InputSpec spec, boolean train, long seed) {
        this(domain, spec, train, seed, true);
    }

    /**
     * An evaluation loader for a single pass in index order: it keeps no cache, since every image is read once,
     * so its memory does not grow with the domain.
     */
    public static DomainLoader onePass(Domain domain, InputSpec spec) {
        return new DomainLoader(domain, spec, false, 0, false);
    }

    private DomainLoader(Domain domain, InputSpec spec, boolean train, long seed, boolean cacheable) {
        if (domain.size() == 0) {
            throw new DatasetException(domain.name() + ": the domain has no images");
        }
        this.domain = domain;
        this.spec = spec;
        this.train = train;
        this.steps = train ? spec.trainTransforms() : spec.evalTransforms();
        this.seed = seed;
        this.shuffle = new Random(seed);
        boolean deterministic = !train || !spec.augment();
        long bytes = (long) domain.size() * spec.pixelsPerImage() * Float.BYTES;
        this.cache = cacheable && deterministic && bytes <= CACHE_BYTES ? new float[domain.size()][] : null;
        this.order = IntStream.range(0, domain.size()).toArray();
        if (train) {
            shuffleOrder();
        }
    }

    public Domain domain() {
        return domain;
    }

    public InputSpec spec() {
        return spec;
    }

    /** Where the random order stands, so that a resumed run draws the same batches. */
    public long position() {
        return drawn;
    }

    /** Replays the draws of an earlier run up to {@code position} (checkpoint resume). */
    public void seek(long position) {
        shuffle.setSeed(seed);
        order = IntStream.range(0, domain.size()).toArray();
        cursor = 0;
        drawn = 0;
        if (train) {
            shuffleOrder();
        }
        while (drawn < position) {
            nextIndex();
        }
    }

    /** The next random batch of {@code size} images (training order, reshuffled every epoch). */
    public Batch next(NDManager manager, int size) {
        int[] indices = new int[size];
        for (int i = 0; i < size; i++) {
            indices[i] = nextIndex();
        }
        return load(manager, indices);
    }

    /** A batch of the given images, in the given order. */
    public Batch load(NDManager manager, int[] indices) {
        int pixels = spec.pixelsPerImage();
        float[] data = new float[indices.length * pixels];
        long base = drawn;
        IntStream.range(0, indices.length).parallel().forEach(i -> {
            float[] image = image(indices[i], base + i);
            System.arraycopy(image, 0, data, i * pixels, pixels);
        });
        NDArray images = manager.create(FloatBuffer.wrap(data), new Shape(indices.length, 3, spec.height(), spec.width()));
        NDArray labels = null;
        if (domain.labelled()) {
            long[] l = new long[indices.length];
            for (int i = 0; i < indices.length; i++) {
                l[i] = domain.label(indices[i]);
            }
            labels = manager.create(l);
        }
        return new Batch(images, labels, indices);
    }

    /** Consecutive batches over the whole domain, in index order (for evaluation). */
    public int[][] sequentialBatches(int size) {
        int n = domain.size();
        int count = (n + size - 1) / size;
        int[][] batches = new int[count][];
        for (int b = 0; b < count; b++) {
            int from = b * size;
            batches[b] = IntStream.range(from, Math.min(n, from + size)).toArray();
        }
        return batches;
    }

    private float[] image(int index, long draw) {
        if (cache != null && cache[index] != null) {
            return cache[index];
        }
        float[] out = new float[spec.pixelsPerImage()];
        Random random = new Random(seed * 1_000_003L + draw);
        try {
            spec.toTensor(domain.load(index), steps, random, out, 0);
        } catch (DatasetException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DatasetException(domain.locate(index) + ": cannot preprocess: " + e.getMessage(), e);
        }
        if (cache != null) {
            cache[index] = out;
        }
        return out;
    }

    private int nextIndex() {
        if (cursor == order.length) {
            cursor = 0;
            if (train) {
                shuffleOrder();
            }
        }
        drawn++;
        return order[cursor++];
    }

    private void shuffleOrder() {
        for (int i = order.length - 1; i > 0; i--) {
            int j = shuffle.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }
}
