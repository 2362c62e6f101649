package dev.imed.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import dev.imed.core.bundle.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A gradient-parity fixture written by {@code bench/parity/make_gradient_fixtures.py}: inputs, parameter
 * values, hyper-parameters, and PyTorch's loss, outputs, parameter gradients and input gradients for one
 * tiny network. Tests load it from the classpath ({@code /parity/NAME.json}), copy the weights into the
 * imed blocks, run imed's loss under a gradient collector and compare with {@link #TOLERANCE}.
 *
 * <p>Parameters are keyed by the DJL key of the block under test ({@code Block.getParameters()}), with a
 * {@code "<block>/"} prefix where a fixture covers more than one block. Every comparison's max absolute
 * difference is kept and printed by {@link #report()}.
 */
public final class GradientFixture {
    /** The largest absolute difference any compared value may have. */
    public static final double TOLERANCE = 1e-4;

    private final String name;
    private final JsonNode root;
    private final Map<String, Double> differences = new LinkedHashMap<>();

    private GradientFixture(String name, JsonNode root) {
        this.name = name;
        this.root = root;
    }

    public static GradientFixture load(String name) {
        String resource = "/parity/" + name + ".json";
        try (InputStream in = GradientFixture.class.getResourceAsStream(resource)) {
            assertThat(in).as("fixture %s on the test classpath", resource).isNotNull();
            return new GradientFixture(name, Json.MAPPER.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name() {
        return name;
    }

    public double hyper(String key) {
        JsonNode node = root.path("hyper").get(key);
        assertThat(node).as("%s: hyper-parameter %s", name, key).isNotNull();
        return node.asDouble();
    }

    public int hyperInt(String key) {
        return (int) hyper(key);
    }

    public boolean hyperFlag(String key) {
        JsonNode node = root.path("hyper").get(key);
        assertThat(node).as("%s: hyper-parameter %s", name, key).isNotNull();
        return node.asBoolean();
    }

    /** An input as a float32 array; a leaf that collects its gradient when {@code gradient}. */
    public NDArray input(NDManager manager, String key, boolean gradient) {
        JsonNode node = entry("inputs", key);
        NDArray array = manager.create(floats(node), shape(node));
        if (gradient) {
            array.setRequiresGradient(true);
        }
        return array;
    }

    /** Integer labels as int64. */
    public NDArray labels(NDManager manager, String key) {
        JsonNode node = entry("labels", key);
        long[] values = new long[node.get("data").size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = node.get("data").get(i).asLong();
        }
        return manager.create(values, shape(node));
    }

    /**
     * Copies the fixture's values into {@code block}'s parameters: those keyed {@code "<prefix>/…"}, or all
     * of them for a {@code null} prefix. Every fixture parameter must exist in the block with the same
     * shape, and every trainable block parameter must have a fixture value.
     */
    public void setParameters(String prefix, Block block) {
        Map<String, JsonNode> values = parameters(prefix);
        Map<String, Parameter> params = byKey(block);
        for (Map.Entry<String, JsonNode> e : values.entrySet()) {
            Parameter p = params.get(e.getKey());
            assertThat(p).as("%s: DJL parameter %s (block has %s)", name, e.getKey(), params.keySet()).isNotNull();
            assertThat(p.getArray().getShape()).as("%s: shape of %s", name, e.getKey()).isEqualTo(shape(e.getValue()));
            p.getArray().set(floats(e.getValue()));
            assertThat(p.getArray().toFloatArray()).as("%s: %s after set", name, e.getKey())
                    .containsExactly(floats(e.getValue()));
        }
        Set<String> trainable = new TreeSet<>();
        params.forEach((k, p) -> {
            if (p.requiresGradient()) {
                trainable.add(k);
            }
        });
        assertThat(values.keySet()).as("%s: fixture parameters cover every trainable one", name).containsAll(trainable);
    }

    /** Compares the loss value. */
    public void assertLoss(NDArray loss) {
        compare("loss", new float[] {loss.getFloat()}, new float[] {(float) root.get("loss").asDouble()});
    }

    /** Compares a forward output with {@code outputs.<key>}. */
    public void assertOutput(String key, NDArray actual) {
        JsonNode node = entry("outputs", key);
        assertThat(actual.getShape()).as("%s: shape of output %s", name, key).isEqualTo(shape(node));
        compare("output " + key, actual.toFloatArray(), floats(node));
    }

    /** Compares an input leaf's gradient with {@code inputGradients.<key>} (no gradient at all counts as zero). */
    public void assertInputGradient(String key, NDArray input) {
        assertGradient("input gradient " + key, gradientOf(input), entry("inputGradients", key));
    }

    /** Compares the gradient of every trainable parameter of {@code block} (see {@link #setParameters}). */
    public void assertParameterGradients(String prefix, Block block) {
        Map<String, Parameter> params = byKey(block);
        Map<String, JsonNode> expected = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.get("gradients").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = strip(prefix, e.getKey());
            if (key != null) {
                expected.put(key, e.getValue());
            }
        }
        assertThat(expected).as("%s: gradients for block %s", name, prefix).isNotEmpty();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            if (!e.getValue().requiresGradient()) {
                assertThat(expected).as("%s: %s is not trained", name, e.getKey()).doesNotContainKey(e.getKey());
                continue;
            }
            JsonNode node = expected.get(e.getKey());
            assertThat(node).as("%s: fixture gradient of %s", name, e.getKey()).isNotNull();
            assertGradient("gradient " + e.getKey(), gradientOf(e.getValue().getArray()), node);
        }
    }

    /** The expected values at {@code section.key} (e.g. {@code reversalOutputGradient}), flattened. */
    public float[] expected(String section) {
        return floats(root.get(section));
    }

    /** Records and checks the max absolute difference of two arrays. */
    public double compare(String what, float[] actual, float[] expected) {
        assertThat(actual.length).as("%s: length of %s", name, what).isEqualTo(expected.length);
        double max = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = Math.abs((double) actual[i] - expected[i]);
            max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(max, d);
        }
        differences.merge(what, max, Math::max);
        assertThat(max).as("%s: max |imed − PyTorch| of %s = %.3e", name, what, max).isLessThanOrEqualTo(TOLERANCE);
        return max;
    }

    /** Every recorded comparison's max absolute difference. */
    public Map<String, Double> differences() {
        return differences;
    }

    /** One line per fixture: the largest differences of the loss, outputs, parameter and input gradients. */
    public String report() {
        double loss = 0;
        double outputs = 0;
        double params = 0;
        double inputs = 0;
        for (Map.Entry<String, Double> e : differences.entrySet()) {
            String k = e.getKey();
            double v = e.getValue();
            if (k.equals("loss")) {
                loss = Math.max(loss, v);
            } else if (k.startsWith("output")) {
                outputs = Math.max(outputs, v);
            } else if (k.startsWith("input gradient")) {
                inputs = Math.max(inputs, v);
            } else {
                params = Math.max(params, v);
            }
        }
        String line = String.format("gradient parity %s: max |Δ| loss %.2e, outputs %.2e, parameter gradients %.2e,"
                + " input gradients %.2e (%d comparisons)", name, loss, outputs, params, inputs, differences.size());
        System.out.println(line);
        return line;
    }

    private void assertGradient(String what, float[] actual, JsonNode expected) {
        float[] values = floats(expected);
        compare(what, actual == null ? new float[values.length] : actual, values);
    }

    private static float[] gradientOf(NDArray array) {
        if (!array.hasGradient()) {
            return null;
        }
        try {
            NDArray g = array.getGradient();
            return g.getDataType() == DataType.FLOAT32 ? g.toFloatArray() : g.toType(DataType.FLOAT32, false).toFloatArray();
        } catch (RuntimeException e) {
            // An undefined gradient (nothing reached this leaf): zero.
            return null;
        }
    }

    private Map<String, JsonNode> parameters(String prefix) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.get("parameters").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = strip(prefix, e.getKey());
            if (key != null) {
                values.put(key, e.getValue());
            }
        }
        assertThat(values).as("%s: parameters for block %s", name, prefix).isNotEmpty();
        return values;
    }

    private static String strip(String prefix, String key) {
        if (prefix == null) {
            return key.contains("/") ? null : key;
        }
        return key.startsWith(prefix + "/") ? key.substring(prefix.length() + 1) : null;
    }

    private static Map<String, Parameter> byKey(Block block) {
        Map<String, Parameter> params = new LinkedHashMap<>();
        block.getParameters().forEach(pair -> params.put(pair.getKey(), pair.getValue()));
        return params;
    }

    private JsonNode entry(String section, String key) {
        JsonNode node = root.path(section).get(key);
        assertThat(node).as("%s: %s.%s", name, section, key).isNotNull();
        return node;
    }

    private static Shape shape(JsonNode node) {
        List<Long> dims = new ArrayList<>();
        node.get("shape").forEach(d -> dims.add(d.asLong()));
        return new Shape(dims.stream().mapToLong(Long::longValue).toArray());
    }

    private static float[] floats(JsonNode node) {
        JsonNode data = node.get("data");
        float[] values = new float[data.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) data.get(i).asDouble();
        }
        return values;
    }
}
