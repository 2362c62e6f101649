package dev.imed.streaming.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * PyTorch's gradient mode is per thread and starts enabled on a new one. DJL switches it off only on
 * the thread that loads the engine, and a gradient collector restores whatever it found. On a Flink
 * task thread it would thus stay on: inference would record graphs, and the optimiser's in-place
 * update of a trainable weight would be refused ("a leaf Variable that requires grad is being used in
 * an in-place operation"). Operators call {@link #disableGradients()} on their task thread.
 */
public final class TaskThreads {
    private TaskThreads() {}

    /** Switches gradient recording off on the calling thread (gradient collectors still switch it on). */
    public static void disableGradients() {
        if ("PyTorch".equals(Engine.getInstance().getEngineName())) {
            JniUtils.setGradMode(false);
        }
    }
}
