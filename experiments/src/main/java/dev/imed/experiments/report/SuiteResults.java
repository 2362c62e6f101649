package dev.imed.experiments.report;

import dev.imed.experiments.cost.ModelCost;
import java.util.List;
import java.util.Map;

/**
 * Everything a suite measured, as {@code results.json} keeps it: every run of every model on every task
 * and seed, plus the cost table. The report is computed from this alone.
 *
 * @param suite the preset name
 * @param title the suite's display name
 * @param command the command that made the results
 * @param created ISO-8601 time
 * @param metric the headline metric: {@code accuracy} or {@code meanClassAccuracy}
 * @param perClassAccuracy whether the report shows per-class accuracy
 * @param classNames the classes (shared by all tasks of a suite)
 * @param tasks the tasks, in column order
 * @param seeds the seeds run
 * @param rows the models, in row order
 * @param runs one entry per task, seed and row
 * @param cost parameters, multiply-adds and latency of one component, the teacher and the student
 * @param settings the preset as run (placeholders filled)
 * @param notes remarks worth reading with the numbers (e.g. a backbone that fell back to random init)
 * @param headroom per task and seed, how much room the members leave a fusion (measured with target labels)
 */
public record SuiteResults(String suite, String title, String command, String created, String metric,
                           boolean perClassAccuracy, List<String> classNames, List<TaskInfo> tasks, List<Long> seeds,
                           List<RowInfo> rows, List<RunResult> runs, List<ModelCost> cost, Map<String, Object> settings,
                           List<String> notes, List<HeadroomRun> headroom) {

    public static final String ACCURACY = "accuracy";
    public static final String MEAN_CLASS_ACCURACY = "meanClassAccuracy";

    public SuiteResults {
        classNames = classNames == null ? List.of() : List.copyOf(classNames);
        tasks = tasks == null ? List.of() : List.copyOf(tasks);
        seeds = seeds == null ? List.of() : List.copyOf(seeds);
        rows = rows == null ? List.of() : List.copyOf(rows);
        runs = runs == null ? List.of() : List.copyOf(runs);
        cost = cost == null ? List.of() : List.copyOf(cost);
        settings = settings == null ? Map.of() : settings;
        notes = notes == null ? List.of() : List.copyOf(notes);
        headroom = headroom == null ? List.of() : List.copyOf(headroom);
    }

    /**
     * The members' headroom in one run (see {@code dev.imed.fusion.report.EnsembleHeadroom}): rates in %.
     *
     * @param task the task name
     * @param seed the seed
     * @param oracle images some member gets right
     * @param bestMemberWrongAnotherRight images the most accurate member gets wrong while another gets right
     * @param confidentMinorityRight images a wrong majority outvotes more confident right members
     * @param meanPairwiseDisagreement images two members disagree on, averaged over the pairs
     */
    public record HeadroomRun(String task, long seed, double oracle, double bestMemberWrongAnotherRight,
                              double confidentMinorityRight, double meanPairwiseDisagreement) {}

    /**
     * @param name the column label, e.g. {@code A→W}
     * @param source source domain spec
     * @param target target domain spec
     */
    public record TaskInfo(String name, String source, String target) {}

    /** What a row is, which the findings rely on. */
    public enum RowKind { COMPONENT, AVERAGE, VOTE, TEACHER, STUDENT, STUDENT_SOURCE_ONLY }

    /**
     * @param id stable identifier, e.g. {@code component:cdan+mcc}, {@code teacher}
     * @param label what the table shows
     * @param kind what the row is
     * @param member whether the model is one of the fused components
     */
    public record RowInfo(String id, String label, RowKind kind, boolean member) {}

    /**
     * One model evaluated on one task's target for one seed.
     *
     * @param task the task name
     * @param seed the seed
     * @param row the row id
     * @param accuracy top-1 accuracy (%)
     * @param meanClassAccuracy mean of per-class accuracies (%)
     * @param perClassAccuracy accuracy per class (%), null for a class without images
     * @param confusion counts of (true class, predicted class)
     * @param bundle the bundle evaluated (the teacher's for averaging and vote)
     */
    public record RunResult(String task, long seed, String row, double accuracy, double meanClassAccuracy,
                            Map<String, Double> perClassAccuracy, long[][] confusion, String bundle) {

        /** The value of the headline metric. */
        public double value(String metric) {
            return MEAN_CLASS_ACCURACY.equals(metric) ? meanClassAccuracy : accuracy;
        }
    }

    public RowInfo row(String id) {
        return rows.stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
    }

    public List<RowInfo> rowsOf(RowKind kind) {
        return rows.stream().filter(r -> r.kind() == kind).toList();
    }

    public String metricLabel() {
        return MEAN_CLASS_ACCURACY.equals(metric) ? "mean class accuracy" : "accuracy";
    }
}
