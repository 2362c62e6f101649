package dev.imed.streaming.label;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.imed.core.model.Softmax;
import dev.imed.core.transform.InputSpec;
import dev.imed.fusion.teacher.Teacher;
import dev.imed.streaming.decode.DecodedImage;
import dev.imed.streaming.engine.TaskThreads;
import dev.imed.streaming.sink.JsonLines;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Collects decoded images into micro-batches of up to {@code batchSize} images, or whatever arrived
 * within {@code timeoutMs} of the first one, and runs the teacher once per batch. Each image's label
 * goes to the {@link #LABELS} side output as a JSON line; the whole batch with the teacher's outputs
 * is the main output, for online distillation.
 *
 * <p>The buffer is emptied before every checkpoint barrier and at the end of input, so no image is
 * ever held in a checkpoint's past or lost at the end of a bounded run, and the operator needs no
 * state. The teacher is loaded once per task in {@link #open()} and freed in {@link #close()}.
 */
public final class TeacherBatcher extends AbstractStreamOperator<TaughtBatch>
        implements OneInputStreamOperator<DecodedImage, TaughtBatch>, BoundedOneInput {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<String> LABELS = new OutputTag<>("labels", Types.STRING);
    /** Images whose teacher outputs are not finite: neither labelled nor taught, a dead letter each. */
    public static final OutputTag<dev.imed.streaming.decode.DeadLetter> DEAD_LETTERS = new OutputTag<>("teacher-dead-letters",
            org.apache.flink.api.common.typeinfo.TypeInformation.of(dev.imed.streaming.decode.DeadLetter.class));

    private final String teacherDir;
    private final int batchSize;
    private final long timeoutMs;
    private final int topK;
    private final boolean emitBatches;
    private final int pytorchThreads;

    private transient Teacher teacher;
    private transient String teacherSha;
    private transient List<String> classNames;
    private transient InputSpec spec;
    private transient List<DecodedImage> buffer;
    private transient long firstArrival;
    private transient long deadline;
    private transient Counter images;
    private transient Histogram batchLatencyMs;
    private transient Histogram teacherMs;
    private transient double confidenceSum;
    private transient long confidenceCount;
    // Read by the metric reporters' thread.
    private transient volatile double meanConfidence;

    /**
     * @param teacherDir the teacher bundle
     * @param batchSize the most images per teacher call
     * @param timeoutMs the longest an image waits for its batch to fill
     * @param topK classes listed per label
     * @param emitBatches whether to emit the batches (only needed when a student learns from them)
     * @param pytorchThreads PyTorch's intra-op threads per task ({@link TaskThreads#shareCores}; 0: as configured)
     */
    public TeacherBatcher(String teacherDir, int batchSize, long timeoutMs, int topK, boolean emitBatches, int pytorchThreads) {
        if (batchSize <= 0 || timeoutMs <= 0 || topK <= 0) {
            throw new IllegalArgumentException("batch size, timeout and top-k must be positive");
        }
        this.teacherDir = teacherDir;
        this.batchSize = batchSize;
        this.timeoutMs = timeoutMs;
        this.topK = topK;
        this.emitBatches = emitBatches;
        this.pytorchThreads = pytorchThreads;
    }

    @Override
    public void open() throws Exception {
        super.open();
        TaskThreads.disableGradients();
        TaskThreads.shareCores(pytorchThreads);
        teacher = Teacher.load(Path.of(teacherDir));
        teacherSha = teacher.bundle().sha256();
        classNames = teacher.classNames();
        spec = teacher.inputSpec();
        buffer = new ArrayList<>(batchSize);
        MetricGroup group = getMetricGroup().addGroup("imed");
        images = group.counter("imagesLabelled");
        group.meter("imagesPerSecond", new MeterView(images));
        batchLatencyMs = group.histogram("batchLatencyMs", new DescriptiveStatisticsHistogram(1000));
        teacherMs = group.histogram("teacherMs", new DescriptiveStatisticsHistogram(1000));
        group.gauge("meanTeacherConfidence", (Gauge<Double>) () -> meanConfidence);
    }

    @Override
    public void processElement(StreamRecord<DecodedImage> element) {
        if (buffer.isEmpty()) {
            long now = getProcessingTimeService().getCurrentProcessingTime();
            firstArrival = System.nanoTime();
            deadline = now + timeoutMs;
            getProcessingTimeService().registerTimer(deadline, this::onTimer);
        }
        buffer.add(element.getValue());
        if (buffer.size() >= batchSize) {
            flush();
        }
    }

    /** A timer of a batch that already left because it filled up finds a later deadline and does nothing. */
    private void onTimer(long time) {
        if (!buffer.isEmpty() && time >= deadline) {
            flush();
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flush();
    }

    @Override
    public void endInput() {
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        try {
            if (teacher != null) {
                teacher.close();
                teacher = null;
            }
        } finally {
            super.close();
        }
    }

    private void flush() {
        if (buffer == null || buffer.isEmpty()) {
            return;
        }
        int n = buffer.size();
        int pixels = spec.pixelsPerImage();
        String[] paths = new String[n];
        float[] batch = new float[n * pixels];
        for (int i = 0; i < n; i++) {
            DecodedImage image = buffer.get(i);
            paths[i] = image.path();
            System.arraycopy(image.pixels(), 0, batch, i * pixels, pixels);
        }
        buffer.clear();
        long started = System.nanoTime();
        float[] features;
        float[] logits;
        try (NDManager step = teacher.manager().newSubManager()) {
            NDArray x = step.create(batch, new Shape(n, spec.channels(), spec.height(), spec.width()));
            NDList out = teacher.featuresAndLogits(x);
            features = out.get(0).toFloatArray();
            logits = out.get(1).toFloatArray();
        }
        long labelledAt = getProcessingTimeService().getCurrentProcessingTime();
        int classes = logits.length / n;
        int width = features.length / n;
        boolean[] finite = new boolean[n];
        int good = 0;
        for (int i = 0; i < n; i++) {
            finite[i] = allFinite(logits, i * classes, classes) && allFinite(features, i * width, width);
            if (finite[i]) {
                good++;
            } else {
                // A poisoned record: labelling it would publish NaN probabilities, teaching it would poison the student.
                output.collect(DEAD_LETTERS, new StreamRecord<>(new dev.imed.streaming.decode.DeadLetter(paths[i],
                        dev.imed.streaming.decode.DeadLetter.NON_FINITE_OUTPUT,
                        "the teacher's output for this image is not finite (NaN or infinite)", 0)));
            }
        }
        for (int i = 0; i < n; i++) {
            if (!finite[i]) {
                continue;
            }
            TeacherLabel label = label(paths[i], logits, i * classes, classes, labelledAt);
            confidenceSum += label.confidence();
            confidenceCount++;
            output.collect(LABELS, new StreamRecord<>(JsonLines.write(label)));
        }
        meanConfidence = confidenceCount == 0 ? 0 : confidenceSum / confidenceCount;
        if (emitBatches && good > 0) {
            TaughtBatch taught = good == n ? new TaughtBatch(teacherSha, paths, batch, features, logits)
                    : new TaughtBatch(teacherSha, keep(paths, finite, good), keep(batch, finite, good, pixels),
                            keep(features, finite, good, width), keep(logits, finite, good, classes));
            output.collect(new StreamRecord<>(taught));
        }
        long done = System.nanoTime();
        images.inc(n);
        teacherMs.update((done - started) / 1_000_000);
        batchLatencyMs.update((done - firstArrival) / 1_000_000);
    }

    private TeacherLabel label(String path, float[] logits, int offset, int classes, long labelledAt) {
        double[] p = Softmax.row(logits, offset, classes);
        Integer[] order = new Integer[classes];
        for (int k = 0; k < classes; k++) {
            order[k] = k;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        List<TeacherLabel.ClassProbability> top = new ArrayList<>();
        for (int k = 0; k < Math.min(topK, classes); k++) {
            top.add(new TeacherLabel.ClassProbability(classNames.get(order[k]), round(p[order[k]])));
        }
        return new TeacherLabel(path, classNames.get(order[0]), round(p[order[0]]), top, teacherSha, labelledAt);
    }

    private static boolean allFinite(float[] values, int from, int length) {
        for (int k = from; k < from + length; k++) {
            if (!Float.isFinite(values[k])) {
                return false;
            }
        }
        return true;
    }

    /** The rows {@code i} of a row-major array where {@code keep[i]}. */
    private static float[] keep(float[] rows, boolean[] keep, int kept, int width) {
        float[] out = new float[kept * width];
        int j = 0;
        for (int i = 0; i < keep.length; i++) {
            if (keep[i]) {
                System.arraycopy(rows, i * width, out, j++ * width, width);
            }
        }
        return out;
    }

    private static String[] keep(String[] paths, boolean[] keep, int kept) {
        String[] out = new String[kept];
        int j = 0;
        for (int i = 0; i < keep.length; i++) {
            if (keep[i]) {
                out[j++] = paths[i];
            }
        }
        return out;
    }

    private static double round(double probability) {
        return Math.round(probability * 1e6) / 1e6;
    }
}
