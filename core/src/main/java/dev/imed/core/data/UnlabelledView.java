package dev.imed.core.data;

import java.awt.image.BufferedImage;
import java.util.List;

/** A domain's images with the labels hidden: what a training loop gets for the target domain. */
record UnlabelledView(Domain inner) implements Domain {
    @Override public String name() { return inner.name(); }
    @Override public List<String> classNames() { return inner.classNames(); }
    @Override public int size() { return inner.size(); }
    @Override public int label(int index) { return UNLABELLED; }
    @Override public BufferedImage load(int index) { return inner.load(index); }
    @Override public String locate(int index) { return inner.locate(index); }
    @Override public Domain withoutLabels() { return this; }
}
