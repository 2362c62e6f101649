package dev.imed.experiments.report;

import dev.imed.experiments.report.SuiteResults.RowInfo;
import dev.imed.experiments.report.SuiteResults.RunResult;
import dev.imed.experiments.report.SuiteResults.TaskInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The suite's numbers reduced for tables and charts: for each row, mean ± sd over seeds of a metric on
 * every task, and of its mean over tasks (taken per seed first, so the sd is the spread of whole runs).
 */
public final class ResultsTable {
    private final SuiteResults results;
    private final String metric;

    public ResultsTable(SuiteResults results, String metric) {
        this.results = results;
        this.metric = metric;
    }

    public ResultsTable(SuiteResults results) {
        this(results, results.metric());
    }

    public SuiteResults results() {
        return results;
    }

    /** The metric the cells hold, e.g. {@link SuiteResults#ACCURACY}. */
    public String metric() {
        return metric;
    }

    /** The values of {@code row} on {@code task}, one per seed. */
    public List<Double> values(String row, String task) {
        return results.runs().stream().filter(r -> r.row().equals(row) && r.task().equals(task))
                .map(r -> r.value(metric)).toList();
    }

    public Stats cell(String row, String task) {
        return Stats.of(values(row, task));
    }

    /** Mean over tasks per seed, then mean ± sd over seeds. */
    public Stats mean(String row) {
        return Stats.of(List.copyOf(meanBySeed(row).values()));
    }

    /** Per seed, a row's mean over tasks. */
    public Map<Long, Double> meanBySeed(String row) {
        Map<Long, List<Double>> bySeed = new LinkedHashMap<>();
        for (RunResult r : results.runs()) {
            if (r.row().equals(row)) {
                bySeed.computeIfAbsent(r.seed(), s -> new ArrayList<>()).add(r.value(metric));
            }
        }
        return averages(bySeed);
    }

    /** The fused component with the highest mean, if any. */
    public Optional<RowInfo> bestMember() {
        return results.rows().stream().filter(RowInfo::member)
                .filter(r -> mean(r.id()).n() > 0)
                .max((a, b) -> Double.compare(mean(a.id()).mean(), mean(b.id()).mean()));
    }

    /** The best fused component on one task (by mean over seeds). */
    public Optional<RowInfo> bestMember(String task) {
        return results.rows().stream().filter(RowInfo::member)
                .filter(r -> cell(r.id(), task).n() > 0)
                .max((a, b) -> Double.compare(cell(a.id(), task).mean(), cell(b.id(), task).mean()));
    }

    /** Rows that have at least one run, in order. */
    public List<RowInfo> rowsWithRuns() {
        return results.rows().stream().filter(r -> results.runs().stream().anyMatch(x -> x.row().equals(r.id()))).toList();
    }

    public List<String> taskNames() {
        return results.tasks().stream().map(TaskInfo::name).toList();
    }

    /** Mean ± sd over seeds of a row's accuracy on one class, over every task (pooled per seed). */
    public Stats perClass(String row, String className) {
        return Stats.of(List.copyOf(perClassBySeed(row, className).values()));
    }

    /** Per seed, a row's accuracy on one class averaged over the tasks that measured it. */
    public Map<Long, Double> perClassBySeed(String row, String className) {
        Map<Long, List<Double>> bySeed = new LinkedHashMap<>();
        for (RunResult r : results.runs()) {
            if (r.row().equals(row) && r.perClassAccuracy() != null && r.perClassAccuracy().get(className) != null) {
                bySeed.computeIfAbsent(r.seed(), s -> new ArrayList<>()).add(r.perClassAccuracy().get(className));
            }
        }
        return averages(bySeed);
    }

    private static Map<Long, Double> averages(Map<Long, List<Double>> bySeed) {
        Map<Long, Double> out = new LinkedHashMap<>();
        bySeed.forEach((seed, v) -> out.put(seed, v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN)));
        return out;
    }

    /** The confusion counts of a row on a task, summed over seeds (null when there is none). */
    public long[][] pooledConfusion(String row, String task) {
        long[][] sum = null;
        for (RunResult r : results.runs()) {
            if (r.row().equals(row) && r.task().equals(task) && r.confusion() != null) {
                if (sum == null) {
                    sum = new long[r.confusion().length][r.confusion().length];
                }
                for (int i = 0; i < sum.length; i++) {
                    for (int j = 0; j < sum.length; j++) {
                        sum[i][j] += r.confusion()[i][j];
                    }
                }
            }
        }
        return sum;
    }
}
