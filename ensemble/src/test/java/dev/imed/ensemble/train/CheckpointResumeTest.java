package dev.imed.ensemble.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.imed.core.bundle.Bundle;
import dev.imed.core.data.DigitDomains;
import dev.imed.core.data.Domain;
import dev.imed.core.data.InMemoryDomain;
import dev.imed.core.testing.FailingDomain;
import dev.imed.ensemble.TestArrays;
import dev.imed.ensemble.TestDomains;
import dev.imed.ensemble.backbone.TorchScriptFixtures;
import dev.imed.ensemble.component.Component;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointResumeTest {
    private static final int BATCH = 3;

    /**
     * A run of 60 iterations checkpointing every 20 dies at iteration 50 when its source domain fails;
     * the next run resumes from iteration 40, ends where an uninterrupted run ends, and removes the checkpoint.
     */
    @Test
    void anInterruptedRunResumesFromItsLastCheckpoint(@TempDir Path tmp) throws IOException {
        InMemoryDomain source = DigitDomains.open("syn:200:0");
        InMemoryDomain target = TestDomains.mnistSubset(30);
        ComponentConfig config = ComponentConfig.digits("dann", "syn:200:0", "mnist30")
                .withIterations(60).withBatchSize(BATCH).withCheckpointEvery(20)
                // A gentle rate: DANN at lr 0.01 can diverge to NaN around iteration 45, which is not what this test is about.
                .withLr(0.002f);
        Path out = tmp.resolve("component");
        Path checkpoint = ComponentTrainer.checkpointFile(out);

        // 60·3 = 180 draws < 200 images: every draw is a fresh image (no cache hit), so load n
        // happens in iteration n / 3 and the failure strikes in iteration 50.
        FailingDomain failing = new FailingDomain(source, 50 * BATCH);
        assertThatThrownBy(() -> ComponentTrainer.train(config, failing, target, out))
                .hasStackTraceContaining("injected failure");
        assertThat(out).doesNotExist();
        assertThat(checkpoint).isRegularFile();
        assertThat(iterationIn(checkpoint)).isEqualTo(40);

        Bundle resumed = ComponentTrainer.train(config, source, target, out);
        assertThat(resumed.manifest().training().get("resumedFrom")).isEqualTo(40L);
        // As written to disk (JSON reads it back as an int).
        assertThat(((Number) Bundle.open(out).manifest().training().get("resumedFrom")).longValue()).isEqualTo(40);
        assertThat(checkpoint).doesNotExist();

        // The same configuration without interruption: no checkpoint left, nothing resumed, same model.
        Path straightOut = tmp.resolve("straight");
        Bundle straight = ComponentTrainer.train(config, source, target, straightOut);
        assertThat(straight.manifest().training()).doesNotContainKey("resumedFrom");
        assertThat(ComponentTrainer.checkpointFile(straightOut)).doesNotExist();
        // Weights, BN statistics, momentum and the data order were all restored: the logits agree.
        assertThat(TestArrays.maxAbsDiff(logits(resumed.dir()), logits(straight.dir()))).isLessThan(1e-3);
    }

    /**
     * The same with a TorchScript backbone, whose module is replaced when a checkpoint is loaded:
     * after resuming, the optimizer must update the restored module, not the one it replaced.
     */
    @Test
    void aTorchScriptRunResumesAndKeepsFineTuningItsBackbone(@TempDir Path tmp) throws IOException {
        Path script = TorchScriptFixtures.copy(TorchScriptFixtures.TINY, tmp);
        InMemoryDomain source = DigitDomains.open("syn:200:0");
        // Unlabelled target: no accuracy to measure, which on 224² inputs would dominate the run time.
        Domain target = TestDomains.mnistSubset(20).withoutLabels();
        ComponentConfig config = ComponentConfig.digits("source-only", "syn:200:0", "mnist20")
                .withBackbone("torchscript:" + script).withIterations(6).withBatchSize(2).withLr(0.05f)
                .withCheckpointEvery(3);
        Path out = tmp.resolve("ts");
        // ImageNet inputs are augmented, so nothing is cached: 2 loads per iteration, failing in iteration 4.
        assertThatThrownBy(() -> ComponentTrainer.train(config, new FailingDomain(source, 4 * 2), target, out))
                .hasStackTraceContaining("injected failure");
        assertThat(iterationIn(ComponentTrainer.checkpointFile(out))).isEqualTo(3);
        Bundle resumed = ComponentTrainer.train(config, source, target, out);
        assertThat(resumed.manifest().training().get("resumedFrom")).isEqualTo(3L);
        Bundle straight = ComponentTrainer.train(config, source, target, tmp.resolve("ts-straight"));

        float[] resumedBackbone = backboneValues(resumed.dir());
        float[] straightBackbone = backboneValues(straight.dir());
        assertThat(TestArrays.maxAbsDiff(resumedBackbone, straightBackbone)).isLessThan(1e-4);
    }

    /** The checkpoint's header: magic, configuration fingerprint, then the iteration to continue from. */
    private static long iterationIn(Path checkpoint) throws IOException {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(checkpoint))) {
            in.readInt();
            in.readUTF();
            return in.readLong();
        }
    }

    /** All backbone parameters of a bundle's component, concatenated. */
    private static float[] backboneValues(Path bundle) {
        try (Component component = Component.load(bundle)) {
            List<float[]> parts = new ArrayList<>();
            for (Parameter p : component.net().backbone().getParameters().values()) {
                parts.add(p.getArray().toFloatArray());
            }
            int n = parts.stream().mapToInt(a -> a.length).sum();
            float[] all = new float[n];
            int at = 0;
            for (float[] part : parts) {
                System.arraycopy(part, 0, all, at, part.length);
                at += part.length;
            }
            return all;
        }
    }

    private static float[] logits(Path bundle) {
        try (Component component = Component.load(bundle); NDManager m = component.manager().newSubManager()) {
            m.getEngine().setRandomSeed(9);
            return component.logits(m.randomNormal(new Shape(8, 3, 28, 28))).toFloatArray();
        }
    }
}
