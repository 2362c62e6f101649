package dev.imed.fusion.selection;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.imed.core.data.Domain;
import dev.imed.core.device.Devices;
import dev.imed.core.loader.DomainLoader;
import dev.imed.core.model.Classifier;
import dev.imed.core.model.Evaluation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A choice among trained models (teachers trained with different levers, say) on an unlabelled target,
 * by a {@link SelectionCriterion}. The target's labels are dropped before a single image is read, so the
 * choice cannot depend on them.
 *
 * @param scores one per model, in the order given; higher is better
 * @param selected the index of the chosen model (a tie goes to the later one)
 */
public record ModelSelection(SelectionCriterion criterion, double[] scores, int selected) {

    /**
     * Scores every model's target predictions and picks the best. The models must share their classes. Each is
     * opened only while it predicts and closed before the next opens, so that choosing among many large models
     * (six teachers with their gate generators, say) holds one model and the predictions in memory, not all models.
     */
    public static ModelSelection choose(SelectionCriterion criterion, List<? extends Supplier<? extends Classifier>> models,
                                        Domain target) {
        if (models.isEmpty()) {
            throw new IllegalArgumentException("no models to select from");
        }
        Domain unlabelled = target.withoutLabels();
        List<String> classes = null;
        try (NDManager manager = NDManager.newBaseManager(Devices.preferred())) {
            List<NDArray> probabilities = new ArrayList<>();
            for (Supplier<? extends Classifier> open : models) {
                try (Classifier model = open.get()) {
                    if (classes == null) {
                        classes = model.classNames();
                    } else if (!model.classNames().equals(classes)) {
                        throw new IllegalArgumentException("the models to choose from predict different classes: " + classes
                                + " against " + model.classNames());
                    }
                    probabilities.add(probabilities(model, unlabelled, manager));
                }
            }
            double[] scores = criterion.scores(probabilities);
            return new ModelSelection(criterion, scores, SelectionCriterion.best(scores));
        }
    }

    /** The model's class probabilities {@code [N, C]} over the whole domain, in index order, kept on the device. */
    static NDArray probabilities(Classifier model, Domain unlabelled, NDManager into) {
        DomainLoader loader = new DomainLoader(unlabelled, model.inputSpec(), false, 0);
        // Kept in `into`: the criterion compares every model's predictions at once.
        return Evaluation.probabilities(loader, Evaluation.BATCH, model.manager(), into, images -> model.logits(images).softmax(1));
    }
}
