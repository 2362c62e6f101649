package dev.imed.ensemble.method.alignment;

import ai.djl.ndarray.NDArray;
import com.google.auto.service.AutoService;
import dev.imed.core.tensor.Scalars;
import dev.imed.ensemble.method.Step;
import dev.imed.ensemble.method.UdaMethod;

/**
 * Joint adaptation networks (Long et al. 2017): the joint maximum mean discrepancy between source and
 * target over two layers at once, the bottleneck features and the softmax predictions. The joint
 * kernel is the product of a multi-kernel Gaussian on features (five bandwidths σ²·2^k, k = −2…2,
 * with σ² the batch's mean pairwise squared distance, so the kernels follow the features' scale as
 * training moves them) and one Gaussian of fixed width on predictions (they live on the simplex,
 * whose squared diameter is 2, so one width fits every batch).
 *
 * <p>The estimate is the paper's linear-time one (Gretton et al. 2012, §6): the batch is cut into
 * quadruples (s, s′, t, t′) and JMMD² is the mean of k(s,s′) + k(t,t′) − k(s,t′) − k(s′,t). It is
 * unbiased, costs O(N) kernel evaluations, and is exactly 0 when target equals source; a single
 * batch's value can be slightly negative, which is harmless for a loss term.
 */
@AutoService(UdaMethod.class)
public final class Jan implements UdaMethod {
    public static final String NAME = "jan";
    /** The feature kernels' bandwidth multipliers 2^k, k = −2…2. */
    static final float[] FEATURE_BANDWIDTHS = {0.25f, 0.5f, 1f, 2f, 4f};
    /** The prediction kernel's σ: 2σ² ≈ 1.69, about the simplex's squared diameter. */
    public static final float PREDICTION_SIGMA = 0.92f;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public NDArray loss(Step step) {
        return loss(step.sourceFeatures(), step.sourceLogits().softmax(1), step.targetFeatures(), step.targetLogits().softmax(1));
    }

    /** The linear-time JMMD² of (features, probabilities) between a source and a target batch. */
    public static NDArray loss(NDArray sourceFeatures, NDArray sourceProbabilities,
                               NDArray targetFeatures, NDArray targetProbabilities) {
        long pairs = Math.min(sourceFeatures.getShape().get(0), targetFeatures.getShape().get(0)) / 2;
        if (pairs == 0) {
            throw new IllegalArgumentException("JAN needs at least 2 source and 2 target examples a batch");
        }
        // The bandwidth is a statistic of the batch, not something to optimise: no gradient through it.
        NDArray sigmaSquared = meanPairwiseSquaredDistance(sourceFeatures.concat(targetFeatures, 0)).stopGradient();
        NDArray s = first(sourceFeatures, pairs, 0);
        NDArray s2 = first(sourceFeatures, pairs, 1);
        NDArray t = first(targetFeatures, pairs, 0);
        NDArray t2 = first(targetFeatures, pairs, 1);
        NDArray p = first(sourceProbabilities, pairs, 0);
        NDArray p2 = first(sourceProbabilities, pairs, 1);
        NDArray q = first(targetProbabilities, pairs, 0);
        NDArray q2 = first(targetProbabilities, pairs, 1);
        NDArray withinSource = jointKernel(s, s2, p, p2, sigmaSquared);
        NDArray withinTarget = jointKernel(t, t2, q, q2, sigmaSquared);
        NDArray across = jointKernel(s, t2, p, q2, sigmaSquared).add(jointKernel(s2, t, p2, q, sigmaSquared));
        return withinSource.add(withinTarget).sub(across).mean();
    }

    /** Row-wise k_features(a, b) · k_predictions(p, q), shape [pairs]. */
    private static NDArray jointKernel(NDArray a, NDArray b, NDArray p, NDArray q, NDArray sigmaSquared) {
        NDArray d = a.sub(b).square().sum(new int[] {1});
        NDArray features = null;
        for (float bandwidth : FEATURE_BANDWIDTHS) {
            NDArray k = d.div(Scalars.times(sigmaSquared, bandwidth).add(1e-8f)).neg().exp();
            features = features == null ? k : features.add(k);
        }
        NDArray predictions = Scalars.dividedBy(p.sub(q).square().sum(new int[] {1}), 2f * PREDICTION_SIGMA * PREDICTION_SIGMA)
                .neg().exp();
        return features.mul(predictions);
    }

    /** Rows 0, 2, 4, … ({@code offset} 0) or 1, 3, 5, … ({@code offset} 1) of the first 2·pairs rows. */
    private static NDArray first(NDArray x, long pairs, int offset) {
        return x.get("0:" + 2 * pairs).reshape(pairs, 2, -1).get(":, " + offset + ", :");
    }

    /** The mean squared Euclidean distance over distinct rows of {@code x [n, D]}. */
    private static NDArray meanPairwiseSquaredDistance(NDArray x) {
        long n = x.getShape().get(0);
        NDArray norms = x.square().sum(new int[] {1}, true);
        NDArray distances = Scalars.atLeast(norms.add(norms.transpose()).sub(Scalars.times(x.matMul(x.transpose()), 2)), 0);
        return Scalars.dividedBy(distances.sum(), (double) n * (n - 1));
    }
}
