package dev.imed.ensemble.method.alignment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.google.auto.service.AutoService;
import dev.imed.ensemble.method.Losses;
import dev.imed.ensemble.method.Step;
import dev.imed.ensemble.method.UdaMethod;
import java.util.List;

/**
 * Conditional domain-adversarial networks (Long et al. 2018): the discriminator sees the multilinear
 * map of feature and prediction; CDAN+E additionally weighs examples by prediction certainty.
 */
@AutoService(UdaMethod.class)
public class Cdan implements UdaMethod {
    public static final String NAME = "cdan";
    public static final String NAME_ENTROPY = "cdan+e";

    private final boolean entropyConditioning;
    private ConditionalAdversary adversary;

    public Cdan() {
        this(false);
    }

    public Cdan(boolean entropyConditioning) {
        this.entropyConditioning = entropyConditioning;
    }

    /** CDAN+E, its own plug-in so that the registry finds it under {@code cdan+e}. */
    @AutoService(UdaMethod.class)
    public static final class WithEntropy extends Cdan {
        public WithEntropy() {
            super(true);
        }
    }

    @Override
    public String name() {
        return entropyConditioning ? NAME_ENTROPY : NAME;
    }

    @Override
    public void initialize(NDManager manager, long featureDim, int classes) {
        adversary = new ConditionalAdversary(featureDim, classes, entropyConditioning);
        adversary.initialize(manager);
    }

    @Override
    public List<Block> blocks() {
        return List.of(adversary.block());
    }

    @Override
    public NDArray loss(Step step) {
        return adversary.loss(step.store(), step.sourceFeatures(), step.sourceLogits(),
                step.targetFeatures(), step.targetLogits(), Losses.warmUp(step.progress()));
    }
}
