package dev.imed.microbench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.imed.core.bundle.Bundle;
import dev.imed.core.bundle.Manifest;
import dev.imed.core.data.DigitDomains;
import dev.imed.core.data.InMemoryDomain;
import dev.imed.core.transform.InputSpec;
import dev.imed.model.student.Student;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * The digits student's forward pass as the server's batcher runs it: a student bundle loaded with
 * {@link Student#load}, real preprocessed digits copied into a scratch tensor, logits read back.
 * Batch 1 is a lone request; 32 the server's largest batch.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
// One PyTorch thread, as the tests and the serve benchmark use: on a small shared machine a second one mostly waits.
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"})
public class StudentForwardBenchmark {
    @Param({"1", "32"})
    int batch;

    private Path dir;
    private Student student;
    private float[] images;
    private Shape shape;

    @Setup
    public void setUp() throws IOException {
        InputSpec spec = InputSpec.digits();
        dir = Files.createTempDirectory("imed-microbench");
        Manifest manifest = new Manifest(Manifest.FORMAT, Student.KIND, "distill", Map.of("backbone", "student-cnn", "bottleneck", 256),
                DigitDomains.CLASSES, spec, Map.of(), 0, "syn", "mnist5k", Map.of(), Map.of(), null, null, 0);
        try (NDManager manager = NDManager.newBaseManager()) {
            Bundle.write(dir.resolve("student"), manifest, Student.build("student-cnn", 256, 10, spec, manager));
        }
        student = Student.load(dir.resolve("student"));
        InMemoryDomain mnist = DigitDomains.open("mnist5k");
        images = new float[batch * spec.pixelsPerImage()];
        for (int i = 0; i < batch; i++) {
            spec.toTensor(mnist.load(i), spec.evalTransforms(), new Random(0), images, i * spec.pixelsPerImage());
        }
        shape = new Shape(batch, spec.channels(), spec.height(), spec.width());
    }

    @Benchmark
    public float[] logits() {
        try (NDManager scratch = student.manager().newSubManager()) {
            NDArray x = scratch.create(images, shape);
            return student.logits(x).toFloatArray();
        }
    }

    @TearDown
    public void tearDown() throws IOException {
        student.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
