package dev.imed.streaming.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PyTorch's gradient mode is per thread and starts enabled on a new one. DJL switches it off only on
 * the thread that loads the engine, and a gradient collector restores whatever it found. On a Flink
 * task thread it would thus stay on: inference would record graphs, and the optimiser's in-place
 * update of a trainable weight would be refused ("a leaf Variable that requires grad is being used in
 * an in-place operation"). Operators call {@link #disableGradients()} on their task thread.
 *
 * <p>Each model task also shares out the cores ({@link #shareCores}): PyTorch's default is one intra-op
 * thread per core in every task, so two models on two cores ran four threads that preempted each other.
 */
public final class TaskThreads {
    private static final Logger LOG = LoggerFactory.getLogger(TaskThreads.class);
    /** DJL's own setting; a value given to the JVM wins over {@link #shareCores}. */
    public static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";

    private TaskThreads() {}

    /** Switches gradient recording off on the calling thread (gradient collectors still switch it on). */
    public static void disableGradients() {
        if ("PyTorch".equals(Engine.getInstance().getEngineName())) {
            JniUtils.setGradMode(false);
        }
    }

    /**
     * The intra-op threads each of {@code modelTasks} tasks in one JVM may use so that together they do not
     * exceed {@code cores}: at least one.
     */
    public static int perTask(int cores, int modelTasks) {
        return Math.max(1, cores / Math.max(1, modelTasks));
    }

    /**
     * Sets PyTorch's intra-op threads to {@code threads} (0: leave them) unless the JVM was given
     * {@value #THREADS_PROPERTY}. The setting is the process's, so every model task of a job sets the same value.
     */
    public static void shareCores(int threads) {
        if (threads <= 0 || System.getProperty(THREADS_PROPERTY) != null
                || !"PyTorch".equals(Engine.getInstance().getEngineName())) {
            return;
        }
        try {
            JniUtils.setNumThreads(threads);
        } catch (RuntimeException e) {
            // A build with PyTorch's native thread pool refuses once parallel work has started: keep its default.
            LOG.debug("cannot set PyTorch's intra-op threads to {}: {}", threads, e.getMessage());
        }
    }
}
