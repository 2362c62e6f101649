package dev.imed.deploy.inference;

import dev.imed.core.transform.InputSpec;
import dev.imed.core.transform.Transform;
import dev.imed.deploy.Rejected;
import dev.imed.deploy.batch.DynamicBatcher;
import dev.imed.deploy.batch.Scores;
import dev.imed.deploy.image.ImageDecoder;
import dev.imed.deploy.model.LiveModel;
import dev.imed.deploy.model.ServedModel;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Classifies encoded images or ready tensors with the current model. Decoding and checks run on the
 * caller's thread and fail fast with {@link Rejected}; the returned future completes on the batcher
 * thread, so no thread waits for the forward pass.
 */
public final class InferenceService {
    /** The most images one request may carry; bigger jobs should be split by the client. */
    public static final int MAX_IMAGES_PER_REQUEST = 64;
    private static final long RESULT_TIMEOUT_SECONDS = 60;
    /** The evaluation transforms are deterministic; the generator is only there to satisfy the signature. */
    private static final Random UNUSED_RANDOM = new Random(0);

    private final LiveModel live;
    private final DynamicBatcher batcher;
    private final ImageDecoder decoder;

    public InferenceService(LiveModel live, DynamicBatcher batcher, ImageDecoder decoder) {
        this.live = live;
        this.batcher = batcher;
        this.decoder = decoder;
    }

    /** A snapshot of what is being served, for metadata routes; empty while nothing is loaded. */
    public Optional<ModelInfo> current() {
        Optional<ServedModel> model = live.acquire();
        if (model.isEmpty()) {
            return Optional.empty();
        }
        ServedModel m = model.get();
        try {
            return Optional.of(new ModelInfo(m.version(), m.classNames(), m.inputSpec()));
        } finally {
            m.release();
        }
    }

    /** Decodes and classifies encoded images (PNG, JPEG, GIF, BMP). */
    public CompletableFuture<Scores> classifyImages(List<byte[]> encoded) {
        checkCount(encoded.size());
        try (DynamicBatcher.Arrival arrival = batcher.expect()) {
            ServedModel model = acquire();
            float[] tensor;
            try {
                InputSpec spec = model.inputSpec();
                List<Transform> steps = spec.evalTransforms();
                tensor = new float[encoded.size() * spec.pixelsPerImage()];
                for (int i = 0; i < encoded.size(); i++) {
                    BufferedImage image = decode(encoded.get(i), i, encoded.size());
                    spec.toTensor(image, steps, UNUSED_RANDOM, tensor, i * spec.pixelsPerImage());
                }
            } catch (RuntimeException e) {
                model.release();
                throw e;
            }
            return withinTimeout(arrival.submit(model, tensor, encoded.size()));
        }
    }

    /**
     * Classifies a normalised {@code [N, C, H, W]} tensor, whose shape must match the current model's
     * input spec.
     */
    public CompletableFuture<Scores> classifyTensor(long[] shape, float[] data) {
        try (DynamicBatcher.Arrival arrival = batcher.expect()) {
            ServedModel model = acquire();
            try {
                InputSpec spec = model.inputSpec();
                long[] expected = {-1, spec.channels(), spec.height(), spec.width()};
                if (shape.length != 4 || shape[1] != expected[1] || shape[2] != expected[2] || shape[3] != expected[3] || shape[0] < 1) {
                    throw Rejected.invalid("the input tensor has shape " + Arrays.toString(shape)
                            + " but the model takes [N, " + spec.channels() + ", " + spec.height() + ", " + spec.width()
                            + "] with N ≥ 1 (normalised with mean " + Arrays.toString(spec.mean())
                            + " and std " + Arrays.toString(spec.std()) + ")");
                }
                checkCount(shape[0]);
                if (data.length != shape[0] * spec.pixelsPerImage()) {
                    throw Rejected.invalid("the input tensor has " + data.length + " values but its shape "
                            + Arrays.toString(shape) + " needs " + shape[0] * spec.pixelsPerImage());
                }
            } catch (RuntimeException e) {
                model.release();
                throw e;
            }
            return withinTimeout(arrival.submit(model, data, (int) shape[0]));
        }
    }

    private static void checkCount(long count) {
        if (count < 1) {
            throw Rejected.invalid("no images in the request");
        }
        if (count > MAX_IMAGES_PER_REQUEST) {
            throw new Rejected(Rejected.Kind.TOO_LARGE, count + " images in one request, the limit is "
                    + MAX_IMAGES_PER_REQUEST + ": split the request");
        }
    }

    private BufferedImage decode(byte[] bytes, int index, int total) {
        try {
            return decoder.decode(bytes);
        } catch (Rejected e) {
            throw total == 1 ? e : new Rejected(e.kind(), "image " + index + ": " + e.getMessage());
        }
    }

    private ServedModel acquire() {
        return live.acquire().orElseThrow(() -> new Rejected(Rejected.Kind.NOT_READY,
                "no student version is loaded yet: the registry has no servable version"));
    }

    /** Bounds the wait and turns failures into what a client should see. */
    private static CompletableFuture<Scores> withinTimeout(CompletableFuture<Scores> result) {
        return result.orTimeout(RESULT_TIMEOUT_SECONDS, TimeUnit.SECONDS).handle((scores, error) -> {
            if (error == null) {
                return scores;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof Rejected rejected) {
                throw rejected;
            }
            if (cause instanceof TimeoutException) {
                throw new Rejected(Rejected.Kind.BUSY, "no result within " + RESULT_TIMEOUT_SECONDS + " s: the server is overloaded");
            }
            throw new IllegalStateException("inference failed: " + cause.getMessage(), cause);
        });
    }
}
