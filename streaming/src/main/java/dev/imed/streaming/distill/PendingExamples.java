package dev.imed.streaming.distill;

import dev.imed.streaming.label.TaughtBatch;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Taught images waiting to fill a training batch. Teacher batches come in any size (a timer flush
 * may carry one image), training batches have a fixed one; what waits is part of the checkpoint, so
 * every image is learned from exactly once across restores.
 */
final class PendingExamples {
    /** One image with the teacher's outputs for it. */
    private record Example(float[] image, float[] features, float[] logits) {}

    /** A training batch, flattened row-major. */
    record Batch(float[] images, float[] features, float[] logits, int size) {}

    private final Deque<Example> queue = new ArrayDeque<>();

    void add(TaughtBatch batch) {
        int pixels = batch.pixelsPerImage();
        int width = batch.featureWidth();
        int classes = batch.classes();
        for (int i = 0; i < batch.size(); i++) {
            queue.add(new Example(slice(batch.images(), i, pixels), slice(batch.features(), i, width),
                    slice(batch.logits(), i, classes)));
        }
    }

    /** One image with the teacher's feature and logits for it. */
    void add(float[] image, float[] features, float[] logits) {
        queue.add(new Example(image, features, logits));
    }

    int size() {
        return queue.size();
    }

    /** Removes the oldest {@code n} examples as one batch. */
    Batch take(int n) {
        if (n > queue.size() || n <= 0) {
            throw new IllegalArgumentException("cannot take " + n + " of " + queue.size() + " pending examples");
        }
        Example first = queue.peekFirst();
        int pixels = first.image().length;
        int width = first.features().length;
        int classes = first.logits().length;
        float[] images = new float[n * pixels];
        float[] features = new float[n * width];
        float[] logits = new float[n * classes];
        for (int i = 0; i < n; i++) {
            Example e = queue.removeFirst();
            System.arraycopy(e.image(), 0, images, i * pixels, pixels);
            System.arraycopy(e.features(), 0, features, i * width, width);
            System.arraycopy(e.logits(), 0, logits, i * classes, classes);
        }
        return new Batch(images, features, logits, n);
    }

    void write(DataOutputStream out) throws IOException {
        out.writeInt(queue.size());
        for (Example e : queue) {
            writeFloats(out, e.image());
            writeFloats(out, e.features());
            writeFloats(out, e.logits());
        }
    }

    void read(DataInputStream in) throws IOException {
        queue.clear();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            queue.add(new Example(readFloats(in), readFloats(in), readFloats(in)));
        }
    }

    private static float[] slice(float[] all, int row, int width) {
        float[] one = new float[width];
        System.arraycopy(all, row * width, one, 0, width);
        return one;
    }

    /**
     * {@code values.length}, then the values, as {@link DataOutputStream#writeFloat} would write them
     * (big-endian) but in one write: a checkpoint holds hundreds of thousands of pixels, and a call per
     * float cost the student's task thread milliseconds per checkpoint.
     */
    static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES);
        bytes.asFloatBuffer().put(values);
        out.writeInt(values.length);
        out.write(bytes.array());
    }

    /** What {@link #writeFloats} wrote. */
    static float[] readFloats(DataInputStream in) throws IOException {
        float[] values = new float[in.readInt()];
        byte[] bytes = new byte[values.length * Float.BYTES];
        in.readFully(bytes);
        ByteBuffer.wrap(bytes).asFloatBuffer().get(values);
        return values;
    }
}
