package dev.imed.streaming.distill;

import dev.imed.core.bundle.Bundle;
import dev.imed.streaming.engine.TaskThreads;
import dev.imed.streaming.label.TaughtBatch;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Trains the student on the teacher's batches (one step per {@code batchSize} images) and every
 * {@code publishEvery} steps publishes it as a new registry version, emitted as a
 * {@link StudentVersion}. Runs with parallelism 1: there is one student.
 *
 * <p>Operator state holds one byte array: the run's identity (its id, the last published step and
 * version number), the student's parameters and optimiser state with its step and image counts, the
 * images waiting for a full batch, the count of images streamed and the quality gate's held-out window.
 * A restored job therefore continues training from the checkpoint, not from the starting bundle, goes
 * on numbering the run's versions, and judges them on the same window; a checkpoint of another run is
 * refused.
 *
 * <p>Unless the gate is off ({@code holdoutEvery} 0), every {@code holdoutEvery}-th image streamed is
 * kept out of training, in a window of the most recent ones; a version is published only if it passes
 * the {@link dev.imed.model.registry.QualityGate} on that window. A rejected version is logged and
 * counted ({@code studentVersionsRejected}); training goes on.
 */
public final class OnlineDistiller extends AbstractStreamOperator<StudentVersion>
        implements OneInputStreamOperator<TaughtBatch, StudentVersion>, BoundedOneInput {
    private static final long serialVersionUID = 1L;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OnlineDistiller.class);
    private static final int RECENT_STEPS = 20;
    /** Leads the state's bytes: "IMDS" and a format number. */
    private static final int STATE_MAGIC = 0x494d4453;
    private static final int STATE_FORMAT = 2;

    private final String studentDir;
    private final String registryDir;
    private final String runId;
    private final String target;
    private final String teacherSha;
    private final int teacherWidth;
    private final OnlineDistillation settings;
    private final int pytorchThreads;

    private transient ListState<byte[]> state;
    private transient byte[] restored;
    private transient OnlineStudent student;
    private transient PendingExamples pending;
    private transient HeldOutWindow heldOut;
    /** Images streamed into this operator so far: every {@code holdoutEvery}-th is held out. */
    private transient long streamed;
    private transient Counter rejected;
    private transient StudentPublisher publisher;
    private transient long lastPublishedStep;
    private transient long lastVersion;
    private transient Deque<OnlineStudent.StepResult> recent;
    private transient Counter published;
    private transient Counter skipped;
    private transient Counter rolledBack;
    // Read by the metric reporters' thread: plain values, updated by the task thread after each step.
    private transient volatile long stepsGauge;
    private transient volatile long imagesSeenGauge;
    private transient volatile double agreementGauge;
    private transient volatile double lossGauge;
    private transient volatile long versionGauge;

    /**
     * @param studentDir the starting student bundle
     * @param registryDir where versions are published
     * @param runId this run's id, recorded in every version
     * @param target a name for the streamed domain, for the manifests
     * @param teacherSha sha256 of the teacher's weights, for the manifests' lineage
     * @param teacherWidth the width of the teacher's fused feature
     * @param pytorchThreads PyTorch's intra-op threads per task ({@link TaskThreads#shareCores}; 0: as configured)
     */
    public OnlineDistiller(String studentDir, String registryDir, String runId, String target, String teacherSha,
                           int teacherWidth, OnlineDistillation settings, int pytorchThreads) {
        this.studentDir = studentDir;
        this.registryDir = registryDir;
        this.runId = runId;
        this.target = target;
        this.teacherSha = teacherSha;
        this.teacherWidth = teacherWidth;
        this.settings = settings;
        this.pytorchThreads = pytorchThreads;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        state = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("online-student", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        if (context.isRestored()) {
            for (byte[] bytes : state.get()) {
                restored = bytes;
            }
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        TaskThreads.shareCores(pytorchThreads);
        Bundle starting = Bundle.open(Path.of(studentDir));
        pending = new PendingExamples();
        heldOut = new HeldOutWindow(settings.window());
        recent = new ArrayDeque<>();
        if (restored == null) {
            student = OnlineStudent.start(starting, settings, teacherWidth);
        } else {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(restored))) {
                if (in.readInt() != STATE_MAGIC || in.readInt() != STATE_FORMAT) {
                    throw new IllegalStateException("the checkpoint's online-distillation state has an unknown format"
                            + " (written by an older imed?)");
                }
                String stateRun = in.readUTF();
                if (!stateRun.equals(runId)) {
                    throw new IllegalStateException("the checkpoint's student belongs to run " + stateRun + ", this job is run "
                            + runId + ": resume with the run's own checkpoint directory");
                }
                lastPublishedStep = in.readLong();
                lastVersion = in.readLong();
                byte[] snapshot = new byte[in.readInt()];
                in.readFully(snapshot);
                student = OnlineStudent.restore(starting, settings, teacherWidth, snapshot);
                pending.read(in);
                if (in.available() > 0) {
                    // Checkpoints from before the quality gate end here.
                    streamed = in.readLong();
                    heldOut.read(in);
                }
            }
            restored = null;
        }
        publisher = new StudentPublisher(Path.of(registryDir), starting, runId, target, settings);
        MetricGroup group = getMetricGroup().addGroup("imed");
        stepsGauge = student.steps();
        imagesSeenGauge = student.imagesSeen();
        versionGauge = lastVersion;
        lossGauge = Double.NaN;
        group.gauge("studentSteps", (Gauge<Long>) () -> stepsGauge);
        group.gauge("studentImagesSeen", (Gauge<Long>) () -> imagesSeenGauge);
        group.gauge("studentTeacherAgreement", (Gauge<Double>) () -> agreementGauge);
        group.gauge("studentLoss", (Gauge<Double>) () -> lossGauge);
        group.gauge("studentVersion", (Gauge<Long>) () -> versionGauge);
        published = group.counter("studentVersionsPublished");
        rejected = group.counter("studentVersionsRejected");
        group.gauge("qualityGateWindow", (Gauge<Integer>) () -> heldOut.size());
        skipped = group.counter("studentStepsSkipped");
        rolledBack = group.counter("studentRollBacks");
    }

    @Override
    public void processElement(StreamRecord<TaughtBatch> element) {
        TaughtBatch batch = element.getValue();
        if (!batch.teacherSha().equals(teacherSha)) {
            throw new IllegalStateException("a batch labelled by teacher " + batch.teacherSha() + ", expected " + teacherSha);
        }
        int pixels = batch.pixelsPerImage();
        int width = batch.featureWidth();
        int classes = batch.classes();
        for (int i = 0; i < batch.size(); i++) {
            streamed++;
            float[] image = slice(batch.images(), i, pixels);
            float[] logits = slice(batch.logits(), i, classes);
            if (settings.gated() && streamed % settings.holdoutEvery() == 0) {
                heldOut.add(image, logits);
            } else {
                pending.add(image, slice(batch.features(), i, width), logits);
            }
        }
        while (pending.size() >= settings.batchSize()) {
            step(pending.take(settings.batchSize()));
        }
    }

    @Override
    public void endInput() {
        // The remainder still teaches something; batch norm needs two images at least.
        if (pending.size() >= 2) {
            step(pending.take(pending.size()));
        }
        if (student.steps() > lastPublishedStep) {
            publish();
        }
    }

    private void step(PendingExamples.Batch batch) {
        OnlineStudent.StepResult result = student.train(batch.images(), batch.features(), batch.logits(), batch.size());
        if (result.skipped()) {
            // Not a failure: the job goes on labelling, the student with the next batch.
            skipped.inc();
            LOG.warn("online distillation: a step at {} was skipped, its loss was {}{}", student.steps(), result.loss(),
                    result.rolledBack() ? "; after " + OnlineStudent.MAX_CONSECUTIVE_SKIPPED
                            + " in a row the student was rolled back to its last good state" : "");
            if (result.rolledBack()) {
                rolledBack.inc();
            }
            return;
        }
        recent.addLast(result);
        if (recent.size() > RECENT_STEPS) {
            recent.removeFirst();
        }
        stepsGauge = student.steps();
        imagesSeenGauge = student.imagesSeen();
        agreementGauge = agreement();
        lossGauge = result.loss();
        if (student.steps() % settings.publishEvery() == 0) {
            publish();
        }
    }

    private static float[] slice(float[] all, int row, int width) {
        float[] one = new float[width];
        System.arraycopy(all, row * width, one, 0, width);
        return one;
    }

    /** Publishes the student if it passes the quality gate (when the stream has one); a rejected version is counted, and training goes on. */
    private void publish() {
        double loss = recent.isEmpty() ? Double.NaN : recent.peekLast().loss();
        // Judged once per step count: a rejected step is not offered again, whether published or not.
        lastPublishedStep = student.steps();
        java.util.Optional<StudentVersion> outcome = publisher.publish(student, teacherSha, agreement(), loss,
                settings.gated() ? heldOut : null);
        if (outcome.isEmpty()) {
            rejected.inc();
            return;
        }
        StudentVersion version = outcome.get();
        if (version.version() <= lastVersion) {
            throw new IllegalStateException("step " + student.steps() + " was published as version " + version.version()
                    + ", not after the run's last version " + lastVersion);
        }
        lastVersion = version.version();
        versionGauge = version.version();
        published.inc();
        output.collect(new StreamRecord<>(version));
    }

    /** Agreement over the recent steps, measured before each update (so on images the student had not learned from). */
    private double agreement() {
        long agreeing = 0;
        long images = 0;
        for (OnlineStudent.StepResult r : recent) {
            agreeing += r.agreeing();
            images += r.images();
        }
        return images == 0 ? 0 : agreeing / (double) images;
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(STATE_MAGIC);
            out.writeInt(STATE_FORMAT);
            out.writeUTF(runId);
            out.writeLong(lastPublishedStep);
            out.writeLong(lastVersion);
            byte[] snapshot = student.snapshot();
            out.writeInt(snapshot.length);
            out.write(snapshot);
            pending.write(out);
            out.writeLong(streamed);
            heldOut.write(out);
        }
        state.update(List.of(bytes.toByteArray()));
    }

    @Override
    public void close() throws Exception {
        try {
            if (student != null) {
                student.close();
                student = null;
            }
        } finally {
            super.close();
        }
    }
}
