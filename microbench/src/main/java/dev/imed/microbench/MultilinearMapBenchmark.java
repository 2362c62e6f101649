package dev.imed.microbench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.imed.ensemble.method.alignment.MultilinearMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * CDAN's multilinear map on one batch of 32 (the training batch), 256-d bottleneck features: the full
 * outer product for 10 classes (2560 values) against the randomized 1024-d map for 31 (Office-31).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
// One PyTorch thread, as the tests and the serve benchmark use: on a small shared machine a second one mostly waits.
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"})
public class MultilinearMapBenchmark {
    private static final int BATCH = 32;
    private static final int FEATURES = 256;

    @Param({"10", "31"})
    int classes;

    private NDManager manager;
    private MultilinearMap map;
    private ParameterStore store;
    private NDArray features;
    private NDArray predictions;

    @Setup
    public void setUp() {
        manager = NDManager.newBaseManager();
        map = new MultilinearMap(FEATURES, classes);
        map.initialize(manager, DataType.FLOAT32, new Shape(BATCH, FEATURES), new Shape(BATCH, classes));
        store = new ParameterStore(manager, false);
        features = manager.randomNormal(new Shape(BATCH, FEATURES));
        predictions = manager.randomUniform(0, 1, new Shape(BATCH, classes)).softmax(1);
    }

    /**
     * T(f, p) read back to the JVM, so the work cannot be skipped. The inputs are lent to a scratch
     * manager, which the results of operations on them join, so each call frees what it made.
     */
    @Benchmark
    public float[] apply() {
        try (NDManager scratch = manager.newSubManager()) {
            features.tempAttach(scratch);
            predictions.tempAttach(scratch);
            return map.apply(store, features, predictions).toFloatArray();
        }
    }

    @TearDown
    public void tearDown() {
        manager.close();
    }
}
