package dev.imed.ensemble.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The TorchScript fixtures made by {@code src/test/resources/fixtures/make_tiny_backbone.py} and the
 * outputs PyTorch recorded for them.
 */
public final class TorchScriptFixtures {
    public static final String TINY = "tiny_backbone";
    public static final String FEATURE_MAP = "tiny_featuremap";
    /** The fixed input of the recorded outputs (see the script). */
    public static final Shape INPUT_SHAPE = new Shape(2, 3, 7, 9);

    private TorchScriptFixtures() {}

    /** The fixture file on the test classpath. */
    public static Path file(String name) {
        URL url = TorchScriptFixtures.class.getResource("/fixtures/" + name + ".pt");
        if (url == null) {
            throw new IllegalStateException(name + ".pt is missing from the test resources");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A copy of the fixture in {@code dir}, which a test may delete. */
    public static Path copy(String name, Path dir) {
        try {
            Path copy = dir.resolve(name + "-copy.pt");
            Files.copy(file(name), copy, StandardCopyOption.REPLACE_EXISTING);
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code arange(n).reshape(2, 3, 7, 9) / n − 0.5}, as in the script. */
    public static NDArray input(NDManager manager) {
        long n = INPUT_SHAPE.size();
        return manager.arange(0f, (float) n, 1f).reshape(INPUT_SHAPE).div((float) n).sub(0.5f);
    }

    /** The recorded outputs, by fixture name: rows of the {@code [2, 8]} output. */
    public static Map<String, float[][]> expected() {
        Map<String, float[][]> out = new LinkedHashMap<>();
        try {
            Path file = Path.of(TorchScriptFixtures.class.getResource("/fixtures/tiny_backbone_expected.txt").toURI());
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] header = line.trim().split("\\s+");
                int rows = Integer.parseInt(header[1]);
                List<float[]> values = new ArrayList<>();
                for (int r = 0; r < rows; r++) {
                    String[] cells = lines.get(++i).trim().split("\\s+");
                    float[] row = new float[cells.length];
                    for (int c = 0; c < cells.length; c++) {
                        row[c] = Float.parseFloat(cells[c]);
                    }
                    values.add(row);
                }
                out.put(header[0], values.toArray(float[][]::new));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
