package dev.imed.cli;

import dev.imed.fusion.net.FusionOptions;
import dev.imed.fusion.selection.SelectionCriterion;
import dev.imed.fusion.teacher.TargetLoss;
import dev.imed.fusion.teacher.TeacherConfig;
import picocli.CommandLine.Option;

/**
 * The teacher's loss weights, fusion options, levers and label-free iterate selection, shared by
 * {@code train teacher} and {@code sweep teachers}. Every default is the paper's teacher.
 */
final class TeacherLossOptions {
    @Option(names = "--beta1", defaultValue = "1", description = "weight of the target loss on the teacher's predictions (default: ${DEFAULT-VALUE})")
    float beta1;
    @Option(names = "--beta2", defaultValue = "1", description = "weight of the conditional adversarial loss (default: ${DEFAULT-VALUE})")
    float beta2;
    @Option(names = "--target-loss", defaultValue = "mcc",
            description = "mcc (the paper) or average (agree with the averaging ensemble's target predictions) (default: ${DEFAULT-VALUE})")
    String targetLoss;
    @Option(names = "--normalize-features", description = "scale every component's feature to the same norm before fusing")
    boolean normalizeFeatures;
    @Option(names = "--start-from-average", description = "add the averaging ensemble's log-probabilities to the fused logits, head starting at zero")
    boolean startFromAverage;
    @Option(names = "--gate-lr-scale", defaultValue = "1",
            description = "the gate generators' learning rate as a multiple of the teacher's (default: ${DEFAULT-VALUE})")
    float gateLrScale;
    @Option(names = "--sam", description = "use sharpness-aware minimisation (rho 0.05)")
    boolean sam;
    @Option(names = "--member-dropout", defaultValue = "0", paramLabel = "P",
            description = "lever: per image, drop each member's feature and prediction from the fusion's input with probability P "
                    + "while training, at least one member kept (default: ${DEFAULT-VALUE})")
    float memberDropout;
    @Option(names = "--info-max-weight", defaultValue = "0", paramLabel = "W",
            description = "lever: weight of information maximisation on the fused target predictions (mean entropy minus "
                    + "entropy of the batch's mean prediction) (default: ${DEFAULT-VALUE})")
    float infoMaxWeight;
    @Option(names = "--pseudo-label-weight", defaultValue = "0", paramLabel = "W",
            description = "lever: weight of cross-entropy to consensus pseudo-labels, target images on which every member "
                    + "predicts the same class with at least --pseudo-label-threshold (default: ${DEFAULT-VALUE})")
    float pseudoLabelWeight;
    @Option(names = "--pseudo-label-threshold", defaultValue = "0.9", paramLabel = "T",
            description = "the max-probability every member must reach for a consensus pseudo-label (default: ${DEFAULT-VALUE})")
    float pseudoLabelThreshold;
    @Option(names = "--gate-balance-weight", defaultValue = "0", paramLabel = "W",
            description = "lever: weight of the gates' load-balancing penalty, the squared coefficient of variation of the "
                    + "members' shares of the last layer's gates over the batch (gated fusions) (default: ${DEFAULT-VALUE})")
    float gateBalanceWeight;
    @Option(names = "--member-lr-scale", defaultValue = "0", paramLabel = "X",
            description = "lever: the members learn jointly with the fusion at X times its rate (e.g. 0.1); 0 keeps them "
                    + "frozen. The tuned members are written inside the teacher's bundle (default: ${DEFAULT-VALUE})")
    float memberLrScale;
    @Option(names = "--select", defaultValue = "final", completionCandidates = PluginNames.Selections.class,
            description = "which iterate the bundle keeps, chosen without target labels: final (the last), ensv (agreement "
                    + "with the iterates' mean prediction) or snd (soft neighbourhood density); one of "
                    + "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    String select;
    @Option(names = "--select-every", defaultValue = "100", paramLabel = "N",
            description = "with --select ensv|snd: keep an iterate (its target predictions and weights) every N iterations, "
                    + "and the last (default: ${DEFAULT-VALUE})")
    int selectEvery;

    TeacherConfig apply(TeacherConfig config) {
        return config.toBuilder().mccWeight(beta1).adversarialWeight(beta2).sam(sam).targetLoss(TargetLoss.parse(targetLoss))
                .options(new FusionOptions(normalizeFeatures, startFromAverage)).gateLrScale(gateLrScale)
                .memberDropout(memberDropout).infoMaxWeight(infoMaxWeight).pseudoLabelWeight(pseudoLabelWeight)
                .pseudoLabelThreshold(pseudoLabelThreshold).gateBalanceWeight(gateBalanceWeight).memberLrScale(memberLrScale)
                .selection(SelectionCriterion.parse(select)).selectEvery(selectEvery).build();
    }

    /** The options as typed, for the command line a report records (those at their defaults left out). */
    String describe() {
        return "--beta1 " + beta1 + " --beta2 " + beta2 + " --target-loss " + targetLoss
                + (normalizeFeatures ? " --normalize-features" : "") + (startFromAverage ? " --start-from-average" : "")
                + (gateLrScale != 1f ? " --gate-lr-scale " + gateLrScale : "") + (sam ? " --sam" : "")
                + (memberDropout != 0 ? " --member-dropout " + memberDropout : "")
                + (infoMaxWeight != 0 ? " --info-max-weight " + infoMaxWeight : "")
                + (pseudoLabelWeight != 0 ? " --pseudo-label-weight " + pseudoLabelWeight
                        + " --pseudo-label-threshold " + pseudoLabelThreshold : "")
                + (gateBalanceWeight != 0 ? " --gate-balance-weight " + gateBalanceWeight : "")
                + (memberLrScale != 0 ? " --member-lr-scale " + memberLrScale : "")
                + (!"final".equalsIgnoreCase(select) ? " --select " + select + " --select-every " + selectEvery : "");
    }
}
