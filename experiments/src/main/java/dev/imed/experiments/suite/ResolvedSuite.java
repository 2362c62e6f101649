package dev.imed.experiments.suite;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.imed.core.bundle.Json;
import dev.imed.core.data.Domain;
import dev.imed.core.data.Domains;
import dev.imed.ensemble.method.Methods;
import dev.imed.experiments.task.Task;
import dev.imed.model.backbone.Backbones;
import dev.imed.model.backbone.Preprocessing;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A validated preset with its placeholders filled from the {@link SuiteInputs}: the concrete backbones,
 * preprocessing and domain specs a run uses. Where an input is missing and the preset allows a fallback,
 * resolving takes it and leaves a note for the report, so a reader knows why the figures are low.
 */
final class ResolvedSuite {
    /** A task of the preset with its domain specs filled in. */
    record ResolvedTask(SuitePreset.TaskSpec spec, Task task) {}

    private final SuitePreset preset;
    private final SuiteInputs inputs;
    private final List<String> notes = new ArrayList<>();
    private final String componentBackbone;
    /** The components' preprocessing, null for their backbone's own. */
    private final Preprocessing componentPreprocessing;
    private final String studentBackbone;
    private final List<ResolvedTask> tasks = new ArrayList<>();

    ResolvedSuite(SuitePreset preset, SuiteInputs inputs) {
        this.preset = SuitePresets.validate(preset, "preset " + preset.name());
        this.inputs = inputs;
        // In this order, so that the notes and the first missing input reported stay as they were.
        this.componentBackbone = backbone("components", preset.components().backbone(), preset.components().fallbackBackbone(),
                "--backbone-weights");
        this.componentPreprocessing = preprocessing(preset.components(), componentBackbone);
        this.studentBackbone = backbone("student", preset.student().backbone(), preset.student().fallbackBackbone(),
                "--student-weights");
        for (SuitePreset.TaskSpec spec : preset.tasks()) {
            tasks.add(new ResolvedTask(spec, new Task(domainSpec(spec.source()), domainSpec(spec.target()))));
        }
    }

    SuitePreset preset() {
        return preset;
    }

    String componentBackbone() {
        return componentBackbone;
    }

    /** The components' preprocessing, null for their backbone's own. */
    Preprocessing componentPreprocessing() {
        return componentPreprocessing;
    }

    String studentBackbone() {
        return studentBackbone;
    }

    List<ResolvedTask> tasks() {
        return tasks;
    }

    /** What resolving had to fall back on, for the report. */
    List<String> notes() {
        return List.copyOf(notes);
    }

    /** Every component's method, canonical: the members, then the baselines. */
    List<String> methods() {
        List<String> all = new ArrayList<>(members());
        preset.components().baselines().forEach(m -> all.add(Methods.canonical(m)));
        return all;
    }

    /** The ensemble members' methods, canonical, in the preset's order. */
    List<String> members() {
        return preset.components().members().stream().map(Methods::canonical).toList();
    }

    /**
     * Opens every task's domains, once each, and checks that a suite can use them: labelled on both sides
     * (the target's labels only score) and with the same classes.
     */
    Map<String, Domain> openDomains() {
        Map<String, Domain> domains = new LinkedHashMap<>();
        for (ResolvedTask t : tasks) {
            for (String spec : List.of(t.task().source(), t.task().target())) {
                domains.computeIfAbsent(spec, Domains::open);
            }
            Domain source = domains.get(t.task().source());
            Domain target = domains.get(t.task().target());
            if (!source.labelled()) {
                throw new IllegalArgumentException(t.spec().name() + ": the source " + source.name() + " has no labels");
            }
            if (!target.labelled()) {
                throw new IllegalArgumentException(t.spec().name() + ": the target " + target.name()
                        + " has no labels, so the suite cannot measure accuracy on it (training never reads them)");
            }
            if (!source.classNames().equals(target.classNames())) {
                throw new IllegalArgumentException(t.spec().name() + ": source and target classes differ");
            }
        }
        return domains;
    }

    /** The preset as it actually ran, placeholders filled and unset fields left out, for the report. */
    Map<String, Object> settings() {
        SuitePreset resolved = preset
                .withComponents(preset.components().withBackbone(componentBackbone, null).withPreprocessing(
                        componentPreprocessing == null ? null : SuitePreset.PreprocessingSettings.of(componentPreprocessing)))
                .withStudent(new SuitePreset.StudentSettings(studentBackbone, null, preset.student().iterations(),
                        preset.student().batchSize(), preset.student().lr()))
                .withTasks(tasks.stream().map(t -> new SuitePreset.TaskSpec(t.spec().name(), t.task().source(), t.task().target())).toList());
        return withoutNulls(Json.MAPPER.convertValue(resolved, new TypeReference<LinkedHashMap<String, Object>>() {}));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> withoutNulls(Map<String, Object> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (v != null) {
                out.put(k, v instanceof Map<?, ?> m ? withoutNulls((Map<String, Object>) m) : v);
            }
        });
        return out;
    }

    /**
     * The preset's preprocessing for the components' backbone; none when it is not given, or when the
     * fallback backbone, whose input imed fixes, stands in for a missing TorchScript file (a note says so).
     */
    private Preprocessing preprocessing(SuitePreset.ComponentSettings components, String backbone) {
        if (components.preprocessing() == null) {
            return null;
        }
        if (!Backbones.takesPreprocessing(backbone)) {
            notes.add("The components' preprocessing was not used: " + backbone + " has a fixed input.");
            return null;
        }
        return components.preprocessing().resolve();
    }

    private String backbone(String section, String template, String fallback, String option) {
        Optional<String> filled = inputs.expand(template);
        if (filled.isPresent()) {
            return filled.get();
        }
        if (fallback == null) {
            throw new IllegalArgumentException("the " + preset.name() + " preset's " + section + " backbone " + template
                    + " needs " + option + " FILE");
        }
        notes.add(String.format(Locale.ROOT, "The %s use %s from random initialisation (no %s given): expect accuracy far "
                + "below published figures, which start from ImageNet weights.", section, fallback, option));
        return fallback;
    }

    private String domainSpec(String template) {
        return inputs.expand(template).orElseThrow(() -> new IllegalArgumentException("the " + preset.name()
                + " preset reads its data from " + template + ": give the dataset root with --root DIR"));
    }
}
