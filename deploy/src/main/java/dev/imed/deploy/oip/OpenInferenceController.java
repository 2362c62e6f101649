package dev.imed.deploy.oip;

import dev.imed.deploy.Rejected;
import dev.imed.deploy.ServeConfig;
import dev.imed.deploy.api.ApiError;
import dev.imed.deploy.api.RequestThreads;
import dev.imed.deploy.batch.Scores;
import dev.imed.deploy.inference.InferenceService;
import dev.imed.deploy.inference.ModelInfo;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.inject.Named;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The Open Inference Protocol routes. The model is named by the server's configuration (default
 * {@code student}); its version is the registry version being served. Inference requests are parsed
 * on the event loop when their body is small, on a worker thread otherwise.
 */
@Controller("/v2")
public class OpenInferenceController {
    /** The outputs every inference can return. */
    static final List<String> OUTPUTS = List.of("logits", "probabilities", "label", "class_name");
    private static final String PLATFORM = "djl_pytorch";
    /**
     * Bodies up to this size are parsed on the event loop: a request with a few base64 images (a
     * fraction of a millisecond to parse). An FP32 tensor of one 28×28 image is already ~30 KB of text.
     */
    static final int INLINE_PARSE_BYTES = 16 * 1024;

    private final InferenceService inference;
    private final String modelName;
    private final Executor worker;

    /**
     * Parsing a JSON body into a tree takes up to this many times its size in memory (a number of two
     * characters becomes a node of some 24 bytes); that much is reserved from admission control first.
     */
    static final int PARSE_MEMORY_FACTOR = 16;

    public OpenInferenceController(InferenceService inference, ServeConfig config, @Named(InferenceService.WORKERS) java.util.concurrent.ExecutorService worker) {
        this.inference = inference;
        this.modelName = config.modelName();
        this.worker = worker;
    }

    @Operation(summary = "Server metadata")
    @Get
    public Messages.ServerMetadata server() {
        return new Messages.ServerMetadata("imed", "1", List.of());
    }

    @Operation(summary = "Liveness: 200 while the process serves HTTP")
    @Get("/health/live")
    public Messages.Live live() {
        return new Messages.Live(true);
    }

    @Operation(summary = "Readiness: 200 once a student version is loaded, 503 before")
    @Get("/health/ready")
    public HttpResponse<Messages.Ready> ready() {
        boolean ready = inference.current().isPresent();
        return HttpResponse.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(new Messages.Ready(ready));
    }

    @Operation(summary = "Model metadata: versions, input and output tensors")
    @ApiResponse(responseCode = "404", description = "No model of that name",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @Get("/models/{name}")
    public Messages.ModelMetadata model(@PathVariable String name) {
        ModelInfo model = servedModel(name);
        long classes = model.classNames().size();
        var spec = model.inputSpec();
        return new Messages.ModelMetadata(modelName, List.of(Long.toString(model.version())), PLATFORM,
                List.of(new Messages.TensorMetadata("input", "FP32", List.of(-1L, (long) spec.channels(), (long) spec.height(), (long) spec.width())),
                        new Messages.TensorMetadata("input", "BYTES", List.of(-1L))),
                List.of(new Messages.TensorMetadata("logits", "FP32", List.of(-1L, classes)),
                        new Messages.TensorMetadata("probabilities", "FP32", List.of(-1L, classes)),
                        new Messages.TensorMetadata("label", "INT64", List.of(-1L)),
                        new Messages.TensorMetadata("class_name", "BYTES", List.of(-1L))));
    }

    @Operation(summary = "Model readiness")
    @Get("/models/{name}/ready")
    public HttpResponse<Messages.ModelReady> modelReady(@PathVariable String name) {
        checkName(name);
        boolean ready = inference.current().isPresent();
        return HttpResponse.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(new Messages.ModelReady(modelName, ready));
    }

    @Operation(summary = "Inference on an FP32 tensor [N, 3, H, W] (normalised per the model's input spec) "
            + "or a BYTES tensor [N] of base64-encoded images")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @io.swagger.v3.oas.annotations.media.ExampleObject(
            value = "{\"id\": \"1\", \"inputs\": [{\"name\": \"input\", \"datatype\": \"BYTES\", \"shape\": [1], \"data\": [\"iVBORw0KGgo...\"]}]}")))
    @ApiResponse(responseCode = "200", description = "logits and probabilities FP32 [N, C], label INT64 [N], class_name BYTES [N]")
    @ApiResponse(responseCode = "400", description = "Malformed JSON, wrong datatype or shape, bad base64 or image",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "404", description = "No model of that name",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @Post(uri = "/models/{name}/infer", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public CompletableFuture<Messages.InferResponse> infer(HttpRequest<?> http, @PathVariable String name, @Body @Nullable byte[] body) {
        checkName(name);
        Executor respondOn = RequestThreads.eventLoopOf(http);
        if (body == null || body.length <= INLINE_PARSE_BYTES) {
            return infer(body, respondOn);
        }
        try {
            return CompletableFuture.supplyAsync(() -> infer(body, respondOn), worker).thenCompose(response -> response);
        } catch (RejectedExecutionException e) {
            throw inference.admission().shed(dev.imed.deploy.inference.Admission.Shed.WORKERS,
                    "every worker is busy and their queue is full, none can parse the request");
        }
    }

    private CompletableFuture<Messages.InferResponse> infer(byte[] body, Executor respondOn) {
        // Checked with a streaming pass (no tree, no numbers kept) before the parse that builds the tree.
        InferRequestParser.precheck(body);
        InferRequest request;
        if (body == null || body.length <= INLINE_PARSE_BYTES) {
            request = InferRequestParser.parse(body);
        } else {
            try (var ticket = inference.admission().admit(0)) {
                ticket.reserve((long) PARSE_MEMORY_FACTOR * body.length);
                request = InferRequestParser.parse(body);
            }
        }
        CompletableFuture<Scores> scores = request.input() instanceof InferRequest.Fp32Tensor tensor
                ? inference.classifyTensor(tensor.shape(), tensor.data(), respondOn)
                : inference.classifyImages(((InferRequest.EncodedImages) request.input()).images(), respondOn);
        CompletableFuture<Messages.InferResponse> response = scores.thenApply(s -> new Messages.InferResponse(modelName,
                Long.toString(s.modelVersion()), request.id(), outputs(s, request.outputs())));
        InferenceService.cancelTogether(response, scores);
        return response;
    }

    private static List<Messages.OutputTensor> outputs(Scores scores, List<String> names) {
        long n = scores.count();
        long classes = scores.classes();
        List<Messages.OutputTensor> outputs = new ArrayList<>(names.size());
        for (String name : names) {
            outputs.add(switch (name) {
                case "logits" -> new Messages.OutputTensor(name, "FP32", List.of(n, classes), scores.logits());
                case "probabilities" -> new Messages.OutputTensor(name, "FP32", List.of(n, classes), scores.probabilities());
                case "label" -> {
                    long[] labels = new long[scores.count()];
                    for (int i = 0; i < labels.length; i++) {
                        labels[i] = scores.argmax(i);
                    }
                    yield new Messages.OutputTensor(name, "INT64", List.of(n), labels);
                }
                case "class_name" -> {
                    List<String> classNames = new ArrayList<>(scores.count());
                    for (int i = 0; i < scores.count(); i++) {
                        classNames.add(scores.classNames().get(scores.argmax(i)));
                    }
                    yield new Messages.OutputTensor(name, "BYTES", List.of(n), classNames);
                }
                default -> throw new IllegalStateException("unknown output " + name);
            });
        }
        return outputs;
    }

    private ModelInfo servedModel(String name) {
        checkName(name);
        return inference.current().orElseThrow(() -> new Rejected(Rejected.Kind.NOT_READY,
                "model '" + modelName + "' has no version loaded yet"));
    }

    private void checkName(String name) {
        if (!modelName.equals(name)) {
            throw new Rejected(Rejected.Kind.UNKNOWN_MODEL, "unknown model '" + name + "': this server serves '" + modelName + "'");
        }
    }
}
