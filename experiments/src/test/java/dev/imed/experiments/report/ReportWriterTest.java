package dev.imed.experiments.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.experiments.cost.ModelCost;
import dev.imed.experiments.report.SuiteResults.RowInfo;
import dev.imed.experiments.report.SuiteResults.RowKind;
import dev.imed.experiments.report.SuiteResults.RunResult;
import dev.imed.experiments.report.SuiteResults.TaskInfo;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report from made-up numbers: tables, mean ± sd, findings and charts, without any model. */
class ReportWriterTest {
    static final List<String> CLASSES = List.of("back_pack", "bike", "calculator");
    static final List<RowInfo> ROWS = List.of(
            new RowInfo("component:source-only", "Source only (resnet50)", RowKind.COMPONENT, false),
            new RowInfo("component:cdan+mcc", "CDAN+MCC", RowKind.COMPONENT, true),
            new RowInfo("component:dann+mcc", "DANN+MCC", RowKind.COMPONENT, true),
            new RowInfo("average", "Averaging (2 members)", RowKind.AVERAGE, false),
            new RowInfo("vote", "Majority vote (2 members)", RowKind.VOTE, false),
            new RowInfo("teacher", "IMED teacher", RowKind.TEACHER, false),
            new RowInfo("student", "IMED student (resnet18)", RowKind.STUDENT, false),
            new RowInfo("student-source-only", "Student, source only (resnet18)", RowKind.STUDENT_SOURCE_ONLY, false));
    /** Accuracy of each row on A→W for seeds 0, 1, 2; W→D adds 10 points. */
    static final Map<String, double[]> ACCURACY = Map.of(
            "component:source-only", new double[] {60, 62, 64},
            "component:cdan+mcc", new double[] {80, 81, 82},
            "component:dann+mcc", new double[] {78, 79, 80},
            "average", new double[] {82, 83, 84},
            "vote", new double[] {81, 82, 83},
            "teacher", new double[] {84, 85, 86},
            "student", new double[] {81, 82, 83},
            "student-source-only", new double[] {55, 57, 59});

    static SuiteResults results(boolean perClass, int seeds) {
        List<RunResult> runs = new ArrayList<>();
        for (String task : List.of("A→W", "W→D")) {
            for (int seed = 0; seed < seeds; seed++) {
                for (RowInfo row : ROWS) {
                    double acc = ACCURACY.get(row.id())[seed] + (task.equals("W→D") ? 10 : 0);
                    long correct = Math.round(acc);
                    long[][] confusion = {{correct, 100 - correct, 0}, {5, 90, 5}, {0, 20, 80}};
                    Map<String, Double> perClassAccuracy = new LinkedHashMap<>();
                    perClassAccuracy.put("back_pack", (double) correct);
                    perClassAccuracy.put("bike", 90.0);
                    perClassAccuracy.put("calculator", 80.0);
                    runs.add(new RunResult(task, seed, row.id(), acc, (correct + 170) / 3.0, perClassAccuracy, confusion, "/bundles/x"));
                }
            }
        }
        List<ModelCost> cost = List.of(
                new ModelCost(ModelCost.COMPONENT, "cdan+mcc, resnet50 backbone", 24_000_000, 4_100_000_000L, 80, null),
                new ModelCost(ModelCost.TEACHER, "2 components + imed fusion", 50_000_000, 8_300_000_000L, 170, null),
                new ModelCost(ModelCost.STUDENT, "resnet18 backbone, distilled", 11_300_000, 1_820_000_000L, 30, null));
        return new SuiteResults("office31", "Office-31", "imed evaluate --suite office31", "2025-01-01T00:00:00Z",
                perClass ? SuiteResults.MEAN_CLASS_ACCURACY : SuiteResults.ACCURACY, perClass, CLASSES,
                List.of(new TaskInfo("A→W", "office31:/d/amazon", "office31:/d/webcam"),
                        new TaskInfo("W→D", "office31:/d/webcam", "office31:/d/dslr")),
                java.util.stream.LongStream.range(0, seeds).boxed().toList(), ROWS, runs, cost,
                Map.of("name", "office31"), List.of("a note"), List.of(new SuiteResults.HeadroomRun("A→W", 0, 91.5, 8.25, 1.5, 22.75)));
    }

    @Test
    void markdownHasEveryRowWithMeanAndSd(@TempDir Path dir) throws IOException {
        ReportFiles files = ReportWriter.write(results(false, 3), dir);
        String md = Files.readString(files.markdown());
        assertThat(md).contains("| model | A→W | W→D | mean |");
        // Seeds 0..2 of the teacher: 84, 85, 86 on A→W; 94, 95, 96 on W→D; per-seed means 89, 90, 91.
        assertThat(md).contains("| IMED teacher | 85.0 ± 1.0 | 95.0 ± 1.0 | 90.0 ± 1.0 |");
        assertThat(md).contains("| Source only (resnet50) | 62.0 ± 2.0 | 72.0 ± 2.0 | 67.0 ± 2.0 |");
        assertThat(md).contains("| CDAN+MCC \\* |", "| Averaging (2 members) |", "| Majority vote (2 members) |",
                "| IMED student (resnet18) |", "| Student, source only (resnet18) |");
        assertThat(md.indexOf("| Source only (resnet50)")).isLessThan(md.indexOf("| CDAN+MCC"));
        assertThat(md.indexOf("| IMED teacher |")).isLessThan(md.indexOf("| IMED student (resnet18) |"));
        assertThat(md).contains("## Ensemble headroom (%)", "| A→W | 0 | 91.50 | 8.25 | 1.50 | 22.75 |");
        // The README-facing statements, from the numbers.
        assertThat(md).contains("the IMED teacher reaches 90.0 % mean accuracy: 2.0 points above the averaging ensemble (88.0 %)"
                + " and 4.0 points above the best single component, CDAN+MCC (86.0 %)");
        assertThat(md).contains("The IMED student reaches 87.0 %: 1.0 point below the averaging ensemble, 1.0 point above the best "
                + "single component and 3.0 points below its teacher.");
        assertThat(md).contains("the same student trained on the source alone reaches 62.0 %, +25.0 points");
        assertThat(md).contains("the teacher beats averaging on 2 of 2 tasks");
        assertThat(md).contains("| IMED student | resnet18 backbone, distilled | 11.30 M | 1.82 G | 30.0 ms |");
        assertThat(md).contains("4.4× fewer parameters and 4.6× fewer multiply-adds");
        assertThat(md).contains("](charts/accuracy.png)", "charts/confusion/A-to-W/teacher.png");
        assertThat(Files.readString(files.json())).startsWith("{\n  \"schema\" : \"imed.results/1\",\n  \"kind\" : \"suite\",")
                .contains("\"runs\"", "\"confusion\"", "\"seed\" : 2");
        assertThat(ResultsJson.read(files.json(), ResultsJson.Kind.SUITE)).containsEntry("suite", "office31").containsKeys("runs", "cost");
        for (Path png : allCharts(files)) {
            BufferedImage image = ImageIO.read(png.toFile());
            assertThat(image).as(png.toString()).isNotNull();
            assertThat(image.getWidth()).isBetween(500, 2400);
            assertThat(image.getHeight()).isBetween(400, 2000);
        }
        assertThat(files.confusionCharts().get("W→D")).hasSize(ROWS.size());
    }

    @Test
    void oneSeedPrintsNoSpreadAndSaysSo(@TempDir Path dir) throws IOException {
        String md = Files.readString(ReportWriter.write(results(false, 1), dir).markdown());
        assertThat(md).contains("| IMED teacher | 84.0 | 94.0 | 89.0 |").doesNotContain("±");
        assertThat(md).contains("With a single seed");
    }

    @Test
    void perClassSuiteRanksByMeanClassAccuracyAndAddsTheClassTable(@TempDir Path dir) throws IOException {
        ReportFiles files = ReportWriter.write(results(true, 3), dir);
        String md = Files.readString(files.markdown());
        assertThat(md).contains("## Mean class accuracy (%)", "## Accuracy (%)", "## Per-class accuracy (%)",
                "| model | back_pack | bike | calculator | mean class |");
        assertThat(md).contains("mean class accuracy");
        assertThat(files.perClassChart()).exists();
        assertThat(ImageIO.read(files.perClassChart().toFile())).isNotNull();
    }

    /** With -Dimed.report.view=DIR, writes the sample reports there to look at. */
    @Test
    void writesSampleReportsWhenAsked() {
        String view = System.getProperty("imed.report.view");
        if (view != null) {
            ReportWriter.write(results(false, 3), Path.of(view, "office31"));
            ReportWriter.write(results(true, 3), Path.of(view, "visda"));
            ReportWriter.write(results(false, 1), Path.of(view, "one-seed"));
            List<String> classes = java.util.stream.IntStream.range(0, 65).mapToObj(i -> "Class_name_" + i).toList();
            long[][] counts = new long[65][65];
            for (int i = 0; i < 65; i++) {
                counts[i][i] = 20 + i % 7;
                counts[i][(i * 7) % 65] += 5;
            }
            Charts.confusion(Path.of(view, "confusion65.png"), "IMED teacher · Ar→Cl", "65 classes", classes, counts);
        }
    }

    static List<Path> allCharts(ReportFiles files) {
        List<Path> charts = new ArrayList<>(List.of(files.accuracyChart()));
        if (files.perClassChart() != null) {
            charts.add(files.perClassChart());
        }
        files.confusionCharts().values().forEach(m -> charts.addAll(m.values()));
        return charts;
    }
}
