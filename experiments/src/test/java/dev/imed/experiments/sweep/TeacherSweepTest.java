package dev.imed.experiments.sweep;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imed.ensemble.train.DivergedException;
import dev.imed.fusion.teacher.TeacherConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TeacherSweepTest {
    @TempDir
    Path work;

    @Test
    void aTeacherThatDivergedOnceIsNotTrainedAgain() throws Exception {
        // Members that do not exist: training would fail on them, so only the remembered divergence can answer.
        TeacherConfig config = TeacherConfig.defaults(List.of(work.resolve("no-member")), "syn", "mnist5k");
        Path dir = TeacherSweep.bundleDir(work, config);
        Files.writeString(dir.resolveSibling(dir.getFileName() + ".diverged"), "teacher imed syn→mnist5k: diverged at iteration 59\n");
        assertThatThrownBy(() -> TeacherSweep.trainOrReuse(work, config)).isInstanceOf(DivergedException.class)
                .hasMessage("teacher imed syn→mnist5k: diverged at iteration 59");
    }
}
