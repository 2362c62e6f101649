package dev.imed.deploy.oip;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imed.deploy.Rejected;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Reads an inference request body, per the v2 JSON spec: {@code {"id"?, "inputs": [{"name",
 * "datatype", "shape", "data"}], "outputs"?: [{"name"}]}}, with {@code data} flat or nested in
 * row-major order. Every way a body can be wrong has its own message.
 */
final class InferRequestParser {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private InferRequestParser() {}

    /** The deepest nesting a request needs: the object, inputs, an input, and a [N, 3, H, W] data array. */
    static final int MAX_DEPTH = 8;

    /**
     * A cheap streaming pass over the body before it is parsed into a tree: it must be one JSON object,
     * well-formed, nested at most {@value #MAX_DEPTH} deep, with nothing after it. Nothing is kept, so a
     * malformed or hostile body is refused without the memory a tree of it would take.
     */
    static void precheck(byte[] body) {
        if (body == null || body.length == 0) {
            return; // parse() says what to send
        }
        try (com.fasterxml.jackson.core.JsonParser parser = MAPPER.getFactory().createParser(body)) {
            com.fasterxml.jackson.core.JsonToken token = parser.nextToken();
            if (token != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                throw Rejected.invalid("the body must be a JSON object with an \"inputs\" array");
            }
            int depth = 1;
            while (depth > 0) {
                token = parser.nextToken();
                if (token == null) {
                    throw Rejected.invalid("the body is not valid JSON: it ends before the object is closed");
                }
                if (token.isStructStart()) {
                    if (++depth > MAX_DEPTH) {
                        throw Rejected.invalid("the body is nested more than " + MAX_DEPTH + " levels deep: an inference "
                                + "request needs at most [N, 3, H, W] inside inputs[0].data");
                    }
                } else if (token.isStructEnd()) {
                    depth--;
                }
            }
            if (parser.nextToken() != null) {
                throw Rejected.invalid("the body holds more than one JSON value");
            }
        } catch (JsonProcessingException e) {
            throw Rejected.invalid("the body is not valid JSON: " + e.getOriginalMessage().replaceAll("\\[Source: [^;]*; ", "[")
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()));
        } catch (IOException e) {
            throw Rejected.invalid("the body cannot be read as JSON: " + e.getMessage());
        }
    }

    static InferRequest parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw Rejected.invalid("the request body is empty: send {\"inputs\": [{\"name\": \"input\", \"datatype\": \"FP32\", "
                    + "\"shape\": [N, 3, H, W], \"data\": [...]}]}");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw Rejected.invalid("the body is not valid JSON: " + e.getOriginalMessage().replaceAll("\\[Source: [^;]*; ", "[")
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()));
        } catch (IOException e) {
            throw Rejected.invalid("the body cannot be read as JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw Rejected.invalid("the body must be a JSON object with an \"inputs\" array");
        }
        String id = null;
        JsonNode idNode = root.get("id");
        if (idNode != null && !idNode.isNull()) {
            if (!idNode.isTextual()) {
                throw Rejected.invalid("\"id\" must be a string");
            }
            id = idNode.asText();
        }
        JsonNode inputs = root.get("inputs");
        if (inputs == null || !inputs.isArray()) {
            throw Rejected.invalid("the body has no \"inputs\" array");
        }
        if (inputs.size() != 1) {
            throw Rejected.invalid("the model takes exactly one input, the request has " + inputs.size());
        }
        return new InferRequest(id, input(inputs.get(0)), outputs(root.get("outputs")));
    }

    private static InferRequest.Input input(JsonNode input) {
        if (!input.isObject()) {
            throw Rejected.invalid("inputs[0] must be an object with name, datatype, shape and data");
        }
        JsonNode name = input.get("name");
        if (name != null && !name.isTextual()) {
            throw Rejected.invalid("inputs[0].name must be a string");
        }
        JsonNode datatype = input.get("datatype");
        if (datatype == null || !datatype.isTextual()) {
            throw Rejected.invalid("inputs[0].datatype is missing: use \"FP32\" for a normalised tensor or \"BYTES\" for encoded images");
        }
        long[] shape = shape(input.get("shape"));
        JsonNode data = input.get("data");
        if (data == null || !data.isArray()) {
            throw Rejected.invalid("inputs[0].data must be an array (flat or nested, row-major)");
        }
        long expected = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        int count = countLeaves(data, 0);
        if (count != expected) {
            throw Rejected.invalid("inputs[0] has shape " + Arrays.toString(shape) + " (" + expected + " elements) but its data holds "
                    + count + " elements");
        }
        return switch (datatype.asText()) {
            case "FP32" -> new InferRequest.Fp32Tensor(shape, floats(data, count));
            case "BYTES" -> {
                if (!(shape.length == 1 || (shape.length == 2 && shape[1] == 1))) {
                    throw Rejected.invalid("a BYTES input holds one encoded image per element: its shape must be [N] or [N, 1], got "
                            + Arrays.toString(shape));
                }
                yield new InferRequest.EncodedImages(images(data));
            }
            default -> throw Rejected.invalid("inputs[0].datatype " + datatype.asText()
                    + " is not supported: use \"FP32\" for a normalised [N, 3, H, W] tensor or \"BYTES\" for base64-encoded images");
        };
    }

    private static long[] shape(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw Rejected.invalid("inputs[0].shape must be a non-empty array of sizes, e.g. [1, 3, 28, 28]");
        }
        long[] shape = new long[node.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode size = node.get(i);
            if (!size.canConvertToExactIntegral() || !size.isNumber() || size.asLong() < 0 || size.asLong() > Integer.MAX_VALUE) {
                throw Rejected.invalid("inputs[0].shape[" + i + "] must be a non-negative integer, got " + size);
            }
            shape[i] = size.asLong();
        }
        try {
            long total = Arrays.stream(shape).reduce(1, Math::multiplyExact);
            if (total > Integer.MAX_VALUE) {
                throw Rejected.invalid("inputs[0].shape " + Arrays.toString(shape) + " is far too large");
            }
        } catch (ArithmeticException e) {
            throw Rejected.invalid("inputs[0].shape " + Arrays.toString(shape) + " is far too large");
        }
        return shape;
    }

    private static int countLeaves(JsonNode node, int depth) {
        if (depth > 8) {
            throw Rejected.invalid("inputs[0].data is nested more deeply than any tensor this model takes");
        }
        if (!node.isArray()) {
            return 1;
        }
        int count = 0;
        for (JsonNode child : node) {
            count += countLeaves(child, depth + 1);
        }
        return count;
    }

    private static float[] floats(JsonNode data, int count) {
        float[] values = new float[count];
        int[] next = {0};
        fill(data, values, next);
        return values;
    }

    private static void fill(JsonNode node, float[] values, int[] next) {
        if (node.isArray()) {
            for (JsonNode child : node) {
                fill(child, values, next);
            }
            return;
        }
        if (!node.isNumber()) {
            throw Rejected.invalid("FP32 data element " + next[0] + " is " + node.getNodeType().name().toLowerCase() + " " + abbreviate(node)
                    + ", not a number");
        }
        float value = node.floatValue();
        if (!Float.isFinite(value)) {
            throw Rejected.invalid("FP32 data element " + next[0] + " (" + node + ") does not fit a 32-bit float");
        }
        values[next[0]++] = value;
    }

    private static List<byte[]> images(JsonNode data) {
        List<JsonNode> leaves = new ArrayList<>();
        collect(data, leaves);
        List<byte[]> images = new ArrayList<>(leaves.size());
        Base64.Decoder base64 = Base64.getDecoder();
        for (int i = 0; i < leaves.size(); i++) {
            JsonNode leaf = leaves.get(i);
            if (!leaf.isTextual()) {
                throw Rejected.invalid("BYTES data element " + i + " must be a base64 string holding an encoded image, got "
                        + leaf.getNodeType().name().toLowerCase());
            }
            try {
                images.add(base64.decode(leaf.asText()));
            } catch (IllegalArgumentException e) {
                throw Rejected.invalid("BYTES data element " + i + " is not valid base64: " + e.getMessage());
            }
        }
        return images;
    }

    private static void collect(JsonNode node, List<JsonNode> leaves) {
        if (node.isArray()) {
            node.forEach(child -> collect(child, leaves));
        } else {
            leaves.add(node);
        }
    }

    private static List<String> outputs(JsonNode node) {
        if (node == null || node.isNull()) {
            return OpenInferenceController.OUTPUTS;
        }
        if (!node.isArray() || node.isEmpty()) {
            throw Rejected.invalid("\"outputs\" must be a non-empty array of {\"name\": ...}");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode output : node) {
            JsonNode name = output.get("name");
            if (name == null || !name.isTextual()) {
                throw Rejected.invalid("every element of \"outputs\" needs a \"name\" string");
            }
            if (!OpenInferenceController.OUTPUTS.contains(name.asText())) {
                throw Rejected.invalid("unknown output '" + name.asText() + "': this model has " + OpenInferenceController.OUTPUTS);
            }
            names.add(name.asText());
        }
        return names;
    }

    private static String abbreviate(JsonNode node) {
        String text = node.toString();
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}
