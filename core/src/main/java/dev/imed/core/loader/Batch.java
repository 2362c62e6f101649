package dev.imed.core.loader;

import ai.djl.ndarray.NDArray;

/**
 * One batch on the compute device: images {@code [N, 3, H, W]} and, for labelled domains, int64
 * labels {@code [N]}. The arrays belong to the manager the batch was made with.
 *
 * @param images normalised images
 * @param labels labels, or {@code null} when the domain is unlabelled
 * @param indices the domain indices of the images, in order
 */
public record Batch(NDArray images, NDArray labels, int[] indices) {
    public int size() {
        return indices.length;
    }
}
