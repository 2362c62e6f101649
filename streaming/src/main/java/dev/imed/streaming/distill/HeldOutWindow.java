package dev.imed.streaming.distill;

import dev.imed.core.transform.InputSpec;
import dev.imed.model.registry.QualityGate;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The most recent streamed images held out of training, with the teacher's label for each: the window
 * on which the {@link QualityGate} judges a version before it is published. Part of the checkpoint, so
 * a restored job judges with the same window.
 */
final class HeldOutWindow {
    private record Example(float[] image, int teacherLabel) {}

    private final int capacity;
    private final Deque<Example> examples = new ArrayDeque<>();

    HeldOutWindow(int capacity) {
        this.capacity = capacity;
    }

    /** Adds one image (normalised) with the teacher's logits for it; the oldest image goes once the window is full. */
    void add(float[] image, float[] teacherLogits) {
        int best = 0;
        for (int c = 1; c < teacherLogits.length; c++) {
            if (teacherLogits[c] > teacherLogits[best]) {
                best = c;
            }
        }
        examples.addLast(new Example(image, best));
        while (examples.size() > capacity) {
            examples.removeFirst();
        }
    }

    int size() {
        return examples.size();
    }

    QualityGate.Window window(InputSpec spec) {
        int per = spec.pixelsPerImage();
        float[] images = new float[examples.size() * per];
        int[] labels = new int[examples.size()];
        int i = 0;
        for (Example e : examples) {
            System.arraycopy(e.image(), 0, images, i * per, per);
            labels[i++] = e.teacherLabel();
        }
        return new QualityGate.Window(spec, images, labels);
    }

    void write(DataOutputStream out) throws IOException {
        out.writeInt(examples.size());
        for (Example e : examples) {
            out.writeInt(e.teacherLabel());
            PendingExamples.writeFloats(out, e.image());
        }
    }

    void read(DataInputStream in) throws IOException {
        examples.clear();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            int label = in.readInt();
            examples.addLast(new Example(PendingExamples.readFloats(in), label));
        }
    }
}
