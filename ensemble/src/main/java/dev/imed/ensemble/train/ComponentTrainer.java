package dev.imed.ensemble.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.imed.core.bundle.Bundle;
import dev.imed.core.bundle.Manifest;
import dev.imed.core.data.Domain;
import dev.imed.core.data.Domains;
import dev.imed.core.device.Devices;
import dev.imed.core.init.InitialParameters;
import dev.imed.core.loader.Batch;
import dev.imed.core.loader.DomainLoader;
import dev.imed.core.model.Evaluation;
import dev.imed.core.tensor.Scalars;
import dev.imed.core.transform.InputSpec;
import dev.imed.ensemble.component.Component;
import dev.imed.ensemble.method.Losses;
import dev.imed.ensemble.method.Methods;
import dev.imed.ensemble.method.Step;
import dev.imed.ensemble.method.UdaMethod;
import dev.imed.model.backbone.Backbones;
import dev.imed.model.backbone.TorchScriptBackbone;
import dev.imed.model.net.ComponentNet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains one component with a UDA method on labelled source and unlabelled target batches and
 * writes it as a bundle. Target labels are never seen by training: the final iterate is the result,
 * and the target accuracy recorded in the manifest is measured afterwards, for reporting only.
 */
public final class ComponentTrainer {
    private ComponentTrainer() {}

    /** Trains on the named domains and writes the bundle to {@code out}. */
    public static Bundle train(ComponentConfig config, Path out) {
        return train(config, Domains.open(config.source()), Domains.open(config.target()), out);
    }

    public static Bundle train(ComponentConfig config, Domain source, Domain target, Path out) {
        return train(config, source, target, out, null);
    }

    /**
     * As {@link #train(ComponentConfig, Domain, Domain, Path)}, also writing the first parameters to
     * {@code initialParameters} (NPZ, see {@link InitialParameters}) when it is not null.
     */
    public static Bundle train(ComponentConfig config, Domain source, Domain target, Path out, Path initialParameters) {
        if (!source.labelled()) {
            throw new IllegalArgumentException(source.name() + ": the source domain needs labels");
        }
        if (source.numClasses() != target.numClasses()) {
            throw new IllegalArgumentException("source " + source.name() + " has " + source.numClasses()
                    + " classes but target " + target.name() + " has " + target.numClasses());
        }
        String method = Methods.canonical(config.method());
        Engine.getInstance().setRandomSeed((int) config.seed());
        InputSpec spec = Backbones.inputSpecFor(config.backbone(), config.preprocessing());
        int classes = source.numClasses();
        try (NDManager manager = NDManager.newBaseManager(Devices.preferred())) {
            ComponentNet net = new ComponentNet(Backbones.create(config.backbone(), config.preprocessing(), manager),
                    ComponentNet.BOTTLENECK, classes);
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, spec.height(), spec.width()));
            List<UdaMethod> methods = Methods.parse(method);
            List<Block> blocks = new ArrayList<>(List.of(net));
            for (UdaMethod m : methods) {
                m.initialize(manager, net.width(), classes);
                blocks.addAll(m.blocks());
            }
            config.init().apply(blocks.toArray(Block[]::new));
            if (initialParameters != null) {
                InitialParameters.writeNpz(initialParameters, blocks.toArray(Block[]::new));
            }
            boolean forwardTarget = methods.stream().anyMatch(UdaMethod::forwardsTarget);
            float backboneScale = Backbones.isPretrained(config.backbone()) ? 0.1f : 1f;
            List<Parameter> rest = new ArrayList<>();
            for (Block b : blocks) {
                b.getParameters().values().stream()
                        .filter(p -> !net.backbone().getParameters().values().contains(p))
                        .forEach(rest::add);
            }
            NesterovSgd optimizer = new NesterovSgd(manager, config.momentum(), config.weightDecay(), List.of(
                    new NesterovSgd.Group(List.copyOf(net.backbone().getParameters().values()), backboneScale),
                    new NesterovSgd.Group(rest, 1f)));

            DomainLoader sourceLoader = new DomainLoader(source, spec, true, config.seed());
            DomainLoader targetLoader = new DomainLoader(target.withoutLabels(), spec, true, config.seed() + 1);
            Checkpoint checkpoint = new Checkpoint(checkpointFile(out), config.toString(), blocks, optimizer,
                    List.of(sourceLoader, targetLoader));
            ParameterStore store = new ParameterStore(manager, false);
            int batch = config.batchSize();
            TrainingLoop.Result result = TrainingLoop.run(manager, optimizer, checkpoint,
                    new TrainingLoop.Options(method + " " + source.name() + "→" + target.name(), config.iterations(),
                            2 * batch, new LearningRate(config.lr(), config.lrGamma(), 0.75f), config.checkpointEvery()),
                    (step, it, progress) -> {
                        Batch s = sourceLoader.next(step, batch);
                        if (!forwardTarget) {
                            // The target batch is not drawn either: BatchNorm sees source statistics only.
                            NDArray z = net.forward(store, new NDList(s.images()), true).get(1);
                            return Losses.crossEntropy(z, s.labels());
                        }
                        Batch t = targetLoader.next(step, batch);
                        NDList outputs = net.forward(store, new NDList(s.images().concat(t.images(), 0)), true);
                        NDArray f = outputs.get(0);
                        NDArray z = outputs.get(1);
                        String head = "0:" + batch;
                        String tail = batch + ":";
                        Step view = new Step(f.get(head), z.get(head), s.labels(), f.get(tail), z.get(tail), progress, store);
                        NDArray loss = Losses.crossEntropy(view.sourceLogits(), s.labels());
                        for (UdaMethod m : methods) {
                            if (m.adapts()) {
                                loss = loss.add(Scalars.times(m.loss(view), m.weight() * config.tradeOff()));
                            }
                        }
                        return loss;
                    });

            Map<String, Object> architecture = new LinkedHashMap<>();
            architecture.put("backbone", config.backbone().startsWith("torchscript:") ? "torchscript" : config.backbone());
            if (net.backbone() instanceof TorchScriptBackbone torchScript) {
                architecture.put(ComponentNet.POOL, torchScript.pools());
            }
            architecture.put("bottleneck", net.width());
            architecture.put("parameters", parameterCount(net));
            Map<String, Object> training = new LinkedHashMap<>(config.asMap());
            training.put("method", method);
            training.putAll(result.summary());
            Manifest manifest = new Manifest(Manifest.FORMAT, "component", method, architecture, source.classNames(),
                    spec, training, config.seed(), source.name(), target.name(), Map.of(), Map.of(), null, null, 0);
            Bundle bundle = Bundle.writeAndPublish(out, manifest, net,
                    written -> target.labelled() ? recordTargetAccuracy(written, target) : written);
            checkpoint.delete();
            return bundle;
        }
    }

    /** Measures accuracy on the labelled target (reporting only) and records it in the manifest. */
    public static Bundle recordTargetAccuracy(Bundle bundle, Domain target) {
        try (Component component = Component.load(bundle.dir())) {
            return bundle.withMetric("target", Evaluation.evaluate(component, target).summary());
        }
    }

    public static Path checkpointFile(Path out) {
        Path abs = out.toAbsolutePath().normalize();
        return abs.resolveSibling("." + abs.getFileName() + ".checkpoint");
    }

    public static long parameterCount(Block block) {
        long n = 0;
        for (Parameter p : block.getParameters().values()) {
            if (p.isInitialized()) {
                n += p.getArray().size();
            }
        }
        return n;
    }
}
