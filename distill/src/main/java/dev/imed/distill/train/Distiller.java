package dev.imed.distill.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import dev.imed.core.bundle.Bundle;
import dev.imed.core.bundle.Manifest;
import dev.imed.core.data.Domain;
import dev.imed.core.data.Domains;
import dev.imed.core.device.Devices;
import dev.imed.core.init.Initialization;
import dev.imed.core.loader.Batch;
import dev.imed.core.loader.DomainLoader;
import dev.imed.core.model.Evaluation;
import dev.imed.core.transform.InputSpec;
import dev.imed.ensemble.method.Losses;
import dev.imed.ensemble.train.Checkpoint;
import dev.imed.ensemble.train.ComponentTrainer;
import dev.imed.ensemble.train.LearningRate;
import dev.imed.ensemble.train.NesterovSgd;
import dev.imed.ensemble.train.TrainingLoop;
import dev.imed.fusion.teacher.Teacher;
import dev.imed.model.backbone.Backbones;
import dev.imed.model.backbone.TorchScriptBackbone;
import dev.imed.model.net.ComponentNet;
import dev.imed.model.student.Student;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Distils a frozen teacher into a compact student over concatenated source + target batches, and
 * writes the student as a self-contained bundle. Without a teacher it trains the same student on
 * the source alone, the contrast every report shows.
 */
public final class Distiller {
    private Distiller() {}

    public static Bundle train(DistillConfig config, Path out) {
        return train(config, Domains.open(config.source()), Domains.open(config.target()), out);
    }

    public static Bundle train(DistillConfig config, Domain source, Domain target, Path out) {
        Engine.getInstance().setRandomSeed((int) config.seed());
        Teacher teacher = config.teacher() == null ? null : Teacher.load(config.teacher());
        try (NDManager manager = NDManager.newBaseManager(Devices.preferred())) {
            InputSpec spec = teacher != null ? teacher.inputSpec() : Backbones.inputSpecFor(config.backbone());
            int classes = source.numClasses();
            if (teacher != null && teacher.classNames().size() != classes) {
                throw new IllegalArgumentException(source.name() + ": has " + classes + " classes, the teacher "
                        + teacher.classNames().size());
            }
            ComponentNet student = new ComponentNet(Backbones.create(config.backbone(), manager), ComponentNet.BOTTLENECK, classes);
            student.initialize(manager, DataType.FLOAT32, new Shape(1, 3, spec.height(), spec.width()));
            List<Block> blocks = new ArrayList<>(List.of(student));
            int teacherWidth = teacher == null ? student.width() : teacherWidth(teacher);
            Block projection = null;
            if (teacherWidth != student.width()) {
                // Only for training: maps the student's feature to the teacher's width for the feature term.
                projection = Linear.builder().setUnits(teacherWidth).build();
                projection.initialize(manager, DataType.FLOAT32, new Shape(1, student.width()));
                blocks.add(projection);
            }
            Initialization.PYTORCH.apply(blocks.toArray(Block[]::new));
            List<Parameter> backbone = List.copyOf(student.backbone().getParameters().values());
            List<Parameter> rest = new ArrayList<>();
            for (Block b : blocks) {
                b.getParameters().values().stream().filter(p -> !backbone.contains(p)).forEach(rest::add);
            }
            float backboneScale = Backbones.isPretrained(config.backbone()) ? 0.1f : 1f;
            NesterovSgd optimizer = new NesterovSgd(manager, config.momentum(), config.weightDecay(),
                    List.of(new NesterovSgd.Group(backbone, backboneScale), new NesterovSgd.Group(rest, 1f)));
            DomainLoader sourceLoader = new DomainLoader(source, spec, true, config.seed());
            DomainLoader targetLoader = new DomainLoader(target.withoutLabels(), spec, true, config.seed() + 1);
            Checkpoint checkpoint = new Checkpoint(ComponentTrainer.checkpointFile(out), config.toString(), blocks, optimizer,
                    List.of(sourceLoader, targetLoader));
            ParameterStore store = new ParameterStore(manager, false);
            int batch = config.batchSize();
            DistillationLoss distillation = config.loss();
            Block finalProjection = projection;
            TrainingLoop.Result result = TrainingLoop.run(manager, optimizer, checkpoint,
                    new TrainingLoop.Options((teacher == null ? "student (source only) " : "distill ") + source.name() + "→" + target.name(),
                            config.iterations(), teacher == null ? batch : 2 * batch,
                            new LearningRate(config.lr(), config.lrGamma(), 0.75f), config.checkpointEvery()),
                    (step, it, progress) -> {
                        Batch s = sourceLoader.next(step, batch);
                        if (teacher == null) {
                            NDArray z = student.forward(store, new NDList(s.images()), true).get(1);
                            return Losses.crossEntropy(z, s.labels());
                        }
                        Batch t = targetLoader.next(step, batch);
                        NDArray x = s.images().concat(t.images(), 0);
                        NDList taught = teacher.featuresAndLogits(x);
                        NDList learned = student.forward(store, new NDList(x), true);
                        NDArray f = learned.get(0);
                        if (finalProjection != null) {
                            f = finalProjection.forward(store, new NDList(f), true).head();
                        }
                        return distillation.compute(f, learned.get(1), taught.get(0).stopGradient(),
                                taught.get(1).stopGradient(), batch, s.labels());
                    });

            Map<String, Object> architecture = new LinkedHashMap<>();
            architecture.put("backbone", config.backbone().startsWith("torchscript:") ? "torchscript" : config.backbone());
            if (student.backbone() instanceof TorchScriptBackbone torchScript) {
                architecture.put(ComponentNet.POOL, torchScript.pools());
            }
            architecture.put("bottleneck", student.width());
            architecture.put("parameters", ComponentTrainer.parameterCount(student));
            Map<String, Object> training = new LinkedHashMap<>(config.asMap());
            training.putAll(result.summary());
            Map<String, String> lineage = teacher == null ? Map.of() : Map.of("teacher", teacher.bundle().sha256());
            Manifest manifest = new Manifest(Manifest.FORMAT, Student.KIND, teacher == null ? "source-only" : "distill",
                    architecture, source.classNames(), spec, training, config.seed(), source.name(), target.name(),
                    Map.of(), lineage, null, null, 0);
            Bundle bundle = Bundle.writeAndPublish(out, manifest, student,
                    written -> target.labelled() ? recordTargetAccuracy(written, target) : written);
            checkpoint.delete();
            return bundle;
        } finally {
            if (teacher != null) {
                teacher.close();
            }
        }
    }

    private static int teacherWidth(Teacher teacher) {
        Object width = teacher.manifest().architecture().get("width");
        return width instanceof Number n ? n.intValue() : ComponentNet.BOTTLENECK;
    }

    /** Measures the student on the labelled target (reporting only) and records it in the manifest. */
    public static Bundle recordTargetAccuracy(Bundle bundle, Domain target) {
        try (Student student = Student.load(bundle.dir())) {
            return bundle.withMetric("target", Evaluation.evaluate(student, target).summary());
        }
    }
}
