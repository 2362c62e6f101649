package dev.imed.ensemble.train;

/** Training produced a non-finite loss: the run is over, and says at which iteration. */
public class DivergedException extends IllegalStateException {
    public DivergedException(String message) {
        super(message);
    }
}
