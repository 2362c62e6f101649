package dev.imed.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.imed.core.data.DatasetException;
import dev.imed.core.data.Domain;
import dev.imed.core.loader.Batch;
import dev.imed.core.loader.DomainLoader;
import dev.imed.core.metrics.ConfusionMatrix;

/** Runs a classifier over a whole labelled domain. Target labels are read here, and only here. */
public final class Evaluation {
    public static final int BATCH = 256;

    private Evaluation() {}

    /** Predictions for every image of the domain, in index order. */
    public static long[] predict(Classifier model, Domain domain) {
        DomainLoader loader = new DomainLoader(domain.withoutLabels(), model.inputSpec(), false, 0);
        long[] predictions = new long[domain.size()];
        for (int[] indices : loader.sequentialBatches(BATCH)) {
            try (NDManager step = model.manager().newSubManager()) {
                Batch batch = loader.load(step, indices);
                NDArray argmax = model.logits(batch.images()).argMax(1);
                long[] p = argmax.toLongArray();
                System.arraycopy(p, 0, predictions, indices[0], p.length);
            }
        }
        return predictions;
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
        long[] predictions = predict(model, domain);
        ConfusionMatrix matrix = new ConfusionMatrix(domain.classNames());
        for (int i = 0; i < predictions.length; i++) {
            matrix.add(domain.label(i), (int) predictions[i]);
        }
        return matrix;
    }
}
