package dev.imed.core.testing;

import dev.imed.core.data.Domain;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A domain that behaves like {@code inner} for {@code healthyLoads} image loads, then throws; it counts the loads. */
public final class FailingDomain implements Domain {
    private final Domain inner;
    private final int healthyLoads;
    private final AtomicInteger loads = new AtomicInteger();

    public FailingDomain(Domain inner, int healthyLoads) {
        this.inner = inner;
        this.healthyLoads = healthyLoads;
    }

    /** A domain that only counts its loads. */
    public static FailingDomain counting(Domain inner) {
        return new FailingDomain(inner, Integer.MAX_VALUE);
    }

    public int loads() {
        return loads.get();
    }

    @Override public String name() { return inner.name(); }
    @Override public List<String> classNames() { return inner.classNames(); }
    @Override public int size() { return inner.size(); }
    @Override public int label(int index) { return inner.label(index); }
    @Override public String locate(int index) { return inner.locate(index); }

    @Override
    public BufferedImage load(int index) {
        if (loads.incrementAndGet() > healthyLoads) {
            throw new IllegalStateException("injected failure: the disk went away");
        }
        return inner.load(index);
    }
}
