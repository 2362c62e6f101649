package dev.imed.ensemble;

import dev.imed.core.data.DigitDomains;
import dev.imed.core.data.InMemoryDomain;
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
}
