package dev.imed.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.imed.core.data.DatasetException;
import dev.imed.core.data.Domain;
import dev.imed.core.loader.Batch;
import dev.imed.core.loader.DomainLoader;
import dev.imed.core.metrics.ConfusionMatrix;
import dev.imed.core.transform.InputSpec;
import java.util.function.Function;

/** Runs a classifier over a whole labelled domain. Target labels are read here, and only here. */
public final class Evaluation {
    /** Largest inference batch: what small images (digits) use. */
    public static final int BATCH = 256;
    /**
     * Native memory an inference batch may take, in bytes. A lean forward keeps a few activations of one layer
     * alive; for a ResNet at 224 px those are about {@link #ACTIVATIONS_PER_INPUT} times the input's size.
     * Override with {@code -Dimed.inference.memory-mb=N}.
     */
    public static final long MEMORY_BUDGET = Long.getLong("imed.inference.memory-mb", 512) * 1024 * 1024;
    static final int ACTIVATIONS_PER_INPUT = 32;

    private Evaluation() {}

    /**
     * The inference batch for inputs of this shape: {@link #BATCH}, or fewer where that would take more than
     * {@link #MEMORY_BUDGET}, so that peak memory stays bounded whatever the image size (27 at 224 px).
     */
    public static int batchSize(InputSpec spec) {
        long perImage = (long) spec.pixelsPerImage() * Float.BYTES * ACTIVATIONS_PER_INPUT;
        return (int) Math.max(1, Math.min(BATCH, MEMORY_BUDGET / perImage));
    }

    /** Predictions for every image of the domain, in index order (a small host array; nothing stays native). */
    public static int[] predict(Classifier model, Domain domain) {
        DomainLoader loader = DomainLoader.onePass(domain.withoutLabels(), model.inputSpec());
        int[] predictions = new int[domain.size()];
        for (int[] indices : loader.sequentialBatches(batchSize(model.inputSpec()))) {
            try (NDManager step = model.manager().newSubManager()) {
                Batch batch = loader.load(step, indices);
                long[] p = model.logits(batch.images()).argMax(1).toLongArray();
                for (int i = 0; i < p.length; i++) {
                    predictions[indices[i]] = (int) p[i];
                }
            }
        }
        return predictions;
    }

    /**
     * Class probabilities {@code [N, C]} of every image {@code loader} reads, in index order, {@code batchSize} at a
     * time. Each batch's images and activations live in a sub-manager of {@code scratch} and are freed with it; only
     * its probabilities, {@code probabilitiesOf} its images, move to {@code into}, to be compared with others there.
     */
    public static NDArray probabilities(DomainLoader loader, int batchSize, NDManager scratch, NDManager into,
                                        Function<NDArray, NDArray> probabilitiesOf) {
        NDList parts = new NDList();
        for (int[] indices : loader.sequentialBatches(batchSize)) {
            try (NDManager step = scratch.newSubManager()) {
                NDArray p = probabilitiesOf.apply(loader.load(step, indices).images());
                p.attach(into);
                parts.add(p);
            }
        }
        NDArray all = NDArrays.concat(parts);
        parts.close();
        return all;
    }

    /** Accuracy, per-class accuracy and the confusion matrix of the model on a labelled domain. */
    public static ConfusionMatrix evaluate(Classifier model, Domain domain) {
        if (!domain.labelled()) {
            throw new DatasetException(domain.name() + ": has no labels, so accuracy cannot be measured");
        }
        if (domain.numClasses() != model.classNames().size()) {
            throw new DatasetException(domain.name() + ": has " + domain.numClasses() + " classes but the model has "
                    + model.classNames().size());
        }
        int[] predictions = predict(model, domain);
        ConfusionMatrix matrix = new ConfusionMatrix(domain.classNames());
        for (int i = 0; i < predictions.length; i++) {
            matrix.add(domain.label(i), predictions[i]);
        }
        return matrix;
    }
}
