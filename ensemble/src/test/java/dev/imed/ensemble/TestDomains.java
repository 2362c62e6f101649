package dev.imed.ensemble;

import dev.imed.core.data.DigitDomains;
import dev.imed.core.data.Domain;
import dev.imed.core.data.InMemoryDomain;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/** Small real digit domains for fast tests. */
public final class TestDomains {
    private TestDomains() {}

    /** {@code n} MNIST images, balanced over the classes. */
    public static InMemoryDomain mnistSubset(int n) {
        InMemoryDomain mnist = DigitDomains.open("mnist5k");
        int stride = mnist.size() / n;
        // The sheet's rows are sorted by class: a stride picks every class equally.
        return mnist.subset("mnist" + n, IntStream.range(0, n).map(i -> i * stride).toArray());
    }

    /** A domain that behaves like {@code inner} for {@code healthyLoads} image loads, then throws. */
    public static final class Failing implements Domain {
        private final Domain inner;
        private final int healthyLoads;
        private final AtomicInteger loads = new AtomicInteger();

        public Failing(Domain inner, int healthyLoads) {
            this.inner = inner;
            this.healthyLoads = healthyLoads;
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
}
