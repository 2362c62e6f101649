package dev.imed.fusion.teacher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.fusion.net.FusionOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TeacherConfigTest {
    private final TeacherConfig paper = TeacherConfig.defaults(List.of(Path.of("a"), Path.of("b")), "syn", "mnist5k");

    @Test
    void thePapersTeacherKeepsTheCacheKeyItHadBeforeTheLaterOptions() {
        assertThat(paper.cacheKey()).endsWith(", checkpointEvery=250]")
                .doesNotContain("targetLoss").doesNotContain("options").doesNotContain("gateLrScale");
        assertThat(paper.asMap()).doesNotContainKeys("targetLoss", "gateLrScale");
    }

    @Test
    void everyLeverChangesTheCacheKey() {
        List<TeacherConfig> levers = List.of(paper.withTargetLoss(TargetLoss.AVERAGE), paper.withGateLrScale(10f),
                paper.withOptions(new FusionOptions(true, false)), paper.withSam(true), paper.withWeights(0f, 1f));
        assertThat(levers).extracting(TeacherConfig::cacheKey).doesNotHaveDuplicates().doesNotContain(paper.cacheKey());
        assertThat(paper.withGateLrScale(10f).cacheKey()).contains("gateLrScale=10.0");
    }
}
