package dev.imed.ensemble.method.selftraining;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.auto.service.AutoService;
import dev.imed.core.tensor.Scalars;
import dev.imed.ensemble.method.Step;
import dev.imed.ensemble.method.UdaMethod;

/**
 * Batch nuclear-norm maximisation (Cui et al. 2020): the loss is −‖P‖_* / N for the target batch's
 * softmax matrix P [N, C]. A large nuclear norm needs confident rows (discriminability) spread over
 * many classes (diversity), so it counters both uncertain and collapsed target predictions.
 *
 * <p>DJL 0.36 exposes no SVD or eigendecomposition, so the nuclear norm is computed as
 * trace(√G) for the Gram matrix G = PᵀP (or PPᵀ, whichever is smaller; both have the squared singular
 * values of P as eigenvalues), with the matrix square root by the coupled Newton–Schulz iteration
 * (Higham 2008, §6.7; used for backpropagation by Lin &amp; Maji 2017). It is made of matrix products
 * only, so autograd differentiates it as is, and it is well defined for the rank-deficient G of a
 * collapsed batch, where the gradient of an exact SVD would divide by zero. After scaling G by its
 * Frobenius norm its eigenvalues lie in [0, 1]; {@link #ITERATIONS} steps give every singular value
 * whose square is above ~10⁻⁸ of the largest to float precision, smaller ones count a little short.
 */
@AutoService(UdaMethod.class)
public final class Bnm implements UdaMethod {
    public static final String NAME = "bnm";
    static final int ITERATIONS = 30;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public NDArray loss(Step step) {
        return loss(step.targetLogits().softmax(1));
    }

    /** −‖P‖_* / N for target probabilities {@code P [N, C]}. */
    public static NDArray loss(NDArray probabilities) {
        return Scalars.dividedBy(nuclearNorm(probabilities), probabilities.getShape().get(0)).neg();
    }

    /** The sum of the singular values of a matrix {@code a [N, C]}, differentiable. */
    public static NDArray nuclearNorm(NDArray a) {
        boolean wide = a.getShape().get(0) < a.getShape().get(1);
        NDArray gram = wide ? a.matMul(a.transpose()) : a.transpose().matMul(a);
        int k = (int) gram.getShape().get(0);
        NDManager manager = a.getManager();
        // ε keeps an all-zero matrix at 0 instead of 0/0.
        NDArray scale = gram.square().sum().sqrt().add(1e-12f);
        NDArray identity = manager.eye(k);
        NDArray y = gram.div(scale);
        NDArray z = identity;
        for (int i = 0; i < ITERATIONS; i++) {
            NDArray t = Scalars.times(Scalars.times(identity, 3).sub(z.matMul(y)), 0.5);
            y = y.matMul(t);
            z = t.matMul(z);
        }
        // y → √(G/s), so trace(√G) = trace(y)·√s.
        return y.mul(identity).sum().mul(scale.sqrt());
    }
}
