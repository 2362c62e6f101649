package dev.imed.cli;

import dev.imed.core.data.Domains;
import dev.imed.fusion.net.FusionKind;
import java.util.Iterator;

/**
 * The registered plug-in names as picocli completion candidates, so that help texts list
 * {@code ${COMPLETION-CANDIDATES}} from the registries instead of a hand-kept copy.
 */
final class PluginNames {
    private PluginNames() {}

    /** The UDA methods. */
    static final class Methods implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return dev.imed.ensemble.method.Methods.names().iterator();
        }
    }

    /** The backbones, as written ({@code torchscript:FILE}). */
    static final class Backbones implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return dev.imed.model.backbone.Backbones.usages().iterator();
        }
    }

    /** The fusion kinds. */
    static final class Fusions implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return FusionKind.names().iterator();
        }
    }

    /** The label-free selections of a teacher's iterate. */
    static final class Selections implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return dev.imed.fusion.selection.SelectionCriterion.names().iterator();
        }
    }

    /** The dataset layouts. */
    static final class Layouts implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Domains.layouts().iterator();
        }
    }
}
