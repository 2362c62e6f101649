package dev.imed.deploy.oip;

import java.util.List;

/**
 * A parsed and checked inference request.
 *
 * @param id the client's request id, echoed in the response, or {@code null}
 * @param input the one input tensor
 * @param outputs the outputs asked for, in order
 */
record InferRequest(String id, Input input, List<String> outputs) {

    /** The input: a ready tensor or encoded images. */
    sealed interface Input permits Fp32Tensor, EncodedImages {}

    /** FP32 values, row-major, already normalised for the model. */
    record Fp32Tensor(long[] shape, float[] data) implements Input {}

    /** BYTES elements, each one encoded image. */
    record EncodedImages(List<byte[]> images) implements Input {}
}
