package dev.imed.experiments.suite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imed.core.bundle.Json;
import dev.imed.ensemble.method.Methods;
import dev.imed.fusion.net.FusionKind;
import dev.imed.fusion.selection.SelectionCriterion;
import dev.imed.model.backbone.Backbones;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The built-in presets (resources {@code presets/NAME.yaml}) and presets read from a user's file. */
public final class SuitePresets {
    /** The suites imed ships, in the order the help text lists them. */
    public static final List<String> BUILT_IN = List.of("digits", "office31", "officehome", "visda");

    // A user's typo ("iteration:") must fail loudly rather than silently keep a default.
    private static final ObjectMapper STRICT_YAML = Json.YAML.copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private SuitePresets() {}

    /** The YAML text of a built-in preset, comments included: what a user copies to edit. */
    public static String builtInText(String name) {
        if (!BUILT_IN.contains(name)) {
            throw new IllegalArgumentException("unknown suite '" + name + "' (known: " + String.join(", ", BUILT_IN)
                    + "; or give --preset FILE)");
        }
        try (InputStream in = SuitePresets.class.getResourceAsStream("/presets/" + name + ".yaml")) {
            if (in == null) {
                throw new IllegalStateException("presets/" + name + ".yaml is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static SuitePreset builtIn(String name) {
        return parse(builtInText(name), "preset " + name);
    }

    /** Reads and checks a preset file. */
    public static SuitePreset load(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such preset file");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": unreadable: " + e.getMessage(), e);
        }
    }

    public static SuitePreset parse(String yaml, String where) {
        SuitePreset preset;
        try {
            preset = STRICT_YAML.readValue(yaml, SuitePreset.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where + ": not a valid suite preset: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : ""));
        }
        if (preset == null) {
            throw new IllegalArgumentException(where + ": empty preset");
        }
        return validate(preset, where);
    }

    /** The preset as YAML (without the comments of the shipped files). */
    public static String toYaml(SuitePreset preset) {
        try {
            return Json.YAML.writeValueAsString(preset);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checks everything that can be checked before any data is opened, naming the first problem. */
    public static SuitePreset validate(SuitePreset p, String where) {
        require(p.name() != null && !p.name().isBlank(), where, "needs a name");
        require(!p.tasks().isEmpty(), where, "needs at least one task");
        Set<String> names = new HashSet<>();
        for (SuitePreset.TaskSpec t : p.tasks()) {
            require(t.name() != null && !t.name().isBlank() && t.source() != null && t.target() != null, where,
                    "every task needs name, source and target");
            require(names.add(t.name()), where, "task name '" + t.name() + "' appears twice");
        }
        SuitePreset.ComponentSettings c = p.components();
        require(c != null, where, "needs a components section");
        require(c.backbone() != null, where, "components.backbone is missing");
        requireBackbone(c.backbone(), where, "components");
        if (c.preprocessing() != null) {
            require(Backbones.takesPreprocessing(c.backbone()), where, "components.preprocessing applies to TorchScript backbones "
                    + "(torchscript:FILE), not " + c.backbone());
            try {
                c.preprocessing().resolve();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": components.preprocessing: " + e.getMessage());
            }
        }
        require(c.members().size() >= 2, where, "components.members needs at least 2 methods to fuse, got " + c.members());
        Set<String> methods = new HashSet<>();
        for (String m : concat(c.members(), c.baselines())) {
            String canonical;
            try {
                canonical = Methods.canonical(m);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage());
            }
            require(methods.add(canonical), where, "method '" + m + "' is listed twice among members and baselines");
        }
        requireBudget(c.iterations(), c.batchSize(), c.lr(), where, "components");
        SuitePreset.TeacherSettings t = p.teacher();
        require(t != null, where, "needs a teacher section");
        try {
            require(FusionKind.parse(t.fusion() == null ? "" : t.fusion()).trained(), where,
                    "teacher.fusion must be a trained fusion (" + String.join(", ", FusionKind.trainedNames())
                            + "); " + String.join(" and ", FusionKind.all().stream().filter(k -> !k.trained()).map(FusionKind::id).toList())
                            + " are always reported");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": teacher: " + e.getMessage());
        }
        require(t.layers() >= 1 && t.layers() <= 3, where, "teacher.layers must be 1, 2 or 3");
        requireBudget(t.iterations(), t.batchSize(), t.lr(), where, "teacher");
        requireLevers(t, where);
        SuitePreset.StudentSettings s = p.student();
        require(s != null && s.backbone() != null, where, "needs a student section with a backbone");
        requireBackbone(s.backbone(), where, "student");
        requireBudget(s.iterations(), s.batchSize(), s.lr(), where, "student");
        require(p.seeds() >= 1, where, "seeds must be at least 1");
        require(p.checkpointEvery() >= 0, where, "checkpointEvery must not be negative");
        return p;
    }

    /** The teacher's optional levers, each in its range, and a selection the trainer knows. */
    private static void requireLevers(SuitePreset.TeacherSettings t, String where) {
        require(t.memberDropout() == null || (t.memberDropout() >= 0 && t.memberDropout() < 1), where,
                "teacher.memberDropout must be in [0, 1)");
        for (Float weight : java.util.Arrays.asList(t.infoMaxWeight(), t.pseudoLabelWeight(), t.gateBalanceWeight(), t.memberLrScale())) {
            require(weight == null || (weight >= 0 && Float.isFinite(weight)), where,
                    "teacher.infoMaxWeight, pseudoLabelWeight, gateBalanceWeight and memberLrScale must not be negative");
        }
        require(t.pseudoLabelThreshold() == null || (t.pseudoLabelThreshold() >= 0 && t.pseudoLabelThreshold() <= 1), where,
                "teacher.pseudoLabelThreshold must be in [0, 1]");
        require(t.selectEvery() == null || t.selectEvery() >= 1, where, "teacher.selectEvery must be at least 1");
        if (t.select() != null) {
            try {
                SelectionCriterion.parse(t.select());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": teacher.select: " + e.getMessage());
            }
        }
    }

    /** A backbone the registry knows (a placeholder such as {@code torchscript:{weights}} is filled in later). */
    private static void requireBackbone(String backbone, String where, String section) {
        try {
            Backbones.inputSpecFor(backbone);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + section + ": " + e.getMessage());
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static void requireBudget(int iterations, int batch, float lr, String where, String section) {
        require(iterations > 0, where, section + ".iterations must be positive");
        require(batch > 0, where, section + ".batchSize must be positive");
        require(lr > 0 && Float.isFinite(lr), where, section + ".lr must be positive");
    }

    private static void require(boolean condition, String where, String problem) {
        if (!condition) {
            throw new IllegalArgumentException(where + ": " + problem);
        }
    }
}
