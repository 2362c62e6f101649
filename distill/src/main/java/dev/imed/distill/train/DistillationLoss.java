package dev.imed.distill.train;

import ai.djl.ndarray.NDArray;
import dev.imed.core.tensor.Scalars;
import dev.imed.ensemble.method.Losses;

/**
 * The student's loss over a batch of source + target images with the teacher's outputs:
 * {@code CE(z_s on source) + β4·T²·SoftCE(z_s/T, z_ens/T) + β3·T²·SoftCE(f_s/T, f_ens/T)}, where
 * {@code SoftCE(a, b) = −Σ softmax(b)·log_softmax(a)}. The T² keeps the soft terms' gradients on the
 * scale of the hard one.
 *
 * @param temperature T
 * @param logitWeight β4
 * @param featureWeight β3
 */
public record DistillationLoss(float temperature, float logitWeight, float featureWeight) {

    public static DistillationLoss defaults() {
        return new DistillationLoss(2f, 1f, 1f);
    }

    /**
     * @param studentFeatures f_s for the whole batch (projected to the teacher's width)
     * @param studentLogits z_s for the whole batch
     * @param teacherFeatures f_ens
     * @param teacherLogits z_ens
     * @param sourceCount how many leading rows are labelled source images (0 for a target-only stream)
     * @param sourceLabels their labels, or null when {@code sourceCount} is 0
     */
    public NDArray compute(NDArray studentFeatures, NDArray studentLogits, NDArray teacherFeatures, NDArray teacherLogits,
                           int sourceCount, NDArray sourceLabels) {
        float t2 = temperature * temperature;
        NDArray loss = Scalars.times(Losses.softCrossEntropy(Scalars.dividedBy(studentLogits, temperature),
                Scalars.dividedBy(teacherLogits, temperature)), logitWeight * t2);
        if (featureWeight != 0) {
            loss = loss.add(Scalars.times(Losses.softCrossEntropy(Scalars.dividedBy(studentFeatures, temperature),
                    Scalars.dividedBy(teacherFeatures, temperature)), featureWeight * t2));
        }
        if (sourceCount > 0) {
            loss = loss.add(Losses.crossEntropy(studentLogits.get("0:" + sourceCount), sourceLabels));
        }
        return loss;
    }
}
