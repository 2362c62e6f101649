package dev.imed.cli;

import dev.imed.fusion.net.FusionOptions;
import dev.imed.fusion.teacher.TargetLoss;
import dev.imed.fusion.teacher.TeacherConfig;
import picocli.CommandLine.Option;

/** The teacher's loss weights and fusion options, shared by {@code train teacher} and {@code sweep teachers}. */
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

    TeacherConfig apply(TeacherConfig config) {
        return config.withWeights(beta1, beta2).withSam(sam).withTargetLoss(TargetLoss.parse(targetLoss))
                .withOptions(new FusionOptions(normalizeFeatures, startFromAverage)).withGateLrScale(gateLrScale);
    }

    /** The options as typed, for the command line a report records. */
    String describe() {
        return "--beta1 " + beta1 + " --beta2 " + beta2 + " --target-loss " + targetLoss
                + (normalizeFeatures ? " --normalize-features" : "") + (startFromAverage ? " --start-from-average" : "")
                + (gateLrScale != 1f ? " --gate-lr-scale " + gateLrScale : "") + (sam ? " --sam" : "");
    }
}
