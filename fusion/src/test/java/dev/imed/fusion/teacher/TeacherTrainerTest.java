package dev.imed.fusion.teacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imed.core.bundle.Bundle;
import dev.imed.core.bundle.BundleException;
import dev.imed.core.data.DigitDomains;
import dev.imed.core.data.InMemoryDomain;
import dev.imed.ensemble.train.ComponentConfig;
import dev.imed.ensemble.train.ComponentTrainer;
import dev.imed.fusion.net.FusionKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TeacherTrainerTest {
    @TempDir
    static Path dir;
    static InMemoryDomain source;
    static InMemoryDomain target;
    static List<Path> components = new ArrayList<>();

    @BeforeAll
    static void trainComponents() {
        source = DigitDomains.open("syn:1000:3");
        target = DigitDomains.open("mnist5k").subset("mnist5k-1000", IntStream.range(0, 5000).filter(i -> i % 5 == 0).toArray());
        for (String method : List.of("dann", "mcc", "source-only")) {
            ComponentConfig config = ComponentConfig.digits(method, "syn", "mnist5k").withIterations(60);
            components.add(ComponentTrainer.train(config, source, target, dir.resolve(method)).dir());
        }
    }

    @Test
    void imedTeacherTrainsReloadsAndReportsGates() {
        TeacherConfig config = TeacherConfig.defaults(components, "syn", "mnist5k").withIterations(40);
        Bundle bundle = TeacherTrainer.train(config, source, target, dir.resolve("teacher"));
        System.out.println(bundle.manifest().metrics());
        assertThat(bundle.manifest().lineage()).containsKeys("component0", "component1", "component2");
        @SuppressWarnings("unchecked")
        Map<String, Object> metrics = (Map<String, Object>) bundle.manifest().metrics().get("target");
        assertThat((Double) metrics.get("accuracy")).isGreaterThan(20.0);
        assertThat(metrics).containsKeys("componentAccuracy", "averageAccuracy", "agreementWithComponents", "gates");
        try (Teacher teacher = Teacher.load(bundle.dir())) {
            assertThat(teacher.kind()).isEqualTo(FusionKind.IMED);
        }
    }

    @Test
    void teacherRefusesDifferentComponents() {
        Bundle bundle = TeacherTrainer.train(TeacherConfig.defaults(components, "syn", "mnist5k").withFusion(FusionKind.AVERAGE),
                source, target, dir.resolve("average"));
        List<Path> swapped = List.of(components.get(1), components.get(0), components.get(2));
        assertThatThrownBy(() -> Teacher.load(bundle.dir(), swapped))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("component 0")
                .hasMessageContaining("sha256");
    }
}
