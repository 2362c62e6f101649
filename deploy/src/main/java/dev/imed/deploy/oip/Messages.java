package dev.imed.deploy.oip;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** The response bodies of the Open Inference Protocol, field names as the spec spells them. */
final class Messages {
    private Messages() {}

    @Schema(description = "Server liveness")
    record Live(boolean live) {}

    @Schema(description = "Server readiness")
    record Ready(boolean ready) {}

    @Schema(description = "Model readiness")
    record ModelReady(String name, boolean ready) {}

    @Schema(description = "Server metadata")
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record ServerMetadata(String name, String version, List<String> extensions) {}

    @Schema(description = "A tensor's name, datatype and shape (-1: any size)")
    record TensorMetadata(String name, String datatype, List<Long> shape) {}

    @Schema(description = "Model metadata")
    record ModelMetadata(String name, List<String> versions, String platform, List<TensorMetadata> inputs,
                         List<TensorMetadata> outputs) {}

    @Schema(description = "An output tensor, data flat in row-major order")
    record OutputTensor(String name, String datatype, List<Long> shape, Object data) {}

    @Schema(description = "An inference response")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record InferResponse(@JsonProperty("model_name") String modelName,
                         @JsonProperty("model_version") String modelVersion,
                         String id,
                         List<OutputTensor> outputs) {}
}
