package dev.imed.fusion.selection;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.List;

/**
 * EnsV: the candidates' mean prediction is a better guess of the target labels than any one of them,
 * so the candidate that agrees with its argmax most often is the one to keep. Everything runs on the
 * device; one number per candidate comes back.
 */
public final class EnsembleValidation {
    private EnsembleValidation() {}

    /** Each candidate's fraction of images whose argmax matches the argmax of the candidates' mean. */
    public static double[] scores(List<NDArray> probabilities) {
        NDArray stacked = NDArrays.stack(new NDList(probabilities));
        NDArray consensus = stacked.mean(new int[] {0}).argMax(1);
        NDArray agreement = stacked.argMax(2).eq(consensus.expandDims(0)).toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                .mean(new int[] {1});
        float[] host = agreement.toFloatArray();
        double[] scores = new double[host.length];
        for (int i = 0; i < host.length; i++) {
            scores[i] = host[i];
        }
        return scores;
    }
}
