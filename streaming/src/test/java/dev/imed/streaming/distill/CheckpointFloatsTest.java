package dev.imed.streaming.distill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.core.transform.InputSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The pending images and the held-out window are written into the student's checkpoint state in bulk;
 * the bytes must stay those of a float-by-float {@link DataOutputStream}, so that checkpoints written
 * before still restore, and what is written must read back the same.
 */
class CheckpointFloatsTest {
    private static final float[] VALUES = {0f, -0f, 1.5f, -1f, Float.MIN_VALUE, Float.MAX_VALUE, Float.POSITIVE_INFINITY, 0.1f};

    @Test
    void bulkFloatsAreTheBytesOfAFloatByFloatStreamAndReadBack() throws IOException {
        ByteArrayOutputStream bulk = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bulk)) {
            PendingExamples.writeFloats(out, VALUES);
        }
        ByteArrayOutputStream oneByOne = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(oneByOne)) {
            out.writeInt(VALUES.length);
            for (float v : VALUES) {
                out.writeFloat(v);
            }
        }
        assertThat(bulk.toByteArray()).isEqualTo(oneByOne.toByteArray());
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(oneByOne.toByteArray()))) {
            assertThat(PendingExamples.readFloats(in)).isEqualTo(VALUES);
        }
    }

    @Test
    void theHeldOutWindowRoundTripsThroughItsCheckpointBytes() throws IOException {
        HeldOutWindow window = new HeldOutWindow(2);
        window.add(new float[] {1f, 2f, 3f}, new float[] {0.1f, 0.9f});
        window.add(new float[] {4f, 5f, 6f}, new float[] {0.8f, 0.2f});
        window.add(new float[] {7f, 8f, 9f}, new float[] {0.3f, 0.7f}); // the oldest leaves
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            window.write(out);
        }
        HeldOutWindow restored = new HeldOutWindow(2);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            restored.read(in);
        }
        InputSpec spec = new InputSpec(1, 1, 0, new float[] {0f, 0f, 0f}, new float[] {1f, 1f, 1f}, false);
        assertThat(restored.window(spec).images()).containsExactly(4f, 5f, 6f, 7f, 8f, 9f);
        assertThat(restored.window(spec).teacherLabels()).containsExactly(0, 1);
    }
}
