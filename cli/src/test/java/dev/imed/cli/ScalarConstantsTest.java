package dev.imed.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.imed.core.tensor.Scalars;
import org.junit.jupiter.api.Test;

/**
 * No imed code multiplies, divides, or takes a maximum, minimum or power with a Java number through DJL's
 * {@link NDArray} methods: {@link Scalars} makes those constants. DJL's PyTorch engine frees such a constant's buffer
 * when the operation returns, and autograd's backward may then read reused memory (a wrongly scaled gradient, now and
 * then; {@code ScalarsTest}). Code that autograd never records (an optimizer, a selection criterion) is held to the
 * same rule, so that nobody has to judge which code backward reaches, and a new method's loss cannot slip through.
 */
class ScalarConstantsTest {
    static final ArchRule CONSTANTS_COME_FROM_SCALARS = noClasses().that().doNotHaveFullyQualifiedName(Scalars.class.getName())
            .should().callMethod(NDArray.class, "mul", Number.class)
            .orShould().callMethod(NDArray.class, "div", Number.class)
            .orShould().callMethod(NDArray.class, "maximum", Number.class)
            .orShould().callMethod(NDArray.class, "minimum", Number.class)
            .orShould().callMethod(NDArray.class, "pow", Number.class)
            .because("DJL frees a Java number's tensor before backward reads it; use dev.imed.core.tensor.Scalars");

    @Test
    void noCodeHandsAJavaNumberToBackward() {
        JavaClasses main = new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests()).importPackages("dev.imed");
        CONSTANTS_COME_FROM_SCALARS.check(main);
    }

    /** The rule can fail: with the test classes included it finds the fixture's {@code loss.mul(0.5f)}. */
    @Test
    void aLossWeightedByAJavaNumberBreaksTheRule() {
        JavaClasses withFixture = new ClassFileImporter().importPackages("dev.imed.ensemble.scalarsfixture");
        EvaluationResult result = CONSTANTS_COME_FROM_SCALARS.evaluate(withFixture);
        assertThat(result.getFailureReport().getDetails())
                .anySatisfy(line -> assertThat(line).contains("LossWithAJavaNumber.weighted").contains("NDArray.mul(java.lang.Number)"));
    }
}
