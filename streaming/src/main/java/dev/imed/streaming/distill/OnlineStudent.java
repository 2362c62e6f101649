package dev.imed.streaming.distill;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.imed.core.bundle.Bundle;
import dev.imed.core.bundle.Manifest;
import dev.imed.core.device.Devices;
import dev.imed.core.init.Initialization;
import dev.imed.core.model.Classifier;
import dev.imed.core.transform.InputSpec;
import dev.imed.distill.train.DistillationLoss;
import dev.imed.ensemble.train.LearningRate;
import dev.imed.ensemble.train.NesterovSgd;
import dev.imed.model.backbone.Backbones;
import dev.imed.model.net.ComponentNet;
import dev.imed.model.student.Student;
import dev.imed.streaming.engine.TaskThreads;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A student being trained one batch at a time on the teacher's outputs: the network (in training
 * mode), a projection to the teacher's feature width when the widths differ, the Nesterov optimiser
 * and the step and image counts. Its whole state round-trips through {@link #snapshot()} and
 * {@link #restore}, so training resumes where a checkpoint left it, momentum included.
 */
public final class OnlineStudent implements AutoCloseable {
    private static final int MAGIC = 0x494d4f53;
    // 2: with the skipped steps and roll-backs.
    private static final int FORMAT = 2;
    /** After this many skipped steps in a row the weights themselves are taken to be bad: they are rolled back. */
    public static final int MAX_CONSECUTIVE_SKIPPED = 10;
    /** Accepted steps between the in-memory copies of the state that a roll-back returns to. */
    static final int GOOD_STATE_EVERY = 20;

    /**
     * What one step did: its loss, how many images the student (before the update) classed as the
     * teacher did, and whether it was skipped (its loss or gradients were not finite: no update), and
     * whether that skip rolled the student back to its last good state.
     */
    public record StepResult(float loss, int agreeing, int images, boolean skipped, boolean rolledBack) {
        public StepResult(float loss, int agreeing, int images) {
            this(loss, agreeing, images, false, false);
        }

        public double agreement() {
            return images == 0 ? 0 : agreeing / (double) images;
        }
    }

    private final NDManager manager;
    private final ComponentNet net;
    private final Block projection;
    private final NesterovSgd optimizer;
    // Replaced on a roll-back: a store keeps the arrays it handed out, and a roll-back loads new ones.
    private ParameterStore store;
    private final InputSpec spec;
    private final DistillationLoss loss;
    private final LearningRate rate;
    private long steps;
    private long imagesSeen;
    private final long restoredFromStep;
    private final int projectionWidth;
    private long skippedSteps;
    private int rollBacks;
    private int consecutiveSkipped;
    // The state at the last accepted step that was a multiple of GOOD_STATE_EVERY (or the first), for a roll-back.
    private byte[] lastGood;

    private OnlineStudent(NDManager manager, ComponentNet net, Block projection, OnlineDistillation settings, InputSpec spec,
                          String backbone, long steps, long imagesSeen) {
        this.manager = manager;
        this.net = net;
        this.projection = projection;
        this.spec = spec;
        this.loss = settings.loss();
        this.rate = settings.rate();
        this.steps = steps;
        this.imagesSeen = imagesSeen;
        this.restoredFromStep = steps;
        this.projectionWidth = projection == null ? 0 : (int) projection.getOutputShapes(new Shape[] {new Shape(1, net.width())})[0].get(1);
        this.store = new ParameterStore(manager, false);
        // Arrays loaded from a bundle or a snapshot are new: trainable ones must record gradients again.
        for (Block block : blocks()) {
            for (Parameter p : block.getParameters().values()) {
                if (p.requiresGradient() && p.isInitialized()) {
                    p.getArray().setRequiresGradient(true);
                }
            }
        }
        List<Parameter> backboneParameters = List.copyOf(net.backbone().getParameters().values());
        List<Parameter> rest = new ArrayList<>();
        for (Block block : blocks()) {
            block.getParameters().values().stream().filter(p -> !backboneParameters.contains(p)).forEach(rest::add);
        }
        float backboneScale = Backbones.isPretrained(backbone) ? 0.1f : 1f;
        this.optimizer = new NesterovSgd(manager, settings.momentum(), settings.weightDecay(),
                List.of(new NesterovSgd.Group(backboneParameters, backboneScale), new NesterovSgd.Group(rest, 1f)));
    }

    /** Starts from a student bundle, step 0. */
    public static OnlineStudent start(Bundle student, OnlineDistillation settings, int teacherWidth) {
        NDManager manager = NDManager.newBaseManager(Devices.preferred());
        try {
            ComponentNet net = network(student.manifest(), manager);
            student.loadInto(net, manager);
            return new OnlineStudent(manager, net, projection(net, teacherWidth, manager), settings, student.manifest().input(),
                    student.manifest().architectureString("backbone"), 0, 0);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Resumes from a {@link #snapshot()}; {@code student} (the starting bundle) gives the architecture. */
    public static OnlineStudent restore(Bundle student, OnlineDistillation settings, int teacherWidth, byte[] snapshot) {
        NDManager manager = NDManager.newBaseManager(Devices.preferred());
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            if (in.readInt() != MAGIC || in.readInt() != FORMAT) {
                throw new IOException("not an online student snapshot");
            }
            long steps = in.readLong();
            long seen = in.readLong();
            long skipped = in.readLong();
            int rolledBack = in.readInt();
            int projectedTo = in.readInt();
            ComponentNet net = network(student.manifest(), manager);
            int needed = teacherWidth == net.width() ? 0 : teacherWidth;
            if (projectedTo != needed) {
                throw new IOException("the snapshot projects features to width " + projectedTo + ", this teacher needs "
                        + needed + " (0: none)");
            }
            net.loadParameters(manager, in);
            Block projection = projection(net, teacherWidth, manager);
            if (projection != null) {
                projection.loadParameters(manager, in);
            }
            OnlineStudent restored = new OnlineStudent(manager, net, projection, settings, student.manifest().input(),
                    student.manifest().architectureString("backbone"), steps, seen);
            restored.optimizer.load(in);
            restored.skippedSteps = skipped;
            restored.rollBacks = rolledBack;
            return restored;
        } catch (IOException | MalformedModelException e) {
            manager.close();
            throw new UncheckedIOException("cannot restore the online student: " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static ComponentNet network(Manifest m, NDManager manager) {
        return Student.build(m, manager);
    }

    /** Maps the student's feature to the teacher's width for the feature term; only for training. */
    private static Block projection(ComponentNet net, int teacherWidth, NDManager manager) {
        if (teacherWidth == net.width()) {
            return null;
        }
        Block projection = Linear.builder().setUnits(teacherWidth).build();
        projection.initialize(manager, DataType.FLOAT32, new Shape(1, net.width()));
        Initialization.PYTORCH.apply(projection);
        return projection;
    }

    private List<Block> blocks() {
        return projection == null ? List.of(net) : List.of(net, projection);
    }

    /**
     * One step on {@code n} images with the teacher's features and logits (flattened row-major).
     * Target images only: the loss has no source term. A step whose loss or gradients are not finite
     * (a poisoned batch, or weights gone bad) is skipped: its gradients are dropped, nothing is
     * updated or counted. After {@link #MAX_CONSECUTIVE_SKIPPED} skips in a row the parameters and
     * momentum roll back to the last good state (the step and image counts go on), as offline training
     * does; the stream is never failed for it.
     */
    public StepResult train(float[] images, float[] teacherFeatures, float[] teacherLogits, int n) {
        if (lastGood == null) {
            lastGood = snapshot();
        }
        // The optimiser updates weights in place, outside any gradient recording, on whatever thread calls.
        TaskThreads.disableGradients();
        float value;
        int agreeing;
        boolean finite;
        try (NDManager step = manager.newSubManager()) {
            // A forward pass in training mode moves batch norm's running statistics in place: kept aside so
            // that a skipped step leaves them as they were too (a NaN image would make them NaN for good).
            List<NDArray> statistics = new ArrayList<>();
            List<NDArray> statisticsBefore = new ArrayList<>();
            for (Block block : blocks()) {
                for (Parameter p : block.getParameters().values()) {
                    if (!p.requiresGradient() && p.isInitialized()) {
                        statistics.add(p.getArray());
                        NDArray copy = p.getArray().duplicate();
                        copy.attach(step);
                        statisticsBefore.add(copy);
                    }
                }
            }
            NDArray x = step.create(images, new Shape(n, spec.channels(), spec.height(), spec.width()));
            NDArray features = step.create(teacherFeatures, new Shape(n, teacherFeatures.length / n));
            NDArray logits = step.create(teacherLogits, new Shape(n, teacherLogits.length / n));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDList learned = net.forward(store, new NDList(x), true);
                NDArray f = learned.get(0);
                if (projection != null) {
                    f = projection.forward(store, new NDList(f), true).head();
                }
                NDArray total = loss.compute(f, learned.get(1), features, logits, 0, null);
                collector.backward(total);
                value = total.getFloat();
                agreeing = (int) learned.get(1).argMax(1).eq(logits.argMax(1)).sum().getLong();
            }
            finite = Float.isFinite(value) && optimizer.gradientsFinite(step);
            if (finite) {
                optimizer.step(rate.at(steps), step);
            } else {
                // One bad batch must not poison the weights: its gradients are dropped, the statistics restored.
                optimizer.zeroGradients(step);
                for (int i = 0; i < statistics.size(); i++) {
                    statistics.get(i).set(new ai.djl.ndarray.index.NDIndex("..."), statisticsBefore.get(i));
                }
            }
        }
        if (!finite) {
            skippedSteps++;
            if (++consecutiveSkipped >= MAX_CONSECUTIVE_SKIPPED) {
                rollBack(lastGood);
                rollBacks++;
                consecutiveSkipped = 0;
                return new StepResult(value, agreeing, n, true, true);
            }
            return new StepResult(value, agreeing, n, true, false);
        }
        consecutiveSkipped = 0;
        steps++;
        imagesSeen += n;
        if (steps % GOOD_STATE_EVERY == 0) {
            lastGood = snapshot();
        }
        return new StepResult(value, agreeing, n);
    }

    /** Loads the parameters and momentum of {@code snapshot} into this student; its counts stay as they are. */
    private void rollBack(byte[] snapshot) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            in.readInt();
            in.readInt();
            in.readLong();
            in.readLong();
            in.readLong();
            in.readInt();
            in.readInt();
            for (Block block : blocks()) {
                block.loadParameters(manager, in);
                for (Parameter p : block.getParameters().values()) {
                    if (p.requiresGradient() && p.isInitialized()) {
                        p.getArray().setRequiresGradient(true);
                    }
                }
            }
            optimizer.load(in);
            store = new ParameterStore(manager, false);
        } catch (IOException | MalformedModelException e) {
            throw new UncheckedIOException("cannot roll the online student back: " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    /** The whole training state: counts, parameters (BatchNorm statistics included) and momentum. */
    public byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            out.writeLong(steps);
            out.writeLong(imagesSeen);
            out.writeLong(skippedSteps);
            out.writeInt(rollBacks);
            out.writeInt(projectionWidth);
            for (Block block : blocks()) {
                block.saveParameters(out);
            }
            optimizer.save(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * The student as it is now, in inference mode (batch norm on its running statistics), for judging
     * it; it shares this student's parameters and manager, so it needs no closing.
     */
    public Classifier classifier(List<String> classNames) {
        return new Classifier() {
            @Override
            public List<String> classNames() {
                return classNames;
            }

            @Override
            public InputSpec inputSpec() {
                return spec;
            }

            @Override
            public NDManager manager() {
                return manager;
            }

            @Override
            public NDArray logits(NDArray images) {
                return net.forward(store, new NDList(images), false).get(1);
            }

            @Override
            public void close() {
                // Owned by the online student.
            }
        };
    }

    public ComponentNet network() {
        return net;
    }

    public long steps() {
        return steps;
    }

    public long imagesSeen() {
        return imagesSeen;
    }

    /** Steps skipped for a non-finite loss or gradients, over the run. */
    public long skippedSteps() {
        return skippedSteps;
    }

    /** Roll-backs to a good state after {@link #MAX_CONSECUTIVE_SKIPPED} skips in a row, over the run. */
    public int rollBacks() {
        return rollBacks;
    }

    /** The step this student was restored at (0 when it started from its bundle). */
    public long restoredFromStep() {
        return restoredFromStep;
    }

    @Override
    public void close() {
        manager.close();
    }
}
