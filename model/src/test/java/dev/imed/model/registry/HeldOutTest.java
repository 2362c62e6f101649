package dev.imed.model.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imed.core.data.DigitDomains;
import dev.imed.core.data.Domain;
import dev.imed.model.student.Student;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code imed distill --publish}'s window: a seeded sample of the target, disjoint from what is trained on. */
class HeldOutTest {
    @Test
    void theWindowIsASeededSampleDisjointFromTraining(@TempDir Path dir) {
        Domain target = DigitDomains.open("uci1797");
        int size = HeldOut.defaultSize(target.size());
        assertThat(size).isEqualTo(179);
        HeldOut.Split split = HeldOut.split(target, size, 0);
        assertThat(split.heldOut().size()).isEqualTo(size);
        assertThat(split.training().size()).isEqualTo(target.size() - size);
        Set<String> held = new HashSet<>();
        for (int i = 0; i < split.heldOut().size(); i++) {
            held.add(split.heldOut().locate(i));
        }
        for (int i = 0; i < split.training().size(); i++) {
            assertThat(held).doesNotContain(split.training().locate(i));
        }
        assertThat(HeldOut.split(target, size, 0).heldOut().locate(7)).as("seeded").isEqualTo(split.heldOut().locate(7));
        assertThat(HeldOut.split(target, size, 1).heldOut().locate(7)).isNotEqualTo(split.heldOut().locate(7));

        try (Student teacher = Student.load(QualityGateTest.student(dir.resolve("t"), 1, -1).dir())) {
            QualityGate.Window window = HeldOut.window(teacher, split.heldOut());
            assertThat(window.size()).isEqualTo(size);
            assertThat(QualityGate.score(teacher, window).agreement()).as("the teacher agrees with itself").isEqualTo(100.0);
        }
        assertThatThrownBy(() -> HeldOut.split(target, 10, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 32");
    }
}
