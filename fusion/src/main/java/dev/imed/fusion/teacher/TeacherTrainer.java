package dev.imed.fusion.teacher;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.imed.core.bundle.Bundle;
import dev.imed.core.bundle.BundleException;
import dev.imed.core.bundle.Manifest;
import dev.imed.core.data.Domain;
import dev.imed.core.data.Domains;
import dev.imed.core.device.Devices;
import dev.imed.core.init.Initialization;
import dev.imed.core.loader.Batch;
import dev.imed.core.loader.DomainLoader;
import dev.imed.core.transform.InputSpec;
import dev.imed.ensemble.component.Component;
import dev.imed.ensemble.method.Losses;
import dev.imed.ensemble.method.alignment.ConditionalAdversary;
import dev.imed.ensemble.method.selftraining.Mcc;
import dev.imed.ensemble.train.Checkpoint;
import dev.imed.ensemble.train.ComponentTrainer;
import dev.imed.ensemble.train.LearningRate;
import dev.imed.ensemble.train.NesterovSgd;
import dev.imed.ensemble.train.TrainingLoop;
import dev.imed.fusion.net.FusionNet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Trains a teacher: the components stay frozen (inference mode, no gradients, run once per batch);
 * the fusion learns from source cross-entropy + β1·MCC on its target predictions + β2·the conditional
 * adversarial loss on (f_ens, softmax(z_ens)) with its own discriminator. No target label is used.
 */
public final class TeacherTrainer {
    /** A gate's segment of a DJL parameter path: {@code gate0}, or {@code 03gate0} with its child index. */
    private static final Pattern GATE_SEGMENT = Pattern.compile("(^|_)(\\d+)?gate\\d+(_|$)");

    private TeacherTrainer() {}

    public static Bundle train(TeacherConfig config, Path out) {
        return train(config, Domains.open(config.source()), Domains.open(config.target()), out);
    }

    public static Bundle train(TeacherConfig config, Domain source, Domain target, Path out) {
        if (config.components().size() < 2) {
            throw new IllegalArgumentException("a teacher needs at least 2 components, got " + config.components().size());
        }
        Engine.getInstance().setRandomSeed((int) config.seed());
        List<Bundle> componentBundles = config.components().stream().map(Bundle::open).toList();
        checkCompatible(componentBundles, source);
        Manifest first = componentBundles.get(0).manifest();
        int classes = first.classNames().size();
        int width = ((Number) first.architecture().get("bottleneck")).intValue();
        Map<String, String> lineage = new LinkedHashMap<>();
        for (int i = 0; i < componentBundles.size(); i++) {
            lineage.put("component" + i, componentBundles.get(i).sha256());
        }
        Map<String, Object> training = new LinkedHashMap<>(config.asMap());
        Map<String, Object> architecture = Teacher.architecture(config.fusion(), componentBundles.size(), width, config.layers(),
                config.options());
        String method = config.fusion().id();

        Bundle bundle;
        if (!config.fusion().trained()) {
            bundle = Bundle.write(out, manifest(method, architecture, first, training, config, source, target, lineage),
                    Teacher.noWeights());
        } else {
            try (NDManager manager = NDManager.newBaseManager(Devices.preferred())) {
                List<Component> components = new ArrayList<>();
                for (Bundle b : componentBundles) {
                    Component c = Component.load(b, manager.newSubManager());
                    c.net().freezeParameters(true);
                    components.add(c);
                }
                FusionNet fusion = FusionNet.create(config.fusion(), components.size(), classes, width, config.layers(),
                        config.options());
                fusion.initialize(manager);
                ConditionalAdversary adversary = new ConditionalAdversary(width, classes, false);
                adversary.initialize(manager);
                Initialization.PYTORCH.apply(fusion, adversary.block());
                // The gate generators may learn at their own rate (a lever the paper leaves open); the rest at lr.
                List<Parameter> gates = gateParameters(fusion);
                List<Parameter> others = new ArrayList<>(fusion.getParameters().values());
                others.removeAll(gates);
                others.addAll(adversary.block().getParameters().values());
                NesterovSgd optimizer = new NesterovSgd(manager, config.momentum(), config.weightDecay(),
                        List.of(new NesterovSgd.Group(others, 1f), new NesterovSgd.Group(gates, config.gateLrScale())));
                InputSpec spec = first.input();
                DomainLoader sourceLoader = new DomainLoader(source, spec, true, config.seed());
                DomainLoader targetLoader = new DomainLoader(target.withoutLabels(), spec, true, config.seed() + 1);
                Checkpoint checkpoint = new Checkpoint(ComponentTrainer.checkpointFile(out), config.toString(),
                        List.<Block>of(fusion, adversary.block()), optimizer, List.of(sourceLoader, targetLoader));
                ParameterStore store = new ParameterStore(manager, false);
                int batch = config.batchSize();
                // SAM evaluates the loss twice per iteration on the same batch: keep the iteration's inputs.
                long[] cachedIteration = {-1};
                NDList[] cached = new NDList[1];
                TrainingLoop.Result result = TrainingLoop.run(manager, optimizer, checkpoint,
                        new TrainingLoop.Options("teacher " + method + " " + source.name() + "→" + target.name(),
                                config.iterations(), 2 * batch, new LearningRate(config.lr(), config.lrGamma(), 0.75f),
                                config.checkpointEvery(), config.sam() ? config.samRho() : 0f),
                        (step, it, progress) -> {
                            if (cachedIteration[0] != it) {
                                Batch s = sourceLoader.next(step, batch);
                                Batch t = targetLoader.next(step, batch);
                                NDList outputs = Teacher.componentOutputs(components, s.images().concat(t.images(), 0));
                                cached[0] = new NDList(outputs.get(0), outputs.get(1).softmax(2), s.labels());
                                cachedIteration[0] = it;
                            }
                            NDList fused = fusion.apply(store, cached[0].get(0), cached[0].get(1), true);
                            NDArray f = fused.get(0);
                            NDArray z = fused.get(1);
                            String head = "0:" + batch;
                            String tail = batch + ":";
                            NDArray loss = Losses.crossEntropy(z.get(head), cached[0].get(2));
                            if (config.mccWeight() != 0) {
                                NDArray targetLoss = switch (config.targetLoss()) {
                                    case MCC -> Mcc.loss(z.get(tail), Mcc.TEMPERATURE);
                                    case AVERAGE -> Losses.softCrossEntropyToProbabilities(z.get(tail),
                                            cached[0].get(1).get(tail).mean(new int[] {1}));
                                };
                                loss = loss.add(targetLoss.mul(config.mccWeight()));
                            }
                            if (config.adversarialWeight() != 0) {
                                loss = loss.add(adversary.loss(store, f.get(head), z.get(head), f.get(tail), z.get(tail),
                                        Losses.warmUp(progress)).mul(config.adversarialWeight()));
                            }
                            return loss;
                        });
                training.putAll(result.summary());
                bundle = Bundle.write(out, manifest(method, architecture, first, training, config, source, target, lineage), fusion);
                checkpoint.delete();
            }
        }
        if (target.labelled()) {
            bundle = TeacherEvaluation.record(bundle, target);
        }
        return bundle;
    }

    /**
     * The parameters of the gates (generated or global). DJL names a child block's parameters by their path with an
     * index prefix per level ({@code 01fusion_03gate0_01Linear_weight}), so the gate is a path segment, not a prefix.
     */
    static List<Parameter> gateParameters(Block fusion) {
        List<Parameter> gates = new ArrayList<>();
        fusion.getParameters().forEach(pair -> {
            if (GATE_SEGMENT.matcher(pair.getKey()).find()) {
                gates.add(pair.getValue());
            }
        });
        return gates;
    }

    private static Manifest manifest(String method, Map<String, Object> architecture, Manifest first, Map<String, Object> training,
                                     TeacherConfig config, Domain source, Domain target, Map<String, String> lineage) {
        return new Manifest(Manifest.FORMAT, Teacher.KIND, method, architecture, first.classNames(), first.input(), training,
                config.seed(), source.name(), target.name(), Map.of(), lineage, null, null, 0);
    }

    private static void checkCompatible(List<Bundle> components, Domain source) {
        Manifest first = components.get(0).manifest();
        for (Bundle b : components) {
            Manifest m = b.manifest();
            if (!"component".equals(m.kind())) {
                throw new BundleException(b.dir() + ": is a " + m.kind() + " bundle, not a component");
            }
            if (!m.classNames().equals(first.classNames())) {
                throw new BundleException(b.dir() + ": classes " + m.classNames() + " differ from the first component's " + first.classNames());
            }
            if (m.input().height() != first.input().height() || m.input().width() != first.input().width()) {
                throw new BundleException(b.dir() + ": input " + m.input().height() + "×" + m.input().width()
                        + " differs from the first component's");
            }
            if (!m.architecture().get("bottleneck").equals(first.architecture().get("bottleneck"))) {
                throw new BundleException(b.dir() + ": bottleneck width differs from the first component's");
            }
        }
        if (source.numClasses() != first.classNames().size()) {
            throw new IllegalArgumentException(source.name() + ": has " + source.numClasses() + " classes, the components "
                    + first.classNames().size());
        }
    }
}
