package dev.imed.ensemble.method;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;

/**
 * What a UDA loss sees of one training step.
 *
 * @param sourceFeatures bottleneck features of the source batch
 * @param sourceLogits logits of the source batch
 * @param sourceLabels labels of the source batch
 * @param targetFeatures bottleneck features of the (unlabelled) target batch
 * @param targetLogits logits of the target batch
 * @param progress fraction of the iteration budget done, 0..1 (drives warm-ups)
 * @param store parameter store for the method's own networks
 */
public record Step(NDArray sourceFeatures, NDArray sourceLogits, NDArray sourceLabels,
                   NDArray targetFeatures, NDArray targetLogits, double progress, ParameterStore store) {}
