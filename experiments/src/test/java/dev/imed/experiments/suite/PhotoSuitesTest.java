package dev.imed.experiments.suite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.core.testing.MiniTrees;
import dev.imed.experiments.cost.CostMeter;
import dev.imed.experiments.report.ReportFiles;
import dev.imed.experiments.report.SuiteResults;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The photo presets end to end on miniature dataset trees, with the tiny TorchScript fixture as every
 * backbone and a few iterations per stage: the pipeline must run and write the whole report (accuracy
 * is not the point here), and a second run must reuse every bundle.
 */
class PhotoSuitesTest {
    @TempDir
    static Path dir;
    static Path backbone;

    @BeforeAll
    static void fixture() throws URISyntaxException {
        backbone = Path.of(PhotoSuitesTest.class.getResource("/fixtures/tiny_backbone.pt").toURI());
    }

    /** The preset with budgets cut to a few steps of 4 + 4 images and one seed. */
    static SuitePreset tiny(String name, String task) {
        return SuitePresets.builtIn(name).withIterations(3, 3, 3).withBatchSize(4).withSeeds(1).selectTasks(List.of(task));
    }

    static SuiteRunner.Options options(Path root, String name, PrintStream log) {
        return new SuiteRunner.Options(dir.resolve(name + "-work"), dir.resolve(name + "-report"),
                new SuiteInputs(root, backbone, backbone), "imed evaluate --suite " + name, log, new CostMeter.Settings(1, 3));
    }

    @Test
    void office31RunsEndToEndThenResumesWithoutRetraining() throws IOException {
        Path root = MiniTrees.office31(dir.resolve("office31"), List.of("amazon", "dslr", "webcam"), MiniTrees.OFFICE31_CLASSES, 4);
        SuitePreset preset = tiny("office31", "W->D");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        SuiteSummary first = SuiteRunner.run(preset, options(root, "office31", new PrintStream(log, true, StandardCharsets.UTF_8)));

        // 3 members + 2 baselines, teacher, student, source-only student, evaluation.
        assertThat(first.stages()).hasSize(9);
        assertThat(first.trained()).isEqualTo(9);
        assertThat(first.reused()).isZero();
        String progress = log.toString(StandardCharsets.UTF_8);
        assertThat(progress).contains("1/9 component cdan+mcc · W→D · seed 0", "9/9 evaluation · W→D · seed 0", "ETA");
        assertCompleteReport(first.report(), first.results(), 1);
        String md = Files.readString(first.report().markdown());
        assertThat(md).contains("| model | W→D |", "| Source only (TorchScript tiny_backbone.pt) |", "| CDAN+MCC \\* |",
                "| CDAN+E |", "| Averaging (3 members) |", "| IMED teacher |", "| IMED student (TorchScript tiny_backbone.pt) |",
                "| Student, source only (TorchScript tiny_backbone.pt) |");
        assertThat(md).contains("## Cost", "| one component |", "| IMED teacher |", "n/a");
        assertThat(first.studentBundles()).singleElement().satisfies(p -> assertThat(p.resolve("manifest.json")).exists());

        Map<Path, FileTime> written = new LinkedHashMap<>();
        for (StageRecord r : first.stages()) {
            written.put(r.output(), Files.getLastModifiedTime(r.output()));
        }
        SuiteSummary second = SuiteRunner.run(preset, options(root, "office31", null));
        assertThat(second.trained()).isZero();
        assertThat(second.reused()).isEqualTo(9);
        for (StageRecord r : second.stages()) {
            assertThat(Files.getLastModifiedTime(r.output())).as(r.output().toString()).isEqualTo(written.get(r.output()));
        }
        assertThat(second.results().runs()).extracting(SuiteResults.RunResult::accuracy)
                .containsExactlyElementsOf(first.results().runs().stream().map(SuiteResults.RunResult::accuracy).toList());

        // A run killed before its student was written: the student trains again (and the evaluation, if its
        // weights came out different), nothing before it does.
        dev.imed.core.bundle.AtomicFiles.deleteRecursively(first.studentBundles().get(0));
        SuiteSummary third = SuiteRunner.run(preset, options(root, "office31", null));
        assertThat(third.stages()).filteredOn(r -> !r.reused()).extracting(r -> r.stage().kind())
                .contains(StageKind.STUDENT).doesNotContain(StageKind.COMPONENT, StageKind.TEACHER, StageKind.SOURCE_ONLY_STUDENT);
    }

    /**
     * Office-31's real class count: 256 · 31 > 4096, so the CDAN members' conditional map and the fusion's
     * multilinear maps take their randomized path, end to end through teacher, student and report.
     */
    @Test
    void office31WithItsThirtyOneClassesTakesTheRandomizedMaps() throws IOException {
        List<String> classes = java.util.stream.IntStream.range(0, 31).mapToObj(i -> String.format("class_%02d", i)).toList();
        assertThat(dev.imed.ensemble.method.alignment.MultilinearMap.usesRandomized(
                dev.imed.model.net.ComponentNet.BOTTLENECK, classes.size())).isTrue();
        Path root = MiniTrees.office31(dir.resolve("office31-full"), List.of("amazon", "webcam"), classes, 1);
        SuiteSummary summary = SuiteRunner.run(tiny("office31", "A->W"), options(root, "office31-full", null));
        assertCompleteReport(summary.report(), summary.results(), 1);
        assertThat(summary.results().runs()).allSatisfy(r -> assertThat(r.accuracy()).isBetween(0.0, 100.0));
        assertThat(Files.readString(summary.report().markdown())).contains("| model | A→W |", "| IMED teacher |");
    }

    @Test
    void officeHomeRunsOneOfItsTwelveTasks() throws IOException {
        Path root = MiniTrees.officeHome(dir.resolve("officehome"), List.of("Art", "Clipart", "Product", "Real_World"),
                MiniTrees.OFFICE_HOME_CLASSES, 4);
        SuitePreset all = SuitePresets.builtIn("officehome");
        assertThat(SuiteRunner.plan(all, new SuiteInputs(root, backbone, backbone))).hasSize(12 * 3 * 9);
        SuiteSummary summary = SuiteRunner.run(tiny("officehome", "Cl->Pr"), options(root, "officehome", null));
        assertCompleteReport(summary.report(), summary.results(), 1);
        assertThat(summary.results().tasks()).singleElement().satisfies(t -> assertThat(t.name()).isEqualTo("Cl→Pr"));
        assertThat(Files.readString(summary.report().markdown())).contains("| model | Cl→Pr |").doesNotContain("Per-class");
    }

    @Test
    void visdaReportsPerClassAndMeanClassAccuracy() throws IOException {
        Path root = MiniTrees.visda(dir.resolve("visda"), MiniTrees.VISDA_CLASSES, 4);
        SuiteSummary summary = SuiteRunner.run(tiny("visda", "1"), options(root, "visda", null));
        ReportFiles report = summary.report();
        assertCompleteReport(report, summary.results(), 1);
        assertThat(report.perClassChart()).isNotNull();
        String md = Files.readString(report.markdown());
        assertThat(md).contains("## Mean class accuracy (%)", "## Per-class accuracy (%)",
                "| model | aeroplane | bicycle | bus | mean class |");
        assertThat(summary.results().metric()).isEqualTo(SuiteResults.MEAN_CLASS_ACCURACY);
        assertThat(summary.results().runs()).allSatisfy(r -> assertThat(r.perClassAccuracy()).containsOnlyKeys(MiniTrees.VISDA_CLASSES));
    }

    static void assertCompleteReport(ReportFiles report, SuiteResults results, int seeds) throws IOException {
        assertThat(report.json()).exists();
        assertThat(report.markdown()).exists();
        assertThat(Files.readString(report.json())).contains("\"runs\"", "\"cost\"", "\"confusion\"");
        // 5 components, averaging, vote, entropy-weighted averaging, teacher, student, source-only student.
        assertThat(results.rows()).hasSize(11);
        assertThat(results.runs()).hasSize(11 * seeds * results.tasks().size());
        // The members' headroom of every run, in the results and the report.
        assertThat(results.headroom()).hasSize(seeds * results.tasks().size())
                .allSatisfy(h -> assertThat(h.oracle()).isBetween(0.0, 100.0));
        assertThat(Files.readString(report.markdown())).contains("## Ensemble headroom (%)", "Entropy-weighted averaging (3 members)");
        assertThat(results.cost()).hasSize(3).allSatisfy(c -> {
            assertThat(c.parameters()).isPositive();
            assertThat(c.latencyMs()).isPositive();
        });
        List<Path> charts = new ArrayList<>(List.of(report.accuracyChart()));
        if (report.perClassChart() != null) {
            charts.add(report.perClassChart());
        }
        report.confusionCharts().values().forEach(m -> charts.addAll(m.values()));
        assertThat(charts).hasSize(1 + (report.perClassChart() != null ? 1 : 0) + 11 * results.tasks().size());
        for (Path png : charts) {
            BufferedImage image = ImageIO.read(png.toFile());
            assertThat(image).as(png.toString()).isNotNull();
            assertThat(image.getWidth()).isGreaterThanOrEqualTo(500);
            assertThat(image.getHeight()).isGreaterThanOrEqualTo(400);
        }
        String md = Files.readString(report.markdown());
        for (Path png : charts) {
            assertThat(md).contains(report.relative(png));
        }
    }
}
