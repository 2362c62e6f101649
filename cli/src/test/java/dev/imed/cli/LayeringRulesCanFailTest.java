package dev.imed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link LayeringTest}'s rules, run on the real classes plus three deliberate back-edges that live only
 * in this module's tests ({@code dev.imed.deploy.layeringfixture}, {@code dev.imed.core.layeringfixture},
 * {@code dev.imed.fusion.layeringfixture}):
 * a rule that could not fail would pass here too. (That the real classes alone pass is {@link LayeringTest}.)
 */
class LayeringRulesCanFailTest {
    /** Unlike {@link LayeringTest}, test classes are included, so the fixtures are seen. */
    private static final JavaClasses WITH_BACK_EDGES = new ClassFileImporter().importPackages("dev.imed");
    /** Evaluated once: the whole code base is large, and two tests read the layering's violations. */
    private static final List<String> LAYERING_VIOLATIONS = violations(LayeringTest.stagesDependOnlyDownstream);

    @Test
    void theServerReachingIntoTrainingBreaksTheLayering() {
        assertThat(LAYERING_VIOLATIONS)
                .anySatisfy(line -> assertThat(line).contains("ServerReachingIntoTraining").contains("dev.imed.distill.train.DistillConfig"));
    }

    @Test
    void coreReachingUpBreaksTheLayeringAndMakesAModuleCycle() {
        assertThat(LAYERING_VIOLATIONS)
                .anySatisfy(line -> assertThat(line).contains("CoreReachingUp").contains("dev.imed.ensemble.train.ComponentConfig"));
        assertThat(violations(LayeringTest.noModuleCycles)).anySatisfy(line -> assertThat(line).contains("CoreReachingUp"));
    }

    @Test
    void aStageReachingIntoTheExperimentsBreaksTheLayering() {
        assertThat(LAYERING_VIOLATIONS)
                .anySatisfy(line -> assertThat(line).contains("StageReachingIntoExperiments").contains("dev.imed.experiments.task.Task"));
        assertThat(violations(LayeringTest.stagesDoNotDependOnExperiments))
                .anySatisfy(line -> assertThat(line).contains("StageReachingIntoExperiments"));
    }

    private static List<String> violations(ArchRule rule) {
        EvaluationResult result = rule.evaluate(WITH_BACK_EDGES);
        if (!result.hasViolation()) {
            throw new AssertionError("no violation of: " + rule.getDescription());
        }
        return result.getFailureReport().getDetails();
    }
}
