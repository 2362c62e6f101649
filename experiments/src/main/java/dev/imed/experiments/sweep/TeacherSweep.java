package dev.imed.experiments.sweep;

import dev.imed.core.bundle.AtomicFiles;
import dev.imed.core.bundle.Bundle;
import dev.imed.ensemble.train.ComponentConfig;
import dev.imed.ensemble.train.DivergedException;
import dev.imed.experiments.report.MarkdownTable;
import dev.imed.experiments.report.ResultsJson;
import dev.imed.experiments.stage.StageCache;
import dev.imed.experiments.stage.StageKey;
import dev.imed.experiments.task.Task;
import dev.imed.fusion.net.FusionKind;
import dev.imed.fusion.teacher.TeacherConfig;
import dev.imed.fusion.teacher.TeacherTrainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For each task, ensemble and seed: trains (or reuses) the K components, then every fusion over
 * them, and tabulates target accuracy (components, averaging, vote, entropy-weighted averaging and the
 * trained fusions) with the members' headroom, the IMED teacher's gate statistics, its agreement with
 * each component and with averaging, and, when it chose among its iterates, the selected, final and oracle ones.
 */
public final class TeacherSweep {
    private static final Logger LOG = LoggerFactory.getLogger(TeacherSweep.class);

    /** A named ensemble: the member methods and how a member's seed derives from the run's seed. */
    public record Ensemble(String name, List<String> methods, List<Long> seedOffsets) {
        /** Mixed members: DANN, CDAN and MCC. */
        public static Ensemble mixed() {
            return new Ensemble("mixed", List.of("dann", "cdan", "mcc"), List.of(0L, 0L, 0L));
        }

        /** The IMED authors' kind: three CDAN+MCC members that differ only by seed. */
        public static Ensemble authors() {
            return new Ensemble("cdan+mcc×3", List.of("cdan+mcc", "cdan+mcc", "cdan+mcc"), List.of(0L, 100L, 200L));
        }

        public static Ensemble parse(String name) {
            return switch (name) {
                case "mixed" -> mixed();
                case "authors", "cdan+mcc" -> authors();
                default -> throw new IllegalArgumentException("unknown ensemble '" + name + "' (known: mixed, authors)");
            };
        }
    }

    /** One row entry: a model's target accuracy in one run, and its bundle when it has one of its own. */
    public record Entry(Task task, String ensemble, long seed, String model, double accuracy, Path bundle) {
        Entry(Task task, String ensemble, long seed, String model, double accuracy) {
            this(task, ensemble, seed, model, accuracy, null);
        }
    }

    private TeacherSweep() {}

    public static List<Entry> run(Path work, List<Task> tasks, List<Ensemble> ensembles, List<Long> seeds, List<FusionKind> fusions,
                                  UnaryOperator<ComponentConfig> componentSettings, UnaryOperator<TeacherConfig> teacherSettings,
                                  List<Map<String, Object>> details) {
        List<Entry> entries = new ArrayList<>();
        for (Task task : tasks) {
            for (Ensemble ensemble : ensembles) {
                for (long seed : seeds) {
                    List<Path> members = new ArrayList<>();
                    List<String> memberDigests = new ArrayList<>();
                    for (int i = 0; i < ensemble.methods().size(); i++) {
                        ComponentConfig config = componentSettings.apply(ComponentConfig.digits(ensemble.methods().get(i),
                                task.source(), task.target())).withSeed(seed + ensemble.seedOffsets().get(i));
                        Bundle member = ComponentSweep.trainOrReuse(work.resolve("components"), task, config);
                        members.add(member.dir());
                        memberDigests.add(member.sha256());
                    }
                    Map<String, Object> imedTarget = null;
                    Map<String, Object> anyTarget = null;
                    Object imedSelection = null;
                    for (FusionKind fusion : fusions) {
                        TeacherConfig config = teacherSettings.apply(TeacherConfig.defaults(members, task.source(), task.target())
                                .withFusion(fusion).withSeed(seed));
                        Bundle teacher;
                        try {
                            teacher = trainOrReuse(work.resolve("teachers").resolve(task.slug()), config, memberDigests);
                        } catch (DivergedException e) {
                            // A diverged teacher is a result too: its cell says so and the sweep goes on.
                            LOG.warn("{}", e.getMessage());
                            entries.add(new Entry(task, ensemble.name(), seed, label(fusion), Double.NaN));
                            continue;
                        }
                        @SuppressWarnings("unchecked")
                        Map<String, Object> target = (Map<String, Object>) teacher.manifest().metrics().get("target");
                        if (entries.stream().noneMatch(e -> e.task().equals(task) && e.ensemble().equals(ensemble.name())
                                && e.seed() == seed && e.model().startsWith("component"))) {
                            @SuppressWarnings("unchecked")
                            List<Number> components = (List<Number>) target.get("componentAccuracy");
                            for (int i = 0; i < components.size(); i++) {
                                entries.add(new Entry(task, ensemble.name(), seed, "component " + (i + 1) + " (" + ensemble.methods().get(i) + ")",
                                        components.get(i).doubleValue()));
                            }
                            entries.add(new Entry(task, ensemble.name(), seed, "best component", components.stream().mapToDouble(Number::doubleValue).max().orElse(Double.NaN)));
                        }
                        entries.add(new Entry(task, ensemble.name(), seed, label(fusion), ((Number) target.get("accuracy")).doubleValue(),
                                teacher.dir()));
                        anyTarget = anyTarget == null ? target : anyTarget;
                        if (fusion == FusionKind.IMED) {
                            imedTarget = target;
                            // The selected, final and oracle iterates, when the teacher chose among its iterates.
                            imedSelection = teacher.manifest().metrics().get("selection");
                        }
                    }
                    if (anyTarget != null) {
                        Map<String, Object> detail = new LinkedHashMap<>();
                        detail.put("task", task.toString());
                        detail.put("ensemble", ensemble.name());
                        detail.put("seed", seed);
                        detail.put("componentAccuracy", anyTarget.get("componentAccuracy"));
                        detail.put("averageAccuracy", anyTarget.get("averageAccuracy"));
                        // The members' headroom is the same whichever fusion's pass measured it (frozen members);
                        // a teacher trained with tuned members measures its own, so IMED's is preferred when there is one.
                        Map<String, Object> measured = imedTarget != null ? imedTarget : anyTarget;
                        detail.put("headroom", measured.get("headroom"));
                        if (imedTarget != null) {
                            detail.put("imedAccuracy", imedTarget.get("accuracy"));
                            detail.put("agreementWithComponents", imedTarget.get("agreementWithComponents"));
                            detail.put("agreementWithAverage", imedTarget.get("agreementWithAverage"));
                            detail.put("gates", imedTarget.get("gates"));
                            if (imedSelection != null) {
                                detail.put("selection", imedSelection);
                            }
                        }
                        details.add(detail);
                    }
                }
            }
        }
        return entries;
    }

    static String label(FusionKind fusion) {
        return fusion.label();
    }

    /**
     * The stage key of a teacher: its configuration without its members' paths, and their weights' digests
     * in the members' order, so that moving the members (or the whole work directory) keeps the key.
     */
    public static StageKey key(TeacherConfig config, List<String> memberDigests) {
        return StageKey.of("teacher-" + config.fusion().id(), config.toBuilder().components(List.of()).build(), memberDigests);
    }

    /** Where a teacher of this configuration over members with these digests is kept under {@code work}. */
    static Path bundleDir(Path work, TeacherConfig config, List<String> memberDigests) {
        return new StageCache(work).bundleDir(key(config, memberDigests));
    }

    static Bundle trainOrReuse(Path work, TeacherConfig config, List<String> memberDigests) {
        return new StageCache(work).bundle(key(config, memberDigests), dir -> TeacherTrainer.train(config, dir)).value();
    }

    /** A markdown table per ensemble: rows are models, columns the tasks and the mean over tasks (mean ± sd over seeds). */
    public static String markdown(List<Entry> entries) {
        return markdown(entries, Set.of());
    }

    /** The same, with the rows of {@code boldModels} in bold. */
    static String markdown(List<Entry> entries, Set<String> boldModels) {
        StringBuilder out = new StringBuilder();
        for (String ensemble : entries.stream().map(Entry::ensemble).distinct().toList()) {
            MarkdownTable table = MarkdownTable.withRowHeader("model");
            entries.stream().filter(e -> e.ensemble().equals(ensemble))
                    .forEach(e -> table.add(e.model(), e.task().label(), e.seed(), e.accuracy()));
            boldModels.forEach(table::bold);
            out.append("\n### Ensemble: ").append(ensemble).append("\n\n").append(table.render());
        }
        return out.toString();
    }

    public static void write(Path out, List<Entry> entries, List<Map<String, Object>> details, String command) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("command", command);
        json.put("entries", entries.stream().map(e -> Map.of("task", e.task().toString(), "ensemble", e.ensemble(),
                "seed", e.seed(), "model", e.model(), "accuracy", e.accuracy())).toList());
        json.put("imedDetails", details);
        ResultsJson.write(out.resolve("fusion-results.json"), ResultsJson.Kind.TEACHERS, json);
        StringBuilder md = new StringBuilder("# Fusion table: target accuracy (%)\n\nMade by:\n\n```\n" + command + "\n```\n");
        md.append(markdown(entries));
        md.append(headroomMarkdown(details));
        md.append(selectionMarkdown(details));
        md.append("\n## IMED teacher: gates and agreement\n\n| task | ensemble | seed | IMED | agreement with components (%) | with averaging (%) | gate b mean per component | b sd across instances | a1 sd across instances |\n|---|---|---:|---:|---|---:|---|---:|---:|\n");
        for (Map<String, Object> d : details) {
            if (!d.containsKey("imedAccuracy")) {
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> gates = (Map<String, Map<String, Object>>) d.get("gates");
            Map<String, Object> b = gates.getOrDefault("b", Map.of());
            Map<String, Object> a = gates.getOrDefault("a1", Map.of());
            md.append("| ").append(d.get("task")).append(" | ").append(d.get("ensemble")).append(" | ").append(d.get("seed"))
                    .append(" | ").append(d.get("imedAccuracy")).append(" | ").append(d.get("agreementWithComponents"))
                    .append(" | ").append(d.get("agreementWithAverage")).append(" | ").append(b.get("meanPerComponent"))
                    .append(" | ").append(b.get("meanSdAcrossInstances")).append(" | ").append(a.get("meanSdAcrossInstances")).append(" |\n");
        }
        AtomicFiles.writeString(out.resolve("fusion-results.md"), md.toString());
    }

    /** Per run, how much room the members leave any fusion (measured with target labels). */
    static String headroomMarkdown(List<Map<String, Object>> details) {
        StringBuilder md = new StringBuilder("\n## Ensemble headroom (%)\n\nPer run, with target labels: images some member gets "
                + "right (oracle); images the most accurate member gets wrong while another gets right; images a wrong "
                + "majority outvotes members that are right and more confident on average; images two members disagree on "
                + "(mean over pairs).\n\n| task | ensemble | seed | oracle | best member wrong, another right | "
                + "confident minority right | pairwise disagreement |\n|---|---|---:|---:|---:|---:|---:|\n");
        for (Map<String, Object> d : details) {
            if (d.get("headroom") instanceof Map<?, ?> h) {
                md.append("| ").append(d.get("task")).append(" | ").append(d.get("ensemble")).append(" | ").append(d.get("seed"))
                        .append(" | ").append(h.get("oracle")).append(" | ").append(h.get("bestMemberWrongAnotherRight"))
                        .append(" | ").append(h.get("confidentMinorityRight")).append(" | ").append(h.get("meanPairwiseDisagreement"))
                        .append(" |\n");
            }
        }
        return md.toString();
    }

    /** Per run whose IMED teacher chose among its iterates: the choice, the final iterate and the oracle pick. */
    static String selectionMarkdown(List<Map<String, Object>> details) {
        if (details.stream().noneMatch(d -> d.get("selection") instanceof Map<?, ?>)) {
            return "";
        }
        StringBuilder md = new StringBuilder("\n## IMED teacher: iterate chosen without target labels\n\nThe oracle pick is "
                + "the iterate target labels would choose (reporting only).\n\n| task | ensemble | seed | criterion | selected "
                + "(accuracy) | final (accuracy) | oracle (accuracy) |\n|---|---|---:|---|---:|---:|---:|\n");
        for (Map<String, Object> d : details) {
            if (d.get("selection") instanceof Map<?, ?> s) {
                md.append("| ").append(d.get("task")).append(" | ").append(d.get("ensemble")).append(" | ").append(d.get("seed"))
                        .append(" | ").append(s.get("criterion"))
                        .append(" | ").append(s.get("selected")).append(" (").append(s.get("selectedAccuracy")).append(")")
                        .append(" | ").append(s.get("final")).append(" (").append(s.get("finalAccuracy")).append(")")
                        .append(" | ").append(s.get("oracle")).append(" (").append(s.get("oracleAccuracy")).append(") |\n");
            }
        }
        return md.toString();
    }
}
