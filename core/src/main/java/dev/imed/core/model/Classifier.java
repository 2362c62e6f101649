package dev.imed.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.imed.core.transform.InputSpec;
import java.util.List;

/**
 * A trained model that maps a batch of images to class scores: components, teachers and students
 * alike. Implementations hold native memory and must be closed.
 */
public interface Classifier extends AutoCloseable {

    List<String> classNames();

    /** How images must be preprocessed for this model. */
    InputSpec inputSpec();

    /** The manager (and so the device) where input batches should be created. */
    NDManager manager();

    /**
     * Class logits {@code [N, C]} for normalised images {@code [N, 3, H, W]}, in inference mode and
     * without gradients. The result is attached to the images' manager.
     */
    NDArray logits(NDArray images);

    @Override
    void close();
}
