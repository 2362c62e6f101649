package dev.imed.deploy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.imed.core.bundle.Bundle;
import dev.imed.core.bundle.Manifest;
import dev.imed.core.data.DigitDomains;
import dev.imed.core.testing.ImageBytes;
import dev.imed.core.transform.InputSpec;
import dev.imed.model.registry.StudentRegistry;
import dev.imed.model.student.Student;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Real student bundles, real digit images and the offline reference inference the server must match. */
public final class TestStudents {
    private TestStudents() {}

    public static Manifest manifest() {
        return new Manifest(Manifest.FORMAT, "student", "distill", Map.of("backbone", "student-cnn", "bottleneck", 256),
                DigitDomains.CLASSES, InputSpec.digits(), Map.of(), 0, "syn", "mnist5k", Map.of(), Map.of(), null, null, 0);
    }

    /** Publishes a freshly initialised digits student as the registry's next version. */
    public static Bundle publish(StudentRegistry registry) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block net = Student.build("student-cnn", 256, 10, InputSpec.digits(), manager);
            return registry.publish(manifest(), net);
        }
    }

    /** Writes a digits student bundle at {@code dir}, outside any registry. */
    public static Bundle write(Path dir, long version) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block net = Student.build("student-cnn", 256, 10, InputSpec.digits(), manager);
            return Bundle.write(dir, manifest().withVersion(version), net);
        }
    }

    /**
     * The properties of a server for {@code config}, as a {@code @MicronautTest}'s
     * {@code TestPropertyProvider} hands them to the context: the same ones {@link InferenceServer#start} uses.
     */
    public static Map<String, String> properties(ServeConfig config) {
        Map<String, String> properties = new LinkedHashMap<>();
        config.micronautProperties().forEach((name, value) -> properties.put(name, String.valueOf(value)));
        // The injected client's; its default of 10 s can pass on a machine whose cores are busy with training runs.
        properties.put("micronaut.http.client.read-timeout", "60s");
        return properties;
    }

    public static BufferedImage digit(int index) {
        return DigitDomains.open("mnist5k").load(index);
    }

    public static byte[] png(int index) {
        return ImageBytes.encode(digit(index), "png");
    }

    /** A digit scaled up to {@code size}×{@code size}, so that the server must resize it. */
    public static BufferedImage largeDigit(int index, int size) {
        BufferedImage digit = digit(index);
        BufferedImage large = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = large.createGraphics();
        g.drawImage(digit, 0, 0, size, size, null);
        g.dispose();
        return large;
    }

    /** The model's input tensor for {@code images}, preprocessed exactly as a client of the v2 FP32 route must. */
    public static float[] tensor(InputSpec spec, List<BufferedImage> images) {
        float[] out = new float[images.size() * spec.pixelsPerImage()];
        for (int i = 0; i < images.size(); i++) {
            spec.toTensor(images.get(i), spec.evalTransforms(), new Random(0), out, i * spec.pixelsPerImage());
        }
        return out;
    }

    /** Softmax probabilities, row-major {@code [N, C]}, of the bundle at {@code dir} loaded offline. */
    public static float[] offlineProbabilities(Path dir, List<BufferedImage> images) {
        try (Student student = Student.load(dir); NDManager scratch = student.manager().newSubManager()) {
            InputSpec spec = student.inputSpec();
            NDArray x = scratch.create(tensor(spec, images), new Shape(images.size(), 3, spec.height(), spec.width()));
            return student.logits(x).softmax(1).toFloatArray();
        }
    }

    public static int argmax(float[] rows, int row, int classes) {
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (rows[row * classes + c] > rows[row * classes + best]) {
                best = c;
            }
        }
        return best;
    }
}
