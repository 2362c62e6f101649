package dev.imed.experiments.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imed.experiments.suite.SuitePreset.TaskSpec;
import dev.imed.fusion.selection.SelectionCriterion;
import dev.imed.fusion.teacher.TeacherConfig;
import dev.imed.model.backbone.Preprocessing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuitePresetsTest {

    @Test
    void builtInPresetsHaveThePublishedTasks() {
        assertThat(SuitePresets.builtIn("digits").tasks()).extracting(TaskSpec::name)
                .containsExactly("syn→mnist5k", "uci1797→mnist5k", "mnist5k→uci1797");
        assertThat(SuitePresets.builtIn("office31").tasks()).extracting(TaskSpec::name)
                .containsExactly("A→W", "D→W", "W→D", "A→D", "D→A", "W→A");
        SuitePreset home = SuitePresets.builtIn("officehome");
        assertThat(home.tasks()).hasSize(12).extracting(TaskSpec::name).contains("Ar→Cl", "Rw→Pr", "Pr→Ar").doesNotHaveDuplicates();
        SuitePreset visda = SuitePresets.builtIn("visda");
        assertThat(visda.tasks()).singleElement().satisfies(t -> {
            assertThat(t.source()).isEqualTo("visda:{root}/train");
            assertThat(t.target()).isEqualTo("visda:{root}/validation");
        });
        assertThat(visda.perClassAccuracy()).isTrue();

        SuitePreset digits = SuitePresets.builtIn("digits");
        assertThat(digits.components().members()).containsExactly("dann", "cdan", "mcc");
        assertThat(digits.components().backbone()).isEqualTo("lenet");
        assertThat(digits.components().lr()).isEqualTo(0.01f);
        assertThat(digits.student().backbone()).isEqualTo("student-cnn");
        assertThat(digits.seeds()).isEqualTo(3);
        SuitePreset office = SuitePresets.builtIn("office31");
        assertThat(office.components().lr()).isEqualTo(0.003f);
        assertThat(office.components().batchSize()).isEqualTo(32);
        assertThat(office.components().iterations()).isEqualTo(500 * 20);
        assertThat(office.student().iterations()).isEqualTo(500 * 5);
        assertThat(office.components().fallbackBackbone()).isEqualTo("resnet50");
    }

    @Test
    void presetsRoundTripThroughYaml(@TempDir Path dir) throws IOException {
        for (String name : SuitePresets.BUILT_IN) {
            SuitePreset preset = SuitePresets.builtIn(name);
            Path file = dir.resolve(name + ".yaml");
            Files.writeString(file, SuitePresets.toYaml(preset));
            assertThat(SuitePresets.load(file)).as(name).isEqualTo(preset);
        }
        // The shipped text itself, comments and all, is what a user copies.
        Path copy = dir.resolve("copy.yaml");
        Files.writeString(copy, SuitePresets.builtInText("office31").replace("seeds: 3", "seeds: 1"));
        assertThat(SuitePresets.load(copy).seeds()).isEqualTo(1);
    }

    @Test
    void editedPresetsAreCheckedWithClearMessages(@TempDir Path dir) throws IOException {
        Path typo = dir.resolve("typo.yaml");
        Files.writeString(typo, SuitePresets.builtInText("digits").replace("seeds: 3", "seed: 3"));
        assertThatThrownBy(() -> SuitePresets.load(typo)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"seed\"");
        Path oneMember = dir.resolve("one.yaml");
        Files.writeString(oneMember, SuitePresets.builtInText("digits").replace("members: [dann, cdan, mcc]", "members: [dann]"));
        assertThatThrownBy(() -> SuitePresets.load(oneMember)).hasMessageContaining("at least 2");
        Path badMethod = dir.resolve("bad.yaml");
        Files.writeString(badMethod, SuitePresets.builtInText("digits").replace("members: [dann, cdan, mcc]", "members: [dann, cdam]"));
        assertThatThrownBy(() -> SuitePresets.load(badMethod)).hasMessageContaining("cdam");
        Path badBackbone = dir.resolve("backbone.yaml");
        Files.writeString(badBackbone, SuitePresets.builtInText("digits").replace("backbone: student-cnn", "backbone: student-cnm"));
        assertThatThrownBy(() -> SuitePresets.load(badBackbone)).hasMessageContaining("student: unknown backbone 'student-cnm'")
                .hasMessageContaining("student-cnn");
        assertThatThrownBy(() -> SuitePresets.builtIn("office32")).hasMessageContaining("office31");
        assertThatThrownBy(() -> SuitePresets.load(dir.resolve("missing.yaml"))).hasMessageContaining("no such preset file");
    }

    @Test
    void teacherLeversAndSelectionAreOptionalKeysOfTheTeacherSection(@TempDir Path dir) throws IOException {
        SuitePreset plain = SuitePresets.builtIn("office31");
        TeacherConfig paper = TeacherConfig.defaults(List.of(Path.of("a"), Path.of("b")), "syn", "mnist5k");
        // Left out, they keep the paper's teacher, and its cache key.
        assertThat(plain.teacher().applyLevers(paper.toBuilder()).build()).isEqualTo(paper);
        // The digits preset ships the label-free default its lever sweep found: consensus pseudo-labels at 0.1.
        assertThat(SuitePresets.builtIn("digits").teacher().applyLevers(paper.toBuilder()).build().pseudoLabelWeight()).isEqualTo(0.1f);
        Path levers = dir.resolve("levers.yaml");
        Files.writeString(levers, SuitePresets.builtInText("digits").replace("  lr: 0.01\n  # Levers",
                "  lr: 0.01\n  memberDropout: 0.2\n  infoMaxWeight: 0.5\n  memberLrScale: 0.1\n  select: ensv\n"
                        + "  selectEvery: 50\n  # Levers"));
        TeacherConfig set = SuitePresets.load(levers).teacher().applyLevers(paper.toBuilder()).build();
        assertThat(set.memberDropout()).isEqualTo(0.2f);
        assertThat(set.infoMaxWeight()).isEqualTo(0.5f);
        assertThat(set.pseudoLabelWeight()).isEqualTo(0.1f);
        assertThat(set.pseudoLabelThreshold()).isEqualTo(TeacherConfig.DEFAULT_PSEUDO_LABEL_THRESHOLD);
        assertThat(set.memberLrScale()).isEqualTo(0.1f);
        assertThat(set.selection()).isEqualTo(SelectionCriterion.ENSV);
        assertThat(set.selectEvery()).isEqualTo(50);
        Path bad = dir.resolve("bad-select.yaml");
        Files.writeString(bad, SuitePresets.builtInText("digits").replace("  lr: 0.01\n  # Levers", "  lr: 0.01\n  select: oracle\n  # Levers"));
        assertThatThrownBy(() -> SuitePresets.load(bad)).hasMessageContaining("teacher.select").hasMessageContaining("ensv");
        Path dropAll = dir.resolve("drop-all.yaml");
        Files.writeString(dropAll, SuitePresets.builtInText("digits").replace("  lr: 0.01\n  # Levers", "  lr: 0.01\n  memberDropout: 1\n  # Levers"));
        assertThatThrownBy(() -> SuitePresets.load(dropAll)).hasMessageContaining("memberDropout");
    }

    @Test
    void aPresetGivesTheTorchScriptBackboneItsOwnPreprocessing(@TempDir Path dir) throws IOException {
        assertThat(SuitePresets.builtIn("office31").components().preprocessing()).isNull();
        Path custom = dir.resolve("clip.yaml");
        Files.writeString(custom, SuitePresets.builtInText("office31").replace("  fallbackBackbone: resnet50\n",
                "  fallbackBackbone: resnet50\n  preprocessing: {crop: 160, mean: [0.481, 0.458, 0.408], std: [0.5], pool: false}\n"));
        SuitePreset preset = SuitePresets.load(custom);
        Preprocessing p = preset.components().preprocessing().resolve();
        assertThat(List.of(p.resize(), p.crop())).containsExactly(183, 160);
        assertThat(p.mean()).containsExactly(0.481f, 0.458f, 0.408f);
        assertThat(p.std()).containsExactly(0.5f, 0.5f, 0.5f);
        assertThat(p.pool()).isFalse();
        Path again = dir.resolve("again.yaml");
        Files.writeString(again, SuitePresets.toYaml(preset));
        assertThat(SuitePresets.load(again)).isEqualTo(preset);

        Path badCrop = dir.resolve("bad-crop.yaml");
        Files.writeString(badCrop, Files.readString(custom).replace("crop: 160", "crop: -1"));
        assertThatThrownBy(() -> SuitePresets.load(badCrop)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(badCrop + ": components.preprocessing: crop must be 1..4096 pixels, got -1");
        Path digits = dir.resolve("digits.yaml");
        Files.writeString(digits, SuitePresets.builtInText("digits").replace("  backbone: lenet\n", "  backbone: lenet\n  preprocessing: {crop: 32}\n"));
        assertThatThrownBy(() -> SuitePresets.load(digits))
                .hasMessage(digits + ": components.preprocessing applies to TorchScript backbones (torchscript:FILE), not lenet");
    }

    @Test
    void tasksAreSelectedByNameOrNumber() {
        SuitePreset office = SuitePresets.builtIn("office31");
        assertThat(office.selectTasks(List.of("w->d", "1")).tasks()).extracting(TaskSpec::name).containsExactly("W→D", "A→W");
        assertThat(office.selectTasks(List.of()).tasks()).hasSize(6);
        assertThatThrownBy(() -> office.selectTasks(List.of("A->X"))).hasMessageContaining("A→W, D→W");
    }

    @Test
    void thePlanCoversEveryTaskAndSeedAndFallsBackWithoutWeights() {
        SuitePreset office = SuitePresets.builtIn("office31");
        SuiteInputs inputs = new SuiteInputs(Path.of("/data/office31"), null, null);
        List<Stage> plan = SuiteRunner.plan(office, inputs);
        // 6 tasks × 3 seeds × (3 members + 2 baselines + teacher + student + source-only student + evaluation)
        assertThat(plan).hasSize(6 * 3 * 9);
        assertThat(plan).filteredOn(s -> s.kind() == StageKind.TEACHER).extracting(Stage::task).containsOnly(
                "A→W", "D→W", "W→D", "A→D", "D→A", "W→A");
        assertThat(plan.get(0).describe()).isEqualTo("component cdan+mcc · A→W · seed 0");
        assertThatThrownBy(() -> SuiteRunner.plan(office, SuiteInputs.none())).hasMessageContaining("--root");
        assertThat(inputs.expand("office31:{root}/amazon")).hasValue("office31:/data/office31/amazon");
        assertThat(inputs.expand("torchscript:{weights}")).isEmpty();
    }
}
