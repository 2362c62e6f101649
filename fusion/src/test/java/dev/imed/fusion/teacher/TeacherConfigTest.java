package dev.imed.fusion.teacher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.fusion.net.FusionOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TeacherConfigTest {
    private final TeacherConfig paper = TeacherConfig.defaults(List.of(Path.of("a"), Path.of("b")), "syn", "mnist5k");

    /** The keys cached runs were stored under before the builder: these literals must never change. */
    private static final String PAPER_KEY = "TeacherConfig[components=[a, b], source=syn, target=mnist5k, fusion=IMED, layers=2, "
            + "iterations=1000, batchSize=32, lr=0.01, lrGamma=0.001, momentum=0.9, weightDecay=5.0E-4, mccWeight=1.0, "
            + "adversarialWeight=1.0, sam=false, samRho=0.05, seed=0, checkpointEvery=250]";

    @Test
    void thePapersTeacherKeepsTheCacheKeyItHadBeforeTheLaterOptions() {
        assertThat(paper.cacheKey()).isEqualTo(PAPER_KEY);
        assertThat(paper.asMap()).doesNotContainKeys("targetLoss", "gateLrScale");
    }

    @Test
    void theEarlierLeversKeepTheirCacheKeysToo() {
        String stem = PAPER_KEY.substring(0, PAPER_KEY.length() - 1);
        assertThat(paper.withGateLrScale(10f).cacheKey()).isEqualTo(stem + ", targetLoss=MCC, options=paper, gateLrScale=10.0]");
        assertThat(paper.withTargetLoss(TargetLoss.AVERAGE).cacheKey()).isEqualTo(stem + ", targetLoss=AVERAGE, options=paper]");
        assertThat(paper.withOptions(new FusionOptions(true, false)).cacheKey())
                .isEqualTo(stem + ", targetLoss=MCC, options=[normalizeFeatures]]");
    }

    @Test
    void everyLeverChangesTheCacheKey() {
        List<TeacherConfig> levers = List.of(paper.withTargetLoss(TargetLoss.AVERAGE), paper.withGateLrScale(10f),
                paper.withOptions(new FusionOptions(true, false)), paper.withSam(true), paper.withWeights(0f, 1f));
        assertThat(levers).extracting(TeacherConfig::cacheKey).doesNotHaveDuplicates().doesNotContain(paper.cacheKey());
        assertThat(paper.withGateLrScale(10f).cacheKey()).contains("gateLrScale=10.0");
    }
}
