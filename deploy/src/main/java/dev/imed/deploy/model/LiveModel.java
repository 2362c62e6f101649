package dev.imed.deploy.model;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** The model currently served; swapping is a single atomic exchange. */
public final class LiveModel implements AutoCloseable {
    private final AtomicReference<ServedModel> current = new AtomicReference<>();

    /**
     * The current model with a reference taken for the caller, who must {@link ServedModel#release()}
     * it; empty while no version has been loaded.
     */
    public Optional<ServedModel> acquire() {
        while (true) {
            ServedModel model = current.get();
            if (model == null) {
                return Optional.empty();
            }
            if (model.tryRetain()) {
                return Optional.of(model);
            }
            // Swapped out and fully released between the read and the retain: read the new one.
        }
    }

    /** Makes {@code next} current; the previous model closes once its last request releases it. */
    public void swap(ServedModel next) {
        ServedModel previous = current.getAndSet(next);
        if (previous != null) {
            previous.release();
        }
    }

    /** The current version, 0 when none is loaded. */
    public long version() {
        ServedModel model = current.get();
        return model == null ? 0 : model.version();
    }

    public boolean isReady() {
        return current.get() != null;
    }

    @Override
    public void close() {
        swap(null);
    }
}
