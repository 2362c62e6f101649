package dev.imed.experiments.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imed.core.init.Initialization;
import dev.imed.distill.train.DistillConfig;
import dev.imed.distill.train.DistillationLoss;
import dev.imed.ensemble.train.ComponentConfig;
import dev.imed.experiments.sweep.ComponentSweep;
import dev.imed.experiments.sweep.TeacherSweep;
import dev.imed.fusion.net.FusionKind;
import dev.imed.fusion.net.FusionOptions;
import dev.imed.fusion.teacher.TeacherConfig;
import dev.imed.model.backbone.Preprocessing;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StageKeyTest {
    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);
    private static final String C = "c".repeat(64);

    private final TeacherConfig teacher = TeacherConfig.defaults(List.of(Path.of("work/m0"), Path.of("work/m1")), "syn", "mnist5k");
    private final ComponentConfig component = ComponentConfig.digits("cdan+mcc", "syn", "mnist5k");
    private final DistillConfig student = DistillConfig.digits(null, "syn", "mnist5k");

    @Test
    void everyFieldOfATeachersConfigurationChangesItsKey() {
        StageKey paper = TeacherSweep.key(teacher, List.of(A, B));
        // The members' paths are not a field of the key: their digests are.
        List<TeacherConfig> changed = eachFieldChanged(teacher, Set.of("components"));
        assertThat(changed).hasSize(TeacherConfig.class.getRecordComponents().length - 1);
        List<String> keys = changed.stream().map(c -> TeacherSweep.key(c, List.of(A, B)).sha256()).toList();
        assertThat(keys).doesNotHaveDuplicates().doesNotContain(paper.sha256());
    }

    @Test
    void everyFieldOfAComponentsAndAStudentsConfigurationChangesItsKey() {
        List<String> components = eachFieldChanged(component, Set.of()).stream().map(c -> ComponentSweep.key(c).sha256()).toList();
        assertThat(components).hasSize(ComponentConfig.class.getRecordComponents().length).doesNotHaveDuplicates()
                .doesNotContain(ComponentSweep.key(component).sha256());
        List<String> students = eachFieldChanged(student, Set.of("teacher")).stream().map(c -> StageKey.of("student", c, A).sha256()).toList();
        assertThat(students).hasSize(DistillConfig.class.getRecordComponents().length - 1).doesNotHaveDuplicates()
                .doesNotContain(StageKey.of("student", student, A).sha256());
    }

    @Test
    void everyInputDigestAndTheirOrderChangeTheKey() {
        StageKey key = TeacherSweep.key(teacher, List.of(A, B));
        assertThat(List.of(TeacherSweep.key(teacher, List.of(A, C)), TeacherSweep.key(teacher, List.of(C, B)),
                TeacherSweep.key(teacher, List.of(B, A)), TeacherSweep.key(teacher, List.of(A, B, C))))
                .extracting(StageKey::sha256).doesNotHaveDuplicates().doesNotContain(key.sha256());
        assertThat(StageKey.of("student", student, A)).isNotEqualTo(StageKey.of("student", student, B))
                .isNotEqualTo(StageKey.of("student-source-only", student));
    }

    @Test
    void membersMovedToAnotherDirectoryKeepTheTeachersKey() {
        TeacherConfig moved = teacher.toBuilder().components(List.of(Path.of("/elsewhere/m0"), Path.of("/elsewhere/m1"))).build();
        assertThat(TeacherSweep.key(moved, List.of(A, B))).isEqualTo(TeacherSweep.key(teacher, List.of(A, B)));
    }

    @Test
    void theKeyIsTheCanonicalJsonWhateverOrderAMapWasBuiltIn() {
        Map<String, Object> ab = new LinkedHashMap<>();
        ab.put("alpha", 1);
        ab.put("beta", Map.of("y", 2, "x", 3));
        Map<String, Object> ba = new LinkedHashMap<>();
        ba.put("beta", new LinkedHashMap<>(Map.of("x", 3, "y", 2)));
        ba.put("alpha", 1);
        assertThat(StageKey.of("k", ab)).isEqualTo(StageKey.of("k", ba));
        assertThat(StageKey.canonicalJson(ab)).isEqualTo("{\"alpha\":1,\"beta\":{\"x\":3,\"y\":2}}");
        // Record components are sorted too, and a fusion is written by its id.
        assertThat(StageKey.canonicalJson(new FusionOptions(true, false))).isEqualTo("{\"normalizeFeatures\":true,\"startFromAverage\":false}");
        assertThat(StageKey.canonicalJson(Map.of("fusion", FusionKind.IMED))).isEqualTo("{\"fusion\":\"imed\"}");
    }

    @Test
    void aPathInAConfigurationIsRefusedAndADigestMustBeOne() {
        assertThatThrownBy(() -> StageKey.of("student", student.withTeacher(Path.of("teacher")), A))
                .hasMessageContaining("by digest, not by path");
        assertThatThrownBy(() -> StageKey.of("student", student, "/runs/teacher")).hasMessageContaining("sha256");
    }

    @Test
    void theDirectoryNameReadsKindSeedAndTheKeysStart() {
        StageKey key = TeacherSweep.key(teacher.withSeed(3), List.of(A, B));
        assertThat(key.directoryName()).isEqualTo("teacher-imed-seed3-" + key.sha256().substring(0, 10));
        assertThat(ComponentSweep.key(component).directoryName()).startsWith("component-cdan_mcc-seed0-");
        assertThat(StageKey.of("evaluation", Map.of("target", "mnist5k")).directoryName()).matches("evaluation-[0-9a-f]{10}");
    }

    /** Copies of {@code record}, each with one component (other than {@code skipped}) set to another valid value. */
    private static <R extends Record> List<R> eachFieldChanged(R record, Set<String> skipped) {
        RecordComponent[] parts = record.getClass().getRecordComponents();
        List<R> out = new ArrayList<>();
        try {
            Constructor<?> canonical = record.getClass().getDeclaredConstructor(
                    Arrays.stream(parts).map(RecordComponent::getType).toArray(Class<?>[]::new));
            for (int i = 0; i < parts.length; i++) {
                if (skipped.contains(parts[i].getName())) {
                    continue;
                }
                Object[] values = new Object[parts.length];
                for (int j = 0; j < parts.length; j++) {
                    values[j] = parts[j].getAccessor().invoke(record);
                }
                values[i] = parts[i].getName().equals("method") ? "dann" : another(values[i], parts[i].getType());
                @SuppressWarnings("unchecked")
                R copy = (R) canonical.newInstance(values);
                out.add(copy);
            }
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    private static Object another(Object value, Class<?> type) {
        if (type == int.class) {
            return (Integer) value + 1;
        }
        if (type == long.class) {
            return (Long) value + 1;
        }
        if (type == float.class) {
            return (Float) value / 2 + 0.01f; // stays inside every range: a probability, a threshold, a scale
        }
        if (type == boolean.class) {
            return !(Boolean) value;
        }
        if (type == String.class) {
            return value + "x";
        }
        if (type == FusionKind.class) {
            return value == FusionKind.GLOBAL ? FusionKind.FC : FusionKind.GLOBAL;
        }
        if (type == FusionOptions.class) {
            FusionOptions o = (FusionOptions) value;
            return new FusionOptions(!o.normalizeFeatures(), o.startFromAverage());
        }
        if (type == Preprocessing.class) {
            return value == null ? Preprocessing.imagenet() : null;
        }
        if (type == Initialization.class) {
            return value == Initialization.PYTORCH ? Initialization.DJL : Initialization.PYTORCH;
        }
        if (type == DistillationLoss.class) {
            DistillationLoss l = (DistillationLoss) value;
            return new DistillationLoss(l.temperature() + 1, l.logitWeight(), l.featureWeight());
        }
        if (type.isEnum()) {
            Object[] constants = type.getEnumConstants();
            return constants[(Arrays.asList(constants).indexOf(value) + 1) % constants.length];
        }
        throw new AssertionError("no other value for a " + type.getName() + ": add one here");
    }
}
