package dev.imed.fusion.teacher;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.imed.fusion.net.FusionKind;
import dev.imed.fusion.net.FusionNet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --gate-lr-scale} reaches the gates: before, a prefix match on DJL's indexed parameter paths found none. */
class GateParametersTest {

    @Test
    void generatedGatesAreFoundInsideTheFusionNetwork() {
        try (NDManager manager = NDManager.newBaseManager()) {
            FusionNet fusion = FusionNet.create(FusionKind.IMED, 3, 4, 8, 2);
            fusion.initialize(manager);
            List<Parameter> gates = TeacherTrainer.gateParameters(fusion);
            // Two layers of generated gates, each an MLP of three linear layers and two BatchNorms.
            assertThat(gates).isNotEmpty();
            assertThat(gates.size()).isLessThan(fusion.getParameters().size());
            assertThat(fusion.getParameters().keys().stream().filter(k -> k.contains("gate")).count()).isEqualTo(gates.size());
        }
    }

    @Test
    void globalGatesAreFoundAndFcFusionHasNone() {
        try (NDManager manager = NDManager.newBaseManager()) {
            FusionNet global = FusionNet.create(FusionKind.GLOBAL, 3, 4, 8, 2);
            global.initialize(manager);
            assertThat(TeacherTrainer.gateParameters(global)).hasSize(2); // one gate parameter per layer
            FusionNet fc = FusionNet.create(FusionKind.FC, 3, 4, 8, 2);
            fc.initialize(manager);
            assertThat(TeacherTrainer.gateParameters(fc)).isEmpty();
        }
    }
}
