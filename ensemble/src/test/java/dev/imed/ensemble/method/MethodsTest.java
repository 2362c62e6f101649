package dev.imed.ensemble.method;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imed.ensemble.method.alignment.Cdan;
import dev.imed.ensemble.method.alignment.Dann;
import dev.imed.ensemble.method.selftraining.Mcc;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MethodsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
        "dann; dann",
        "cdan; cdan",
        "cdan+e; cdan+e",
        "mcc; mcc",
        "cdan+mcc; cdan,mcc",
        "cdan+e+mcc; cdan+e,mcc",
        "dann+mcc; dann,mcc",
        "source-only; source-only",
        "erm; source-only",
        " CDAN+E ; cdan+e"})
    void parsesNamesAndCompositions(String spec, String expected) {
        List<UdaMethod> methods = Methods.parse(spec);
        assertThat(methods).extracting(UdaMethod::name).containsExactly(expected.split(","));
        assertThat(Methods.canonical(spec)).isEqualTo(expected.replace(',', '+'));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "dann; dev.imed.ensemble.method.alignment.Dann",
        "cdan; dev.imed.ensemble.method.alignment.Cdan",
        "mcc; dev.imed.ensemble.method.selftraining.Mcc",
        "erm; dev.imed.ensemble.method.SourceOnly"})
    void buildsTheRightClasses(String spec, Class<?> type) {
        assertThat(Methods.parse(spec)).singleElement().isInstanceOf(type);
    }

    @Test
    void discoversTheRegisteredMethodsAndBuildsAFreshOneEachTime() {
        assertThat(Methods.names()).contains(SourceOnly.NAME, SourceOnlySharedBn.NAME, Dann.NAME, Cdan.NAME, Cdan.NAME_ENTROPY, Mcc.NAME)
                .isSorted();
        // A method owns its discriminator: two components trained at once must not share one.
        assertThat(Methods.parse("dann").get(0)).isNotSameAs(Methods.parse("dann").get(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mmd", "cdan+", "cdan+x", "+mcc", "dann++mcc"})
    void unknownNamesListTheKnownOnes(String spec) {
        assertThatThrownBy(() -> Methods.parse(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown method")
                .hasMessageContainingAll(SourceOnly.NAME, Dann.NAME, Cdan.NAME, Cdan.NAME_ENTROPY, Mcc.NAME);
    }
}
