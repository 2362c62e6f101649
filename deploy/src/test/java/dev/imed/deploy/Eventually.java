package dev.imed.deploy;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Waits for what the server does in the background (a registry poll, a reload), bounded in time: 90 s,
 * far more than a quiet machine needs, because the shared one can starve test JVMs for minutes.
 */
final class Eventually {
    private Eventually() {}

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
