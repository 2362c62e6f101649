package dev.imed.deploy.inference;

import dev.imed.core.image.GuardedImageDecoder;
import dev.imed.core.transform.InputSpec;
import dev.imed.core.transform.Transform;
import dev.imed.deploy.Rejected;
import dev.imed.deploy.batch.DynamicBatcher;
import dev.imed.deploy.batch.Scores;
import dev.imed.deploy.model.LiveModel;
import dev.imed.deploy.model.ServedModel;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Classifies encoded images or ready tensors with the current model.
 *
 * <p>Threads: it is called on the HTTP event loop. Images whose headers declare few pixels in all
 * (a digit, a thumbnail: tens of microseconds of work) are decoded right there, which costs less than
 * the two thread hand-overs a worker would; larger ones are decoded on the {@code worker} executor so
 * that the event loop never stalls. Checks fail fast with {@link Rejected}. The returned future
 * completes on the caller's {@code respondOn} executor once the batch is done, so no thread waits for
 * the forward pass.
 */
public final class InferenceService {
    /** The most images one request may carry; bigger jobs should be split by the client. */
    public static final int MAX_IMAGES_PER_REQUEST = 64;
    /** The most pixels (over all images of a request) decoded on the calling thread: 128×128. */
    public static final long INLINE_DECODE_PIXELS = 128 * 128;
    private static final long RESULT_TIMEOUT_SECONDS = 60;
    /** The evaluation transforms are deterministic; the generator is only there to satisfy the signature. */
    private static final Random UNUSED_RANDOM = new Random(0);

    private final LiveModel live;
    private final DynamicBatcher batcher;
    private final GuardedImageDecoder decoder;
    private final Executor worker;

    public InferenceService(LiveModel live, DynamicBatcher batcher, GuardedImageDecoder decoder, Executor worker) {
        this.live = live;
        this.batcher = batcher;
        this.decoder = decoder;
        this.worker = worker;
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

    /** Decodes and classifies encoded images (PNG, JPEG, GIF, BMP); the result completes on {@code respondOn}. */
    public CompletableFuture<Scores> classifyImages(List<byte[]> encoded, Executor respondOn) {
        checkCount(encoded.size());
        DynamicBatcher.Arrival arrival = batcher.expect();
        ServedModel model;
        try {
            model = acquire();
        } catch (RuntimeException e) {
            arrival.close();
            throw e;
        }
        // From here on the arrival and the model reference belong to the request, wherever it continues.
        // (submit() itself gives both back if it fails.)
        Images images;
        boolean decoded;
        try {
            images = new Images(model.inputSpec(), encoded);
            decoded = images.decode(INLINE_DECODE_PIXELS);
        } catch (RuntimeException e) {
            arrival.close();
            model.release();
            throw e;
        }
        if (decoded) {
            return withinTimeout(arrival.submit(model, images.tensor, encoded.size(), respondOn));
        }
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    images.decode(Long.MAX_VALUE);
                } catch (RuntimeException e) {
                    arrival.close();
                    model.release();
                    throw e;
                }
                return withinTimeout(arrival.submit(model, images.tensor, encoded.size(), respondOn));
            }, worker).thenCompose(result -> result);
        } catch (RejectedExecutionException e) {
            arrival.close();
            model.release();
            throw new Rejected(Rejected.Kind.BUSY, "the server is busy: no worker can decode the images, retry shortly");
        }
    }

    /** A request's images, preprocessed into one tensor as far as a pixel budget allows. */
    private final class Images {
        private final InputSpec spec;
        private final List<Transform> steps;
        private final List<byte[]> encoded;
        private final float[] tensor;
        private int done;

        Images(InputSpec spec, List<byte[]> encoded) {
            this.spec = spec;
            this.steps = spec.evalTransforms();
            this.encoded = encoded;
            this.tensor = new float[encoded.size() * spec.pixelsPerImage()];
        }

        /** Decodes the remaining images while their pixels fit {@code budget}; true once all are done. */
        boolean decode(long budget) {
            long left = budget;
            while (done < encoded.size()) {
                GuardedImageDecoder.BudgetedResult result = decoder.decodeWithin(encoded.get(done), left);
                if (result instanceof GuardedImageDecoder.Refused refused) {
                    throw rejection(refused, done, encoded.size());
                }
                if (!(result instanceof GuardedImageDecoder.Decoded decoded)) {
                    return false; // over the budget: the rest is decoded elsewhere
                }
                BufferedImage image = decoded.image();
                left -= (long) image.getWidth() * image.getHeight();
                spec.toTensor(image, steps, UNUSED_RANDOM, tensor, done * spec.pixelsPerImage());
                done++;
            }
            return true;
        }
    }

    /**
     * Classifies a normalised {@code [N, C, H, W]} tensor, whose shape must match the current model's
     * input spec; the result completes on {@code respondOn}.
     */
    public CompletableFuture<Scores> classifyTensor(long[] shape, float[] data, Executor respondOn) {
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
            return withinTimeout(arrival.submit(model, data, (int) shape[0], respondOn));
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

    /** A header declaring too many pixels is well-formed but too much work (422); any other problem is a bad request. */
    private static Rejected rejection(GuardedImageDecoder.Refused refused, int index, int total) {
        Rejected.Kind kind = refused.problem() == GuardedImageDecoder.Problem.TOO_MANY_PIXELS
                ? Rejected.Kind.UNPROCESSABLE : Rejected.Kind.INVALID;
        return new Rejected(kind, total == 1 ? refused.detail() : "image " + index + ": " + refused.detail());
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
