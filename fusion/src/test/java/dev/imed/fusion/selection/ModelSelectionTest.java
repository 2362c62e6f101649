package dev.imed.fusion.selection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.imed.core.data.DigitDomains;
import dev.imed.core.data.InMemoryDomain;
import dev.imed.core.model.Classifier;
import dev.imed.core.transform.InputSpec;
import dev.imed.ensemble.component.Component;
import dev.imed.ensemble.train.ComponentConfig;
import dev.imed.ensemble.train.ComponentTrainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Choosing among trained models without target labels, on real components. */
class ModelSelectionTest {
    @TempDir
    static Path dir;
    static InMemoryDomain target;
    static final List<Supplier<Classifier>> models = new ArrayList<>();

    @BeforeAll
    static void trainTwoDifferentModels() {
        InMemoryDomain source = DigitDomains.open("syn:300:3");
        target = DigitDomains.open("mnist5k").subset("mnist5k-250", IntStream.range(0, 5000).filter(i -> i % 20 == 0).toArray());
        for (String method : List.of("mcc", "source-only")) {
            ComponentConfig config = ComponentConfig.digits(method, "syn", "mnist5k").withIterations(15).withBatchSize(16);
            Path bundle = ComponentTrainer.train(config, source, target, dir.resolve(method)).dir();
            models.add(() -> Component.load(bundle));
        }
    }

    /** A model that counts how many models are open at once. */
    record Counted(Classifier model, AtomicInteger open, AtomicInteger mostOpen) implements Classifier {
        static Supplier<Classifier> opening(Supplier<Classifier> model, AtomicInteger open, AtomicInteger mostOpen) {
            return () -> {
                mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                return new Counted(model.get(), open, mostOpen);
            };
        }

        public List<String> classNames() { return model.classNames(); }
        public InputSpec inputSpec() { return model.inputSpec(); }
        public NDManager manager() { return model.manager(); }
        public NDArray logits(NDArray images) { return model.logits(images); }
        public void close() {
            model.close();
            open.decrementAndGet();
        }
    }

    @Test
    void ensvScoresAgreementWithTheCandidatesConsensus() {
        // Two copies of one model are their own consensus: each agrees on every image, and the tie goes to the later.
        ModelSelection twins = ModelSelection.choose(SelectionCriterion.ENSV, List.of(models.get(0), models.get(0)), target);
        assertThat(twins.scores()).containsExactly(1.0, 1.0);
        assertThat(twins.selected()).isEqualTo(1);
        // A different model cannot agree with a consensus it does not make alone, and copies score alike.
        ModelSelection mixed = ModelSelection.choose(SelectionCriterion.ENSV, List.of(models.get(0), models.get(1), models.get(0)), target);
        assertThat(mixed.scores()[0]).isEqualTo(mixed.scores()[2]);
        assertThat(mixed.scores()[0] + mixed.scores()[1]).isLessThan(2.0);
    }

    @Test
    void theChoiceIgnoresTargetLabels() {
        int[] permuted = IntStream.range(0, target.size()).map(i -> target.label((i * 37 + 11) % target.size())).toArray();
        byte[][] pixels = IntStream.range(0, target.size()).mapToObj(target::gray).toArray(byte[][]::new);
        InMemoryDomain relabelled = new InMemoryDomain(target.name(), target.classNames(), target.side(), pixels, permuted);
        for (SelectionCriterion criterion : SelectionCriterion.values()) {
            ModelSelection labelled = ModelSelection.choose(criterion, models, target);
            ModelSelection shuffled = ModelSelection.choose(criterion, models, relabelled);
            assertThat(shuffled.scores()).containsExactly(labelled.scores());
            assertThat(shuffled.selected()).isEqualTo(labelled.selected());
        }
    }

    @Test
    void holdsOneModelAtATimeAndClosesEveryOne() {
        AtomicInteger open = new AtomicInteger();
        AtomicInteger mostOpen = new AtomicInteger();
        List<Supplier<Classifier>> counted = List.of(Counted.opening(models.get(0), open, mostOpen),
                Counted.opening(models.get(1), open, mostOpen), Counted.opening(models.get(0), open, mostOpen));
        ModelSelection choice = ModelSelection.choose(SelectionCriterion.ENSV, counted, target);
        assertThat(choice.scores()).hasSize(3);
        assertThat(mostOpen.get()).isEqualTo(1);
        assertThat(open.get()).isZero();
    }

    @Test
    void refusesAnEmptyChoice() {
        assertThatThrownBy(() -> ModelSelection.choose(SelectionCriterion.ENSV, List.of(), target))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no models");
    }
}
