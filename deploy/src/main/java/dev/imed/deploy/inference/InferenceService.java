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
    /** The name of the bounded executor bean that decodes large images and parses large bodies. */
    public static final String WORKERS = "imed-decode";
    /** The most images one request may carry; bigger jobs should be split by the client. */
    public static final int MAX_IMAGES_PER_REQUEST = 64;
    /** The most pixels (over all images of a request) decoded on the calling thread: 128×128. */
    public static final long INLINE_DECODE_PIXELS = 128 * 128;
    /** The evaluation transforms are deterministic; the generator is only there to satisfy the signature. */
    private static final Random UNUSED_RANDOM = new Random(0);

    private final LiveModel live;
    private final DynamicBatcher batcher;
    private final GuardedImageDecoder decoder;
    private final Executor worker;
    private final Admission admission;
    private final long timeoutNanos;

    public InferenceService(LiveModel live, DynamicBatcher batcher, GuardedImageDecoder decoder, Executor worker,
                            Admission admission, long timeoutMs) {
        this.live = live;
        this.batcher = batcher;
        this.decoder = decoder;
        this.worker = worker;
        this.admission = admission;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    }

    public Admission admission() {
        return admission;
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

    /**
     * Decodes and classifies encoded images (PNG, JPEG, GIF, BMP); the result completes on {@code respondOn}.
     * A request over the admission limits, or that finds every decoding worker busy, is refused at once
     * as busy (503 with {@code Retry-After}).
     */
    public CompletableFuture<Scores> classifyImages(List<byte[]> encoded, Executor respondOn) {
        checkCount(encoded.size());
        Admission.Ticket ticket = admission.admit(encoded.size());
        CompletableFuture<Scores> result;
        try {
            result = classifyAdmitted(encoded, respondOn, ticket);
        } catch (RuntimeException e) {
            ticket.close();
            throw e;
        }
        result.whenComplete((scores, error) -> ticket.close());
        return result;
    }

    private CompletableFuture<Scores> classifyAdmitted(List<byte[]> encoded, Executor respondOn, Admission.Ticket ticket) {
        long deadline = System.nanoTime() + timeoutNanos;
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
            // The input tensor is held until the batch is done.
            ticket.reserve((long) encoded.size() * model.inputSpec().pixelsPerImage() * Float.BYTES);
            images = new Images(model.inputSpec(), encoded, ticket);
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
            // The headers of the rest, read here (tens of µs each): bad ones are refused now, and the work
            // they declare is admitted (or shed) before anything waits for a worker.
            images.probeRest();
        } catch (RuntimeException e) {
            arrival.close();
            model.release();
            throw e;
        }
        try {
            java.util.concurrent.atomic.AtomicReference<CompletableFuture<Scores>> inner = new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.atomic.AtomicBoolean abandoned = new java.util.concurrent.atomic.AtomicBoolean();
            CompletableFuture<Scores> composed = CompletableFuture.supplyAsync(() -> {
                try {
                    if (abandoned.get()) {
                        throw new Rejected(Rejected.Kind.BUSY, "the request was abandoned before it was decoded");
                    }
                    if (System.nanoTime() > deadline) {
                        throw new Rejected(Rejected.Kind.BUSY, "the request waited " + timeoutNanos / 1_000_000
                                + " ms for a decoding worker: the server is overloaded, retry shortly");
                    }
                    images.decode(Long.MAX_VALUE);
                } catch (RuntimeException e) {
                    arrival.close();
                    model.release();
                    throw e;
                }
                CompletableFuture<Scores> submitted = withinTimeout(arrival.submit(model, images.tensor, encoded.size(), respondOn));
                inner.set(submitted);
                return submitted;
            }, worker).thenCompose(result -> result);
            composed.whenComplete((scores, error) -> {
                if (composed.isCancelled()) {
                    // A caller that has gone: skip the decode if it has not started, the forward pass if it has.
                    abandoned.set(true);
                    CompletableFuture<Scores> work = inner.get();
                    if (work != null) {
                        work.cancel(false);
                    }
                }
            });
            return composed;
        } catch (RejectedExecutionException e) {
            arrival.close();
            model.release();
            throw admission.shed(Admission.Shed.WORKERS, "every decoding worker is busy and their queue is full");
        }
    }

    /** The size an image must keep when decoded for {@code spec}: twice what its pipeline resizes to, so that resizing still smooths. */
    static int[] decodeSize(InputSpec spec) {
        return spec.resize() > 0
                ? new int[] {2 * spec.resize(), 2 * spec.resize()}
                : new int[] {2 * spec.width(), 2 * spec.height()};
    }

    /** A request's images, preprocessed into one tensor as far as a pixel budget allows. */
    private final class Images {
        private final InputSpec spec;
        private final List<Transform> steps;
        private final List<byte[]> encoded;
        private final Admission.Ticket ticket;
        private final int minWidth;
        private final int minHeight;
        private final float[] tensor;
        /** The declared width and height of each image not decoded inline, once {@link #probeRest} has read them. */
        private final int[][] declared;
        private int done;

        Images(InputSpec spec, List<byte[]> encoded, Admission.Ticket ticket) {
            this.spec = spec;
            this.steps = spec.evalTransforms();
            this.encoded = encoded;
            this.ticket = ticket;
            int[] size = decodeSize(spec);
            this.minWidth = size[0];
            this.minHeight = size[1];
            this.tensor = new float[encoded.size() * spec.pixelsPerImage()];
            this.declared = new int[encoded.size()][];
        }

        /** Reads the headers of the images not decoded yet and reserves the pixels they declare. */
        void probeRest() {
            long total = 0;
            for (int i = done; i < encoded.size(); i++) {
                GuardedImageDecoder.BudgetedResult header = decoder.decodeWithin(encoded.get(i), 0, minWidth, minHeight);
                if (header instanceof GuardedImageDecoder.Refused refused) {
                    throw rejection(refused, i, encoded.size());
                }
                GuardedImageDecoder.OverBudget size = (GuardedImageDecoder.OverBudget) header;
                declared[i] = new int[] {size.width(), size.height()};
                total += size.pixels();
            }
            ticket.reservePixels(total);
        }

        /**
         * Decodes the remaining images while their declared pixels fit {@code budget}; true once all are
         * done. An image decoded off the event loop (budget unbounded) first reserves the memory its
         * decoded (subsampled) pixels take, and gives it back once they are in the tensor.
         */
        boolean decode(long budget) {
            long left = budget;
            while (done < encoded.size()) {
                byte[] bytes = encoded.get(done);
                long reserved = 0;
                int[] size = declared[done];
                if (size != null) {
                    reserved = GuardedImageDecoder.decodedPixels(size[0], size[1], minWidth, minHeight) * 4;
                    ticket.reserve(reserved);
                }
                try {
                    GuardedImageDecoder.BudgetedResult result = decoder.decodeWithin(bytes, left, minWidth, minHeight);
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
                } finally {
                    ticket.release(reserved);
                    if (size != null) {
                        ticket.releasePixels((long) size[0] * size[1]);
                    }
                }
            }
            return true;
        }
    }

    /**
     * Classifies a normalised {@code [N, C, H, W]} tensor, whose shape must match the current model's
     * input spec; the result completes on {@code respondOn}.
     */
    public CompletableFuture<Scores> classifyTensor(long[] shape, float[] data, Executor respondOn) {
        int count = shape.length == 4 && shape[0] >= 1 ? (int) Math.min(shape[0], MAX_IMAGES_PER_REQUEST + 1L) : 1;
        checkCount(count);
        Admission.Ticket ticket = admission.admit(count);
        CompletableFuture<Scores> result;
        try {
            ticket.reserve((long) data.length * Float.BYTES);
            result = classifyTensorAdmitted(shape, data, respondOn);
        } catch (RuntimeException e) {
            ticket.close();
            throw e;
        }
        result.whenComplete((scores, error) -> ticket.close());
        return result;
    }

    private CompletableFuture<Scores> classifyTensorAdmitted(long[] shape, float[] data, Executor respondOn) {
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
    private CompletableFuture<Scores> withinTimeout(CompletableFuture<Scores> result) {
        // orTimeout completes the job's own future, so the batcher sees it is done and skips it; so does a
        // cancellation of the future handed out (a caller that has gone).
        CompletableFuture<Scores> handled = result.orTimeout(timeoutNanos, TimeUnit.NANOSECONDS).handle((scores, error) -> {
            if (error == null) {
                return scores;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof Rejected rejected) {
                throw rejected;
            }
            if (cause instanceof TimeoutException) {
                throw new Rejected(Rejected.Kind.BUSY, "no result within " + timeoutNanos / 1_000_000
                        + " ms: the server is overloaded, retry shortly");
            }
            throw new IllegalStateException("inference failed: " + cause.getMessage(), cause);
        });
        cancelTogether(handled, result);
        return handled;
    }

    /** When {@code outer} is cancelled, {@code inner} (the work it waits for) is cancelled too. */
    public static void cancelTogether(CompletableFuture<?> outer, CompletableFuture<?> inner) {
        outer.whenComplete((value, error) -> {
            if (outer.isCancelled()) {
                inner.cancel(false);
            }
        });
    }
}
