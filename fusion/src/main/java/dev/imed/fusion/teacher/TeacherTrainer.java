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
import dev.imed.core.loader.DomainLoader;
import dev.imed.core.model.Evaluation;
import dev.imed.core.transform.InputSpec;
import dev.imed.ensemble.component.Component;
import dev.imed.ensemble.method.alignment.ConditionalAdversary;
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
 * adversarial loss on (f_ens, softmax(z_ens)) with its own discriminator ({@link TeacherStep}, which also
 * adds the levers a config turns on). No target label is used for training or for choosing the iterate
 * the bundle keeps ({@link IterateSelection}); a labelled target is read afterwards, for the manifest's metrics.
 *
 * <p>With {@code memberLrScale > 0} the members learn too (still in inference mode: their batch-norm
 * statistics stay as trained), and the teacher bundle carries the tuned members ({@link TunedMembers}).
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

        // Assembled under a staging name (weights, tuned members, target metrics) and published complete.
        Path staging = Bundle.stagingDir(out);
        Bundle bundle;
        if (!config.fusion().trained()) {
            bundle = Bundle.write(staging, manifest(method, architecture, first, training, config, source, target, lineage),
                    Teacher.noWeights());
        } else {
            try (NDManager manager = NDManager.newBaseManager(Devices.preferred())) {
                List<Component> components = new ArrayList<>();
                for (Bundle b : componentBundles) {
                    components.add(Component.load(b, manager.newSubManager()));
                }
                setMembersTrainable(components, config.tunesMembers());
                FusionNet fusion = FusionNet.create(config.fusion(), components.size(), classes, width, config.layers(),
                        config.options());
                fusion.initialize(manager);
                ConditionalAdversary adversary = new ConditionalAdversary(width, classes, false);
                adversary.initialize(manager);
                Initialization.PYTORCH.apply(fusion, adversary.block());
                NesterovSgd optimizer = new NesterovSgd(manager, config.momentum(), config.weightDecay(),
                        parameterGroups(fusion, adversary.block(), components, config));
                List<Block> learning = new ArrayList<>(List.of(fusion, adversary.block()));
                // The iterates kept for selection are what the bundle may keep: the fusion, and the members when they learn.
                List<Block> kept = new ArrayList<>(List.of(fusion));
                if (config.tunesMembers()) {
                    components.forEach(c -> learning.add(c.net()));
                    components.forEach(c -> kept.add(c.net()));
                }
                InputSpec spec = first.input();
                DomainLoader sourceLoader = new DomainLoader(source, spec, true, config.seed());
                // Training and the choice of iterate see the target's images only.
                Domain unlabelledTarget = target.withoutLabels();
                DomainLoader targetLoader = new DomainLoader(unlabelledTarget, spec, true, config.seed() + 1);
                Checkpoint checkpoint = new Checkpoint(ComponentTrainer.checkpointFile(out), config.toString(), learning,
                        optimizer, List.of(sourceLoader, targetLoader));
                IterateCandidates candidates = new IterateCandidates(out, kept);
                ParameterStore store = new ParameterStore(manager, false);
                TeacherStep step = new TeacherStep(config, components, fusion, adversary, store, sourceLoader, targetLoader);
                TrainingLoop.Result result = TrainingLoop.run(manager, optimizer, checkpoint,
                        new TrainingLoop.Options("teacher " + method + " " + source.name() + "→" + target.name(),
                                config.iterations(), 2 * config.batchSize(),
                                new LearningRate(config.lr(), config.lrGamma(), 0.75f),
                                config.checkpointEvery(), config.sam() ? config.samRho() : 0f),
                        step::loss,
                        done -> {
                            if (config.selectsIterate() && (done % config.selectEvery() == 0 || done == config.iterations())) {
                                try (NDManager pass = manager.newSubManager()) {
                                    candidates.record(done, targetProbabilities(pass, components, fusion, store, unlabelledTarget, spec));
                                }
                            }
                        });
                training.putAll(result.summary());
                Map<String, Object> selectionReport = null;
                List<Long> iterations = config.selectsIterate() ? candidates.iterations(config.iterations()) : List.of();
                if (!iterations.isEmpty()) {
                    try (NDManager selecting = manager.newSubManager()) {
                        List<NDArray> predictions = iterations.stream().map(it -> candidates.predictions(it, selecting)).toList();
                        // The choice reads the iterates' predictions only; the labels are read after it, for the report.
                        IterateSelection selection = IterateSelection.choose(config.selection(), iterations, predictions);
                        if (selection.selectedIteration() != config.iterations()) {
                            candidates.restore(selection.selectedIteration(), manager);
                        }
                        training.put("selection", selection.asMap());
                        if (target.labelled()) {
                            selectionReport = selection.withOracle(predictions, target);
                        }
                    }
                }
                Manifest manifest = manifest(method, architecture, first, training, config, source, target, lineage);
                if (selectionReport != null) {
                    manifest = manifest.withMetrics(Map.of("selection", selectionReport));
                }
                bundle = Bundle.write(staging, manifest, fusion);
                if (config.tunesMembers()) {
                    bundle = TunedMembers.write(bundle, componentBundles, components);
                }
                checkpoint.delete();
                candidates.delete();
            }
        }
        if (target.labelled()) {
            bundle = TeacherEvaluation.record(bundle, target);
        }
        return bundle.publishAt(out);
    }

    /**
     * Members stay frozen (no gradients) unless they learn along with the fusion. Batch-norm running statistics
     * never take gradients (PyTorch refuses them), so only the other parameters are unfrozen.
     */
    static void setMembersTrainable(List<Component> components, boolean trainable) {
        for (Component c : components) {
            c.net().freezeParameters(true);
            if (trainable) {
                c.net().getParameters().values().stream()
                        .filter(p -> p.getType() != Parameter.Type.RUNNING_MEAN && p.getType() != Parameter.Type.RUNNING_VAR)
                        .forEach(p -> p.freeze(false));
            }
        }
    }

    /**
     * The optimiser's groups: the head, the adversary and the non-gate fusion parameters at the base rate, the
     * gate generators at {@code gateLrScale} (a lever the paper leaves open) and, when they learn, the members'
     * parameters at {@code memberLrScale}.
     */
    static List<NesterovSgd.Group> parameterGroups(FusionNet fusion, Block adversary, List<Component> components,
                                                   TeacherConfig config) {
        List<Parameter> gates = gateParameters(fusion);
        List<Parameter> others = new ArrayList<>(fusion.getParameters().values());
        others.removeAll(gates);
        others.addAll(adversary.getParameters().values());
        List<NesterovSgd.Group> groups = new ArrayList<>(List.of(new NesterovSgd.Group(others, 1f),
                new NesterovSgd.Group(gates, config.gateLrScale())));
        if (config.tunesMembers()) {
            List<Parameter> members = new ArrayList<>();
            components.forEach(c -> members.addAll(c.net().getParameters().values()));
            groups.add(new NesterovSgd.Group(members, config.memberLrScale()));
        }
        return groups;
    }

    /** The fused teacher's probabilities {@code [N, C]} on the whole (unlabelled) target, in its order. */
    static NDArray targetProbabilities(NDManager manager, List<Component> components, FusionNet fusion, ParameterStore store,
                                       Domain unlabelledTarget, InputSpec spec) {
        // Each batch's images and component outputs are freed with its step; only [n, C] probabilities stay.
        return Evaluation.probabilities(DomainLoader.onePass(unlabelledTarget, spec), Evaluation.batchSize(spec), manager, manager,
                images -> {
                    NDList outputs = Teacher.componentOutputs(components, images);
                    return fusion.apply(store, outputs.get(0), outputs.get(1).softmax(2), false).get(1).softmax(1);
                });
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
