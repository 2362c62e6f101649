package dev.imed.ensemble.method.selftraining;

import ai.djl.ndarray.NDArray;
import com.google.auto.service.AutoService;
import dev.imed.core.tensor.Scalars;
import dev.imed.ensemble.method.Losses;
import dev.imed.ensemble.method.Step;
import dev.imed.ensemble.method.UdaMethod;

/**
 * Minimum class confusion (Jin et al. 2020): on the target batch, the class-confusion matrix of
 * temperature-scaled predictions, weighted by certainty and row-normalised, should be diagonal.
 */
@AutoService(UdaMethod.class)
public final class Mcc implements UdaMethod {
    public static final String NAME = "mcc";
    public static final double TEMPERATURE = 2.5;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public NDArray loss(Step step) {
        return loss(step.targetLogits(), TEMPERATURE);
    }

    /** The MCC loss of target logits {@code [N, C]} at temperature {@code t}. */
    public static NDArray loss(NDArray logits, double t) {
        long n = logits.getShape().get(0);
        long c = logits.getShape().get(1);
        NDArray p = Scalars.dividedBy(logits, t).softmax(1);
        NDArray w = Losses.entropy(p).stopGradient().neg().exp().add(1f);
        w = Scalars.times(w.div(w.sum()), n).expandDims(1);
        NDArray confusion = p.mul(w).transpose().matMul(p);
        // ε: a class no image in the batch gives any probability to has an all-zero row, not 0/0.
        confusion = confusion.div(confusion.sum(new int[] {1}, true).add(1e-8f));
        NDArray offDiagonal = confusion.sum().sub(confusion.mul(logits.getManager().eye((int) c)).sum());
        return Scalars.dividedBy(offDiagonal, c);
    }
}
