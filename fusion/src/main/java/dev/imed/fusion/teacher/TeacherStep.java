package dev.imed.fusion.teacher;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.imed.core.loader.Batch;
import dev.imed.core.loader.DomainLoader;
import dev.imed.core.tensor.Scalars;
import dev.imed.ensemble.component.Component;
import dev.imed.ensemble.method.Losses;
import dev.imed.ensemble.method.alignment.ConditionalAdversary;
import dev.imed.ensemble.method.selftraining.Mcc;
import dev.imed.fusion.levers.ConsensusPseudoLabels;
import dev.imed.fusion.levers.GateLoadBalance;
import dev.imed.fusion.levers.InformationMaximization;
import dev.imed.fusion.levers.MemberDropout;
import dev.imed.fusion.net.FusionNet;
import java.util.List;

/**
 * One step's loss of teacher training: source cross-entropy + β1·(MCC or agreement with averaging) on the
 * target + β2·the conditional adversarial loss, plus each lever the config turns on (member dropout on the
 * fusion's input, information maximisation, consensus pseudo-labels, gate load-balancing). The target
 * half of the batch comes from a loader without labels.
 */
final class TeacherStep {
    /** One iteration's inputs, kept because SAM evaluates the loss twice on the same batch (and the same dropout). */
    private record Inputs(long iteration, NDArray images, NDArray sourceLabels, NDList frozenOutputs, NDArray dropMask) {}

    private final TeacherConfig config;
    private final List<Component> components;
    private final FusionNet fusion;
    private final ConditionalAdversary adversary;
    private final ParameterStore store;
    private final DomainLoader sourceLoader;
    private final DomainLoader targetLoader;
    private Inputs inputs;

    TeacherStep(TeacherConfig config, List<Component> components, FusionNet fusion, ConditionalAdversary adversary,
                ParameterStore store, DomainLoader sourceLoader, DomainLoader targetLoader) {
        this.config = config;
        this.components = components;
        this.fusion = fusion;
        this.adversary = adversary;
        this.store = store;
        this.sourceLoader = sourceLoader;
        this.targetLoader = targetLoader;
    }

    NDArray loss(NDManager step, long iteration, double progress) {
        int batch = config.batchSize();
        if (inputs == null || inputs.iteration() != iteration) {
            Batch s = sourceLoader.next(step, batch);
            Batch t = targetLoader.next(step, batch);
            NDArray images = s.images().concat(t.images(), 0);
            // Frozen members give the same outputs to both SAM passes: run them once; learning members run every pass.
            NDList frozen = config.tunesMembers() ? null : Teacher.componentOutputs(components, images);
            NDArray mask = config.memberDropout() > 0
                    ? MemberDropout.mask(step, 2L * batch, components.size(), config.memberDropout()) : null;
            inputs = new Inputs(iteration, images, s.labels(), frozen, mask);
        }
        NDList outputs = inputs.frozenOutputs() != null ? inputs.frozenOutputs() : Teacher.componentOutputs(components, inputs.images());
        NDArray probabilities = outputs.get(1).softmax(2);
        NDList fusionInput = MemberDropout.apply(outputs.get(0), probabilities, inputs.dropMask());
        NDList fused = fusion.apply(store, fusionInput.get(0), fusionInput.get(1), true);
        NDArray f = fused.get(0);
        NDArray z = fused.get(1);
        String head = "0:" + batch;
        String tail = batch + ":";
        NDArray loss = Losses.crossEntropy(z.get(head), inputs.sourceLabels());
        if (config.mccWeight() != 0) {
            NDArray targetLoss = switch (config.targetLoss()) {
                case MCC -> Mcc.loss(z.get(tail), Mcc.TEMPERATURE);
                case AVERAGE -> Losses.softCrossEntropyToProbabilities(z.get(tail), probabilities.get(tail).mean(new int[] {1}));
            };
            loss = loss.add(Scalars.times(targetLoss, config.mccWeight()));
        }
        if (config.adversarialWeight() != 0) {
            loss = loss.add(Scalars.times(adversary.loss(store, f.get(head), z.get(head), f.get(tail), z.get(tail),
                    Losses.warmUp(progress)), config.adversarialWeight()));
        }
        if (config.infoMaxWeight() != 0) {
            loss = loss.add(Scalars.times(InformationMaximization.loss(z.get(tail)), config.infoMaxWeight()));
        }
        if (config.pseudoLabelWeight() != 0) {
            // The consensus is the members' own, every member present: dropout hides members from the fusion only.
            ConsensusPseudoLabels.Selection agreed = ConsensusPseudoLabels.select(probabilities.get(tail).stopGradient(),
                    config.pseudoLabelThreshold());
            loss = loss.add(Scalars.times(ConsensusPseudoLabels.loss(z.get(tail), agreed), config.pseudoLabelWeight()));
        }
        if (config.gateBalanceWeight() != 0 && !fusion.gateNames().isEmpty()) {
            // FC fusion has no gates to balance; the lever does not apply to it.
            loss = loss.add(Scalars.times(GateLoadBalance.penalty(fused.get(fused.size() - 1)), config.gateBalanceWeight()));
        }
        return loss;
    }
}
