package dev.imed.deploy.api;

import dev.imed.deploy.Rejected;
import dev.imed.deploy.batch.Scores;
import dev.imed.deploy.inference.InferenceService;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Part;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.multipart.CompletedFileUpload;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /v1/predict}: one image, as the raw body or as the multipart field {@code file}, in,
 * the predicted class and the top-k probabilities out. It runs on the event loop, which
 * {@link InferenceService} leaves for a worker only when an image is large; the response is written
 * when the batch completes, with no thread waiting for it.
 */
@Controller("/v1")
public class PredictController {
    static final int DEFAULT_TOP_K = 5;
    private static final String DESCRIPTION = "The image is the raw body (image/png, image/jpeg, image/gif or image/bmp) "
            + "or the multipart/form-data field 'file'; it must fit the server's request-size and pixel limits.";

    private final InferenceService inference;

    public PredictController(InferenceService inference) {
        this.inference = inference;
    }

    // Both routes share one OpenAPI operation (same path and method), so they carry the same description.
    @Operation(summary = "Classify one image", description = DESCRIPTION)
    @ApiResponse(responseCode = "200", description = "The prediction")
    @ApiResponse(responseCode = "400", description = "Empty, corrupt or non-image body, no 'file' part, or topK out of range",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "413", description = "Body larger than the request limit",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "415", description = "Content type other than an accepted image type or multipart/form-data",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "422", description = "Image with more pixels than the limit",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @Post(uri = "/predict", consumes = {MediaType.IMAGE_PNG, MediaType.IMAGE_JPEG, MediaType.IMAGE_GIF, "image/bmp"},
            produces = MediaType.APPLICATION_JSON)
    public CompletableFuture<Prediction> predictImage(HttpRequest<?> request,
                                   @Body @Nullable byte[] image,
                                   @Parameter(description = "How many classes to list, 1..C (default 5, or C if fewer)")
                                   @QueryValue @Nullable Integer topK) {
        return predict(request, image, topK);
    }

    @Operation(summary = "Classify one image", description = DESCRIPTION)
    @Post(uri = "/predict", consumes = MediaType.MULTIPART_FORM_DATA, produces = MediaType.APPLICATION_JSON)
    public CompletableFuture<Prediction> predictUpload(HttpRequest<?> request,
                                    @Part("file") @Nullable CompletedFileUpload file,
                                    @QueryValue @Nullable Integer topK) {
        if (file == null) {
            throw Rejected.invalid("the multipart request has no field named 'file': upload the image as 'file'");
        }
        byte[] bytes;
        try {
            bytes = file.getBytes();
        } catch (IOException e) {
            throw Rejected.invalid("the uploaded file cannot be read: " + e.getMessage());
        }
        return predict(request, bytes, topK);
    }

    private CompletableFuture<Prediction> predict(HttpRequest<?> request, byte[] image, Integer topK) {
        if (image == null || image.length == 0) {
            throw Rejected.invalid("the request body is empty: send the bytes of a PNG, JPEG, GIF or BMP image");
        }
        if (topK != null) {
            // Checked before any work is done; the class count cannot change to make it wrong: a version with
            // another class list is refused unless the server allows schema changes, and then the check below
            // still answers 400.
            int classes = inference.current().map(m -> m.classNames().size()).orElse(Integer.MAX_VALUE);
            if (topK < 1 || topK > classes) {
                throw Rejected.invalid("the query parameter topK must be between 1 and "
                        + (classes == Integer.MAX_VALUE ? "the number of classes" : classes + " (the number of classes)")
                        + ", got " + topK);
            }
        }
        CompletableFuture<Scores> scores = inference.classifyImages(List.of(image), RequestThreads.eventLoopOf(request));
        CompletableFuture<Prediction> response = scores.thenApply(s -> prediction(request, s, topK));
        // A client that has gone (the framework cancels its response) leaves no forward pass behind.
        InferenceService.cancelTogether(response, scores);
        return response;
    }

    private static Prediction prediction(HttpRequest<?> request, Scores scores, Integer topK) {
        int classes = scores.classes();
        int k = topK == null ? Math.min(DEFAULT_TOP_K, classes) : topK;
        if (k > classes) {
            throw Rejected.invalid("the query parameter topK must be between 1 and " + classes + " (the number of classes), got " + topK);
        }
        List<Prediction.ClassProbability> top = new ArrayList<>(k);
        for (int label : scores.topK(0, k)) {
            top.add(new Prediction.ClassProbability(label, scores.classNames().get(label), scores.probability(0, label)));
        }
        int label = scores.argmax(0);
        return new Prediction(label, scores.classNames().get(label), top, scores.modelVersion(), elapsedMs(request));
    }

    static double elapsedMs(HttpRequest<?> request) {
        long started = request.getAttribute(RequestMetricsFilter.STARTED, Long.class).orElse(System.nanoTime());
        return Math.round((System.nanoTime() - started) / 1e3) / 1e3;
    }
}
