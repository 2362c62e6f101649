package dev.imed.core.data;

import java.nio.file.Path;

/**
 * A dataset layout a domain can be opened from, {@code LAYOUT:PATH} on the command line (e.g.
 * {@code office31:ROOT/amazon}). Implementations register with
 * {@code @AutoService(DomainLayout.class)} and need a public no-argument constructor; {@link Domains}
 * finds them.
 */
public interface DomainLayout {

    /** The prefix users type before the colon, e.g. {@code office31}. */
    String name();

    /** Opens the domain at {@code path}, or throws a {@link DatasetException} saying what is wrong there. */
    Domain open(Path path);
}
