package dev.imed.experiments.report;

import dev.imed.experiments.cost.ModelCost;
import dev.imed.experiments.report.SuiteResults.RowInfo;
import dev.imed.experiments.report.SuiteResults.RowKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The report's plain statements, generated from the numbers: how the IMED teacher and student compare
 * with the averaging ensemble and with the best single component, what distillation adds over training
 * the student on the source alone, and what the student saves.
 */
public final class Findings {
    private Findings() {}

    public static List<String> of(SuiteResults results) {
        ResultsTable table = new ResultsTable(results);
        List<String> out = new ArrayList<>();
        Optional<RowInfo> teacher = first(results, RowKind.TEACHER);
        Optional<RowInfo> student = first(results, RowKind.STUDENT);
        Optional<RowInfo> average = first(results, RowKind.AVERAGE);
        Optional<RowInfo> sourceOnlyStudent = first(results, RowKind.STUDENT_SOURCE_ONLY);
        Optional<RowInfo> best = table.bestMember();
        if (teacher.isEmpty() || student.isEmpty() || average.isEmpty() || best.isEmpty()) {
            out.add("Not every model has results yet, so no comparison is drawn.");
            return out;
        }
        int tasks = results.tasks().size();
        int seeds = results.seeds().size();
        String metric = results.metricLabel();
        Stats t = table.mean(teacher.get().id());
        Stats s = table.mean(student.get().id());
        Stats a = table.mean(average.get().id());
        Stats b = table.mean(best.get().id());
        String scope = tasks == 1
                ? String.format(Locale.ROOT, "On %s (%s)", results.tasks().get(0).name(), seedsText(seeds))
                : String.format(Locale.ROOT, "Over the %d tasks (%s)", tasks, seedsText(seeds));
        out.add(String.format(Locale.ROOT,
                "%s, the IMED teacher reaches %s %% %s: %s the averaging ensemble (%s %%) and %s the best single component, %s (%s %%).",
                // VisDA's metric is already a mean ("mean class accuracy"): no "mean mean".
                scope, pct(t), metric.startsWith("mean ") ? metric : "mean " + metric, compare(t, a), pct(a), compare(t, b), best.get().label(), pct(b)));
        out.add(String.format(Locale.ROOT,
                "The IMED student reaches %s %%: %s the averaging ensemble, %s the best single component and %s its teacher.",
                pct(s), compare(s, a), compare(s, b), compare(s, t)));
        if (sourceOnlyStudent.isPresent() && table.mean(sourceOnlyStudent.get().id()).n() > 0) {
            Stats so = table.mean(sourceOnlyStudent.get().id());
            double gain = s.mean() - so.mean();
            out.add(String.format(Locale.ROOT,
                    "Distillation %s: the same student trained on the source alone reaches %s %%, %s.",
                    gain >= 0 ? "pays" : "does not pay here", pct(so), signedPoints(gain)));
        }
        if (tasks > 1) {
            out.add(String.format(Locale.ROOT,
                    "Task by task, the teacher beats averaging on %d of %d tasks and the best component on %d; "
                            + "the student beats averaging on %d and the best component on %d.",
                    wins(table, teacher.get().id(), average.get().id()), tasks, winsOverBest(table, teacher.get().id()),
                    wins(table, student.get().id(), average.get().id()), winsOverBest(table, student.get().id())));
        }
        costSentence(results.cost()).ifPresent(out::add);
        if (seeds == 1) {
            out.add("With a single seed there is no spread to judge by: treat differences of a point or two as noise.");
        }
        return out;
    }

    private static Optional<RowInfo> first(SuiteResults results, RowKind kind) {
        return results.rowsOf(kind).stream().findFirst();
    }

    private static String seedsText(int seeds) {
        return seeds == 1 ? "1 seed" : seeds + " seeds";
    }

    private static String pct(Stats s) {
        return String.format(Locale.ROOT, "%.1f", s.mean());
    }

    /** "1.2 points above", "0.4 points below" or "level with", followed by what is compared with. */
    static String compare(Stats x, Stats y) {
        double d = x.mean() - y.mean();
        if (Math.abs(d) < 0.05) {
            return "level with";
        }
        return String.format(Locale.ROOT, "%.1f point%s %s", Math.abs(d), Math.abs(d) >= 0.95 && Math.abs(d) < 1.05 ? "" : "s",
                d > 0 ? "above" : "below");
    }

    private static String signedPoints(double d) {
        return String.format(Locale.ROOT, "%s%.1f points for the distilled one", d >= 0 ? "+" : "−", Math.abs(d));
    }

    private static int wins(ResultsTable table, String row, String other) {
        int n = 0;
        for (String task : table.taskNames()) {
            if (table.cell(row, task).mean() > table.cell(other, task).mean()) {
                n++;
            }
        }
        return n;
    }

    private static int winsOverBest(ResultsTable table, String row) {
        int n = 0;
        for (String task : table.taskNames()) {
            Optional<RowInfo> best = table.bestMember(task);
            if (best.isPresent() && table.cell(row, task).mean() > table.cell(best.get().id(), task).mean()) {
                n++;
            }
        }
        return n;
    }

    private static Optional<String> costSentence(List<ModelCost> cost) {
        Optional<ModelCost> teacher = cost.stream().filter(c -> c.model().equals(ModelCost.TEACHER)).findFirst();
        Optional<ModelCost> student = cost.stream().filter(c -> c.model().equals(ModelCost.STUDENT)).findFirst();
        if (teacher.isEmpty() || student.isEmpty() || student.get().parameters() == 0) {
            return Optional.empty();
        }
        ModelCost tc = teacher.get();
        ModelCost sc = student.get();
        List<String> parts = new ArrayList<>();
        parts.add(ratio(tc.parameters(), sc.parameters()) + " fewer parameters");
        if (tc.multiplyAdds() != null && sc.multiplyAdds() != null && sc.multiplyAdds() > 0) {
            parts.add(ratio(tc.multiplyAdds(), sc.multiplyAdds()) + " fewer multiply-adds per image");
        }
        String latency = sc.latencyMs() > 0 && tc.latencyMs() > 0
                ? String.format(Locale.ROOT, " and answers in %.1f ms instead of %.1f ms per image on this CPU", sc.latencyMs(), tc.latencyMs())
                : "";
        return Optional.of("The student has " + String.join(" and ", parts) + " than the teacher" + latency + ".");
    }

    private static String ratio(double big, double small) {
        double r = big / small;
        return r >= 10 ? String.format(Locale.ROOT, "%.0f×", r) : String.format(Locale.ROOT, "%.1f×", r);
    }
}
