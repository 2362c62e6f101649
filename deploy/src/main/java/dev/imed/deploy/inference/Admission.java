package dev.imed.deploy.inference;

import dev.imed.deploy.Rejected;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Admission control: what the server holds in memory for requests at once is bounded, and a request
 * that would go over is turned away at once with 503 and {@code Retry-After} (the client retries),
 * instead of being queued until the heap runs out.
 *
 * <ul>
 *   <li><b>images</b>: at most {@code maxImages} images admitted and not yet answered (being decoded,
 *       waiting for a batch or in one). Taken when a request arrives, for all of its images.
 *   <li><b>bytes</b>: at most {@code maxBytes} of decoded pixels (4 bytes each, after subsampling),
 *       input tensors and parsed JSON in flight. Taken before each image is decoded or a body parsed,
 *       given back as soon as the memory is no longer held. One reservation larger than the whole
 *       budget is let through when nothing else is held, so that no legal request is refused forever.
 * </ul>
 * <ul>
 *   <li><b>pixels</b>: at most {@code maxPixels} pixels, as declared by their headers, of large images
 *       waiting for a decoding worker or being decoded. Decoding time grows with them (subsampling saves
 *       memory, not work), so this bounds how long an admitted image waits for a worker.
 * </ul>
 * Everything a {@link Ticket} holds is given back when it is closed (the request is answered, fails
 * or is abandoned), exactly once.
 */
public final class Admission {
    /** Why a request was shed, for the metrics. */
    public enum Shed { IMAGES, BYTES, PIXELS, WORKERS }

    private final long maxBytes;
    private final int maxImages;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicInteger images = new AtomicInteger();
    private final long maxPixels;
    private final AtomicLong pixels = new AtomicLong();
    private final Consumer<Shed> onShed;

    public Admission(long maxBytes, int maxImages, long maxPixels, Consumer<Shed> onShed) {
        this.maxBytes = maxBytes;
        this.maxImages = maxImages;
        this.maxPixels = maxPixels;
        this.onShed = onShed;
    }

    public long pixelsInFlight() {
        return pixels.get();
    }

    public long bytesInFlight() {
        return bytes.get();
    }

    public int imagesInFlight() {
        return images.get();
    }

    /** Admits {@code count} images, or throws a busy {@link Rejected}. */
    public Ticket admit(int count) {
        while (true) {
            int now = images.get();
            if (now + count > maxImages && now > 0) {
                throw shed(Shed.IMAGES, now + " images are already being processed (the limit is " + maxImages + ")");
            }
            if (images.compareAndSet(now, now + count)) {
                return new Ticket(count);
            }
        }
    }

    /** Counts a request turned away for {@code reason} and gives the busy rejection to throw. */
    public Rejected shed(Shed reason, String detail) {
        onShed.accept(reason);
        return new Rejected(Rejected.Kind.BUSY, "the server is busy: " + detail + "; retry shortly");
    }

    /** What one request holds. Thread-safe: parts of a request run on different threads. */
    public final class Ticket implements AutoCloseable {
        private int heldImages;
        private long heldBytes;
        private long heldPixels;
        private boolean closed;

        private Ticket(int images) {
            this.heldImages = images;
        }

        /** Takes {@code amount} bytes more, or throws a busy {@link Rejected} (the ticket keeps what it had). */
        public synchronized void reserve(long amount) {
            if (closed) {
                throw new Rejected(Rejected.Kind.BUSY, "the request was abandoned");
            }
            while (true) {
                long now = bytes.get();
                if (now + amount > maxBytes && now > 0) {
                    throw shed(Shed.BYTES, (now >> 20) + " MiB of images are already being decoded or waiting (the limit is "
                            + (maxBytes >> 20) + " MiB)");
                }
                if (bytes.compareAndSet(now, now + amount)) {
                    heldBytes += amount;
                    return;
                }
            }
        }

        /** Takes {@code amount} declared pixels of images to decode, or throws a busy {@link Rejected}. */
        public synchronized void reservePixels(long amount) {
            if (closed) {
                throw new Rejected(Rejected.Kind.BUSY, "the request was abandoned");
            }
            while (true) {
                long now = pixels.get();
                if (now + amount > maxPixels && now > 0) {
                    throw shed(Shed.PIXELS, (now / 1_000_000) + " Mpx of large images are already waiting for or in decoding "
                            + "(the limit is " + maxPixels / 1_000_000 + " Mpx)");
                }
                if (pixels.compareAndSet(now, now + amount)) {
                    heldPixels += amount;
                    return;
                }
            }
        }

        /** Gives back {@code amount} of the declared pixels this ticket holds. */
        public synchronized void releasePixels(long amount) {
            long given = Math.min(amount, heldPixels);
            heldPixels -= given;
            pixels.addAndGet(-given);
        }

        /** Gives back {@code amount} of the bytes this ticket holds. */
        public synchronized void release(long amount) {
            long given = Math.min(amount, heldBytes);
            heldBytes -= given;
            bytes.addAndGet(-given);
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            bytes.addAndGet(-heldBytes);
            pixels.addAndGet(-heldPixels);
            images.addAndGet(-heldImages);
            heldBytes = 0;
            heldPixels = 0;
            heldImages = 0;
        }
    }
}
