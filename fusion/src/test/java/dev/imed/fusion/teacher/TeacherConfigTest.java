package dev.imed.fusion.teacher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.fusion.net.FusionOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** (A teacher's cache key is the experiments module's {@code StageKey}, tested there.) */
class TeacherConfigTest {
    private final TeacherConfig paper = TeacherConfig.defaults(List.of(Path.of("a"), Path.of("b")), "syn", "mnist5k");

    @Test
    void thePapersTeacherManifestListsNoLaterOption() {
        assertThat(paper.asMap()).doesNotContainKeys("targetLoss", "gateLrScale", "memberDropout", "select");
    }

    @Test
    void anOptionAwayFromThePaperIsRecorded() {
        assertThat(paper.withTargetLoss(TargetLoss.AVERAGE).asMap()).containsEntry("targetLoss", TargetLoss.AVERAGE.id());
        assertThat(paper.withGateLrScale(10f).asMap()).containsEntry("gateLrScale", 10f);
        assertThat(paper.toBuilder().memberDropout(0.2f).build().asMap()).containsEntry("memberDropout", 0.2f);
    }
}
