package dev.imed.experiments.sweep;

import dev.imed.core.bundle.AtomicFiles;
import dev.imed.core.data.Domain;
import dev.imed.core.data.Domains;
import dev.imed.ensemble.train.ComponentConfig;
import dev.imed.experiments.report.ResultsJson;
import dev.imed.experiments.task.Task;
import dev.imed.fusion.net.FusionKind;
import dev.imed.fusion.selection.ModelSelection;
import dev.imed.fusion.selection.SelectionCriterion;
import dev.imed.fusion.teacher.Teacher;
import dev.imed.fusion.teacher.TeacherConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The IMED teacher under several lever settings, per task, ensemble and seed, and a choice among the settings
 * made without target labels: each setting's teacher (itself the iterate its own criterion kept) predicts the
 * unlabelled target, and {@link ModelSelection} keeps one. Target labels only score what was chosen, beside
 * the final and oracle iterates, averaging and the best member.
 */
public final class LeverSweep {
    private LeverSweep() {}

    /** A named change to the teacher's configuration: {@code paper} (none) or {@code LEVER=VALUE}. */
    public record Setting(String name, UnaryOperator<TeacherConfig> change) {
        private static final Map<String, Function<Float, UnaryOperator<TeacherConfig>>> LEVERS = levers();

        private static Map<String, Function<Float, UnaryOperator<TeacherConfig>>> levers() {
            Map<String, Function<Float, UnaryOperator<TeacherConfig>>> m = new LinkedHashMap<>();
            m.put("member-dropout", v -> c -> c.toBuilder().memberDropout(v).build());
            m.put("info-max", v -> c -> c.toBuilder().infoMaxWeight(v).build());
            m.put("pseudo-labels", v -> c -> c.toBuilder().pseudoLabelWeight(v).build());
            m.put("gate-balance", v -> c -> c.toBuilder().gateBalanceWeight(v).build());
            m.put("member-lr", v -> c -> c.toBuilder().memberLrScale(v).build());
            return m;
        }

        /** The lever names a setting may use. */
        public static List<String> names() {
            return List.copyOf(LEVERS.keySet());
        }

        /** {@code paper}, or {@code LEVER=VALUE} with several joined by {@code +}, e.g. {@code member-dropout=0.2+info-max=0.1}. */
        public static Setting parse(String spec) {
            String text = spec.trim();
            if (text.equals("paper")) {
                return new Setting(text, UnaryOperator.identity());
            }
            UnaryOperator<TeacherConfig> change = UnaryOperator.identity();
            for (String part : text.split("\\+")) {
                String[] kv = part.split("=", 2);
                Function<Float, UnaryOperator<TeacherConfig>> lever = LEVERS.get(kv[0].trim());
                if (lever == null || kv.length != 2) {
                    throw new IllegalArgumentException("unknown lever setting '" + part + "' in '" + spec
                            + "' (known: paper, or LEVER=VALUE with LEVER one of " + String.join(", ", names()) + ")");
                }
                float value;
                try {
                    value = Float.parseFloat(kv[1].trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("lever setting '" + part + "': '" + kv[1] + "' is not a number");
                }
                UnaryOperator<TeacherConfig> before = change;
                UnaryOperator<TeacherConfig> step = lever.apply(value);
                change = c -> step.apply(before.apply(c));
            }
            return new Setting(text, change);
        }
    }

    /** One run's outcome: each setting's teacher accuracy and selection report, and the setting chosen among them. */
    public record Run(Task task, String ensemble, long seed, Map<String, Object> members, List<Map<String, Object>> settings,
                      double[] scores, int chosen) {}

    public static List<Run> run(Path work, List<Task> tasks, List<TeacherSweep.Ensemble> ensembles, List<Long> seeds,
                                List<Setting> settings, SelectionCriterion criterion,
                                UnaryOperator<ComponentConfig> componentSettings, UnaryOperator<TeacherConfig> teacherSettings) {
        // Per setting, the same sweep the fusion table runs (so its teachers are shared through the cache).
        List<List<TeacherSweep.Entry>> entries = new ArrayList<>();
        List<List<Map<String, Object>>> details = new ArrayList<>();
        for (Setting setting : settings) {
            List<Map<String, Object>> d = new ArrayList<>();
            entries.add(TeacherSweep.run(work, tasks, ensembles, seeds, List.of(FusionKind.IMED), componentSettings,
                    t -> setting.change().apply(teacherSettings.apply(t)), d));
            details.add(d);
        }
        List<Run> runs = new ArrayList<>();
        for (Task task : tasks) {
            Domain target = Domains.open(task.target());
            for (TeacherSweep.Ensemble ensemble : ensembles) {
                for (long seed : seeds) {
                    List<Map<String, Object>> perSetting = new ArrayList<>();
                    List<Path> teachers = new ArrayList<>();
                    List<Integer> candidates = new ArrayList<>();
                    Map<String, Object> members = null;
                    for (int s = 0; s < settings.size(); s++) {
                        TeacherSweep.Entry imed = find(entries.get(s), task, ensemble.name(), seed);
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("setting", settings.get(s).name());
                        row.put("accuracy", imed.accuracy());
                        perSetting.add(row);
                        if (imed.bundle() == null) {
                            row.put("diverged", true); // not a candidate: there is no teacher to choose
                            continue;
                        }
                        Map<String, Object> detail = detail(details.get(s), task, ensemble.name(), seed);
                        members = members != null ? members : detail;
                        row.put("bundle", imed.bundle().toString());
                        row.put("agreementWithComponents", detail.get("agreementWithComponents"));
                        row.put("agreementWithAverage", detail.get("agreementWithAverage"));
                        row.put("gates", detail.get("gates"));
                        if (detail.get("selection") instanceof Map<?, ?> selection) {
                            row.put("selection", selection);
                        }
                        teachers.add(imed.bundle());
                        candidates.add(s);
                    }
                    double[] scores = new double[settings.size()];
                    java.util.Arrays.fill(scores, Double.NaN);
                    int chosen = -1;
                    if (!teachers.isEmpty()) {
                        // One teacher in memory at a time: six IMED teachers at once outgrew the direct-memory limit.
                        ModelSelection choice = ModelSelection.choose(criterion,
                                teachers.stream().map(dir -> (Supplier<Teacher>) () -> Teacher.load(dir)).toList(), target);
                        for (int c = 0; c < candidates.size(); c++) {
                            scores[candidates.get(c)] = choice.scores()[c];
                        }
                        chosen = candidates.get(choice.selected());
                    }
                    runs.add(new Run(task, ensemble.name(), seed, members == null ? Map.of() : members, perSetting, scores, chosen));
                }
            }
        }
        return runs;
    }

    private static TeacherSweep.Entry find(List<TeacherSweep.Entry> entries, Task task, String ensemble, long seed) {
        return entries.stream().filter(e -> e.task().equals(task) && e.ensemble().equals(ensemble) && e.seed() == seed
                && e.model().equals(FusionKind.IMED.label())).findFirst().orElseThrow();
    }

    private static Map<String, Object> detail(List<Map<String, Object>> details, Task task, String ensemble, long seed) {
        return details.stream().filter(d -> d.get("task").equals(task.toString()) && d.get("ensemble").equals(ensemble)
                && ((Number) d.get("seed")).longValue() == seed).findFirst().orElseThrow();
    }

    /** The table's rows: a name and, per run, the accuracy it reports. */
    static Map<String, Function<Run, Double>> rows(List<String> settingNames, String criterion) {
        Map<String, Function<Run, Double>> rows = new LinkedHashMap<>();
        rows.put("averaging", r -> number(r.members().get("averageAccuracy")));
        rows.put("best member (picked with target labels)", r -> memberAccuracies(r).stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN));
        for (int s = 0; s < settingNames.size(); s++) {
            int i = s;
            String name = settingNames.get(s);
            rows.put("IMED " + name + ": final iterate", r -> selection(r, i, "finalAccuracy"));
            rows.put("IMED " + name + ": kept iterate", r -> number(r.settings().get(i).get("accuracy")));
            rows.put("IMED " + name + ": oracle iterate", r -> selection(r, i, "oracleAccuracy"));
        }
        rows.put(chosenRow(criterion), r -> r.chosen() < 0 ? Double.NaN : number(r.settings().get(r.chosen()).get("accuracy")));
        rows.put("best setting (picked with target labels)", r -> r.settings().stream().mapToDouble(s -> number(s.get("accuracy"))).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN));
        return rows;
    }

    /** The row of the setting the criterion chose, the one the sweep is for. */
    static String chosenRow(String criterion) {
        return "setting chosen by " + criterion + " (no target labels)";
    }

    private static double selection(Run run, int setting, String key) {
        Object selection = run.settings().get(setting).get("selection");
        // Without iterate selection the kept iterate is the final one, and no oracle was measured.
        if (!(selection instanceof Map<?, ?> s)) {
            return key.equals("finalAccuracy") ? number(run.settings().get(setting).get("accuracy")) : Double.NaN;
        }
        return number(s.get(key));
    }

    private static List<Double> memberAccuracies(Run run) {
        return run.members().get("componentAccuracy") instanceof List<?> list ? list.stream().map(LeverSweep::number).toList() : List.of();
    }

    private static double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** Markdown: one table per ensemble (cells mean ± sd over seeds, and the mean over tasks), then the choices. */
    public static String markdown(List<Run> runs, String criterion) {
        StringBuilder out = new StringBuilder();
        List<String> settingNames = runs.get(0).settings().stream().map(s -> (String) s.get("setting")).toList();
        // The fusion table's writer lays the rows out; a value that was not measured (a diverged setting, an oracle
        // without iterate selection) is left out, so its cell and mean cover the seeds that have one.
        List<TeacherSweep.Entry> entries = new ArrayList<>();
        rows(settingNames, criterion).forEach((name, value) -> runs.forEach(r -> {
            double v = value.apply(r);
            if (!Double.isNaN(v)) {
                entries.add(new TeacherSweep.Entry(r.task(), r.ensemble(), r.seed(), name, v));
            }
        }));
        out.append(TeacherSweep.markdown(entries, Set.of(chosenRow(criterion))));
        out.append("\n### The settings as the criterion sees them (no target labels)\n\nA default for new targets: the setting "
                + "with the highest mean score over the runs.\n\n| setting | chosen in runs | mean score |\n|---|---:|---:|\n");
        for (int s = 0; s < settingNames.size(); s++) {
            int i = s;
            out.append("| ").append(settingNames.get(s)).append(" | ").append(runs.stream().filter(r -> r.chosen() == i).count())
                    .append(" of ").append(runs.size()).append(" | ")
                    .append(String.format(Locale.ROOT, "%.4f", runs.stream().mapToDouble(r -> r.scores()[i]).filter(v -> !Double.isNaN(v)).average().orElse(Double.NaN)))
                    .append(" |\n");
        }
        out.append("\n### The setting chosen per run, and the scores\n\n| task | ensemble | seed | chosen | its accuracy | best setting's accuracy | scores (")
                .append(String.join(", ", settingNames)).append(") |\n|---|---|---:|---|---:|---:|---|\n");
        for (Run r : runs) {
            out.append("| ").append(r.task().label()).append(" | ").append(r.ensemble()).append(" | ").append(r.seed())
                    .append(" | ").append(r.chosen() < 0 ? "none (all diverged)" : r.settings().get(r.chosen()).get("setting"))
                    .append(" | ").append(r.chosen() < 0 ? "–" : r.settings().get(r.chosen()).get("accuracy"))
                    .append(" | ").append(String.format(Locale.ROOT, "%.2f", r.settings().stream().mapToDouble(s -> number(s.get("accuracy"))).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN)))
                    .append(" | ").append(String.join(", ", Arrays.stream(r.scores()).mapToObj(v -> String.format(Locale.ROOT, "%.4f", v)).toList()))
                    .append(" |\n");
        }
        out.append("\n### Headroom and the teachers' agreement with their members (%)\n\n| task | ensemble | seed | oracle | best member wrong, another right "
                + "| confident minority right | pairwise disagreement | members | agreement with members per setting |\n|---|---|---:|---:|---:|---:|---:|---|---|\n");
        for (Run r : runs) {
            Map<?, ?> h = r.members().get("headroom") instanceof Map<?, ?> m ? m : Map.of();
            out.append("| ").append(r.task().label()).append(" | ").append(r.ensemble()).append(" | ").append(r.seed())
                    .append(" | ").append(h.get("oracle")).append(" | ").append(h.get("bestMemberWrongAnotherRight"))
                    .append(" | ").append(h.get("confidentMinorityRight")).append(" | ").append(h.get("meanPairwiseDisagreement"))
                    .append(" | ").append(r.members().get("componentAccuracy"))
                    .append(" | ").append(String.join("; ", r.settings().stream().map(s -> s.get("setting") + " " + s.get("agreementWithComponents")).toList()))
                    .append(" |\n");
        }
        return out.toString();
    }

    public static void write(Path out, List<Run> runs, String criterion, String command) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("command", command);
        json.put("criterion", criterion);
        json.put("runs", runs.stream().map(r -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("task", r.task().toString());
            m.put("ensemble", r.ensemble());
            m.put("seed", r.seed());
            m.put("members", r.members());
            m.put("settings", r.settings());
            m.put("scores", r.scores());
            m.put("chosen", r.chosen() < 0 ? null : r.settings().get(r.chosen()).get("setting"));
            return m;
        }).toList());
        ResultsJson.write(out.resolve("levers.json"), ResultsJson.Kind.LEVERS, json);
        AtomicFiles.writeString(out.resolve("levers.md"), "# IMED levers and a label-free choice among them: target accuracy (%)\n\n"
                + "Made by:\n\n```\n" + command + "\n```\n\nEach teacher keeps the iterate its own criterion chose; the setting "
                + "is then chosen per run by " + criterion + " over the settings' teachers on the unlabelled target. Target labels "
                + "only score the choices (final, kept and oracle iterates; the chosen and the best setting).\n"
                + markdown(runs, criterion));
    }
}
