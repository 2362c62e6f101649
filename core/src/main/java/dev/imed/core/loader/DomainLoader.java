package dev.imed.core.loader;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.imed.core.data.DatasetException;
import dev.imed.core.data.Domain;
import dev.imed.core.transform.InputSpec;
import dev.imed.core.transform.Transform;
import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

/**
 * Turns a domain into batches on the compute device. Training draws random batches forever,
 * reshuffling at each epoch (as thuml's ForeverDataIterator does); evaluation walks the domain in
 * order. Images are decoded on the host in parallel and copied to the device once per batch.
 * Preprocessed images are cached when the pipeline is deterministic and the cache fits in memory.
 *
 * <p>When nothing is cached (augmented photos), training batches are decoded ahead of the step in a background
 * thread, at most {@link #PREFETCH} batches ahead ({@code -Dimed.prefetch=N}; 0 turns it off). Each image's
 * augmentation is seeded by the loader's seed and the image's draw number, and the order is drawn in the
 * caller's thread, so prefetching changes neither the batches nor a resumed run's position.
 */
public final class DomainLoader {
    /** Largest cache of preprocessed images kept per loader. */
    static final long CACHE_BYTES = 320L * 1024 * 1024;
    /** Training batches decoded ahead of the one being used, when images are not cached. */
    public static final int PREFETCH = Integer.getInteger("imed.prefetch", 2);
    /** Daemon threads, so that a loader left open never keeps the JVM alive; work per loader is bounded by its depth. */
    private static final ExecutorService DECODERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "imed-prefetch");
        t.setDaemon(true);
        return t;
    });

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
    private final int prefetch;
    /** Batches drawn but not yet handed out, oldest first, each decoding in the background. */
    private final ArrayDeque<Ahead> ahead = new ArrayDeque<>();

    /** A batch's images on the host, before the copy to the device. */
    private record HostBatch(float[] pixels, int[] indices) {}

    private record Ahead(int size, CompletableFuture<HostBatch> batch) {}

    /**
     * @param domain the images
     * @param spec the model's input spec
     * @param train whether to use the training pipeline (augmentation) and random order
     * @param seed seed of the order and the augmentation
     */
    public DomainLoader(Domain domain, InputSpec spec, boolean train, long seed) {
        this(domain, spec, train, seed, true, PREFETCH);
    }

    /** A training or evaluation loader decoding at most {@code prefetch} batches ahead (0: none) when not cached. */
    public DomainLoader(Domain domain, InputSpec spec, boolean train, long seed, int prefetch) {
        this(domain, spec, train, seed, true, prefetch);
    }

    /**
     * An evaluation loader for a single pass in index order: it keeps no cache, since every image is read once,
     * so its memory does not grow with the domain.
     */
    public static DomainLoader onePass(Domain domain, InputSpec spec) {
        return new DomainLoader(domain, spec, false, 0, false, 0);
    }

    private DomainLoader(Domain domain, InputSpec spec, boolean train, long seed, boolean cacheable, int prefetch) {
        if (prefetch < 0) {
            throw new IllegalArgumentException("prefetch must be >= 0, not " + prefetch);
        }
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
        this.prefetch = train && cache == null ? prefetch : 0;
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

    /** Where the random order stands (batches handed out, not those decoding ahead), so that a resumed run draws the same batches. */
    public long position() {
        long pending = 0;
        for (Ahead a : ahead) {
            pending += a.size();
        }
        return drawn - pending;
    }

    /** Replays the draws of an earlier run up to {@code position} (checkpoint resume). */
    public void seek(long position) {
        discardAhead();
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
        if (prefetch == 0) {
            return load(manager, drawIndices(size));
        }
        if (!ahead.isEmpty() && ahead.peek().size() != size) {
            seek(position()); // a different batch size: redraw from where the caller stands
        }
        while (ahead.size() <= prefetch) {
            int[] indices = drawIndices(size);
            long base = drawn;
            ahead.add(new Ahead(size, CompletableFuture.supplyAsync(() -> decode(indices, base), DECODERS)));
        }
        HostBatch host;
        try {
            host = ahead.poll().batch().join();
        } catch (CompletionException e) {
            discardAhead();
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        return toDevice(manager, host);
    }

    /** A batch of the given images, in the given order. */
    public Batch load(NDManager manager, int[] indices) {
        return toDevice(manager, decode(indices, drawn));
    }

    private int[] drawIndices(int size) {
        int[] indices = new int[size];
        for (int i = 0; i < size; i++) {
            indices[i] = nextIndex();
        }
        return indices;
    }

    /** Decodes and preprocesses on the host; image i's augmentation is seeded by draw number {@code base + i}. */
    private HostBatch decode(int[] indices, long base) {
        int pixels = spec.pixelsPerImage();
        float[] data = new float[indices.length * pixels];
        IntStream.range(0, indices.length).parallel().forEach(i -> {
            float[] image = image(indices[i], base + i);
            System.arraycopy(image, 0, data, i * pixels, pixels);
        });
        return new HostBatch(data, indices);
    }

    private void discardAhead() {
        for (Ahead a : ahead) {
            a.batch().cancel(false);
        }
        ahead.clear();
    }

    private Batch toDevice(NDManager manager, HostBatch host) {
        int[] indices = host.indices();
        NDArray images = manager.create(FloatBuffer.wrap(host.pixels()), new Shape(indices.length, 3, spec.height(), spec.width()));
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
