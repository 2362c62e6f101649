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
import dev.imed.core.model.Classifier;
import dev.imed.core.transform.InputSpec;
import dev.imed.distill.student.Student;
import dev.imed.distill.train.DistillationLoss;
import dev.imed.ensemble.backbone.Backbones;
import dev.imed.ensemble.component.ComponentNet;
import dev.imed.ensemble.train.LearningRate;
import dev.imed.ensemble.train.NesterovSgd;
import dev.imed.streaming.engine.TaskThreads;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import dev.imed.core.init.Initialization;
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
    private static final int FORMAT = 1;

    /** What one step did: its loss, and how many images the student (before the update) classed as the teacher did. */
    public record StepResult(float loss, int agreeing, int images) {
        public double agreement() {
            return images == 0 ? 0 : agreeing / (double) images;
        }
    }

    private final NDManager manager;
    private final ComponentNet net;
    private final Block projection;
    private final NesterovSgd optimizer;
    private final ParameterStore store;
    private final InputSpec spec;
    private final DistillationLoss loss;
    private final LearningRate rate;
    private long steps;
    private long imagesSeen;
    private final long restoredFromStep;
    private final int projectionWidth;

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
        return Student.build(m.architectureString("backbone"), m.architectureInt("bottleneck"), m.classNames().size(),
                m.input(), manager);
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
     * Target images only: the loss has no source term.
     */
    public StepResult train(float[] images, float[] teacherFeatures, float[] teacherLogits, int n) {
        // The optimiser updates weights in place, outside any gradient recording, on whatever thread calls.
        TaskThreads.disableGradients();
        float value;
        int agreeing;
        try (NDManager step = manager.newSubManager()) {
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
            optimizer.step(rate.at(steps), step);
        }
        if (!Float.isFinite(value)) {
            throw new IllegalStateException("online distillation: the loss became " + value + " at step " + steps
                    + " (lower the learning rate)");
        }
        steps++;
        imagesSeen += n;
        return new StepResult(value, agreeing, n);
    }

    /** The whole training state: counts, parameters (BatchNorm statistics included) and momentum. */
    public byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            out.writeLong(steps);
            out.writeLong(imagesSeen);
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

    /** The step this student was restored at (0 when it started from its bundle). */
    public long restoredFromStep() {
        return restoredFromStep;
    }

    @Override
    public void close() {
        manager.close();
    }
}
