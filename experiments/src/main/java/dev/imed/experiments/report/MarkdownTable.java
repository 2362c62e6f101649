package dev.imed.experiments.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one markdown table every report prints its numbers in: rows (models, methods) by columns (tasks,
 * classes), each cell the mean ± sd over seeds, and a last column of the mean over the columns, taken per
 * seed first (so its sd is the spread of whole runs) over the seeds that have a value in every column.
 * Rows and columns keep the order they were first named in; a cell with no value prints {@code –}, and one
 * whose runs diverged (NaN) {@code diverged}.
 */
public final class MarkdownTable {
    private final String rowHeader;
    private final Set<String> columns = new LinkedHashSet<>();
    /** Row → column → seed → value. */
    private final Map<String, Map<String, Map<Long, Double>>> values = new LinkedHashMap<>();
    private final Set<String> boldRows = new LinkedHashSet<>();
    private Boolean meanColumn;

    private MarkdownTable(String rowHeader) {
        this.rowHeader = rowHeader;
    }

    /** An empty table whose first column is headed {@code rowHeader}, e.g. {@code model}. */
    public static MarkdownTable withRowHeader(String rowHeader) {
        return new MarkdownTable(rowHeader);
    }

    /** Names a column (in order) before any value is added to it. */
    public MarkdownTable column(String column) {
        columns.add(column);
        return this;
    }

    /** Names a row (in order) before any value is added to it; a row without values is still printed. */
    public MarkdownTable row(String row) {
        values.computeIfAbsent(row, r -> new LinkedHashMap<>());
        return this;
    }

    /** One run's value: {@code row} on {@code column} with {@code seed}. */
    public MarkdownTable add(String row, String column, long seed, double value) {
        columns.add(column);
        values.computeIfAbsent(row, r -> new LinkedHashMap<>()).computeIfAbsent(column, c -> new LinkedHashMap<>()).put(seed, value);
        return this;
    }

    /** Prints {@code row}'s label in bold (the row a reader should look at first). */
    public MarkdownTable bold(String row) {
        boldRows.add(row);
        return this;
    }

    /** Whether to print the mean column; by default only with more than one column (with one it would repeat it). */
    public MarkdownTable meanColumn(boolean shown) {
        meanColumn = shown;
        return this;
    }

    /** The mean ± sd over seeds of one cell. */
    public Stats cell(String row, String column) {
        return Stats.of(List.copyOf(values.getOrDefault(row, Map.of()).getOrDefault(column, Map.of()).values()));
    }

    /** Per seed the mean over every column, then mean ± sd over the seeds that have a value in every column. */
    public Stats mean(String row) {
        Map<String, Map<Long, Double>> byColumn = values.getOrDefault(row, Map.of());
        Set<Long> seeds = new LinkedHashSet<>();
        byColumn.values().forEach(bySeed -> seeds.addAll(bySeed.keySet()));
        List<Double> perSeed = new ArrayList<>();
        for (long seed : seeds) {
            if (columns.stream().allMatch(c -> byColumn.getOrDefault(c, Map.of()).containsKey(seed))) {
                perSeed.add(columns.stream().mapToDouble(c -> byColumn.get(c).get(seed)).average().orElse(Double.NaN));
            }
        }
        return Stats.of(perSeed);
    }

    public String render() {
        boolean withMean = meanColumn != null ? meanColumn : columns.size() > 1;
        StringBuilder md = new StringBuilder("| ").append(rowHeader).append(" |");
        columns.forEach(c -> md.append(' ').append(c).append(" |"));
        md.append(withMean ? " mean |\n|---|" : "\n|---|");
        columns.forEach(c -> md.append("---:|"));
        md.append(withMean ? "---:|\n" : "\n");
        for (String row : values.keySet()) {
            md.append("| ").append(boldRows.contains(row) ? "**" + row + "**" : row).append(" |");
            for (String column : columns) {
                md.append(' ').append(cell(row, column).format()).append(" |");
            }
            md.append(withMean ? " " + mean(row).format() + " |\n" : "\n");
        }
        return md.toString();
    }

    @Override
    public String toString() {
        return render();
    }
}
