package dev.imed.cli;

import dev.imed.core.bundle.Json;
import dev.imed.core.bundle.Manifest;
import dev.imed.model.registry.StudentRegistry;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code imed registry list|show|pin|unpin|rollback}: look at a student registry and move its
 * {@code current} pointer, which running servers follow. Exit 0 when done, 2 on bad input (no such
 * registry or version, a version that is not a sound bundle), 1 when the registry cannot be read or written.
 */
@Command(name = "registry", mixinStandardHelpOptions = true,
        description = "List a student registry's versions and choose the one servers serve (pin, unpin, rollback).",
        subcommands = {RegistryCommand.ListVersions.class, RegistryCommand.Show.class, RegistryCommand.Pin.class,
            RegistryCommand.Unpin.class, RegistryCommand.Rollback.class})
final class RegistryCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The registry option and the exit-code convention shared by the subcommands. */
    abstract static class Base implements Callable<Integer> {
        @Option(names = "--registry", required = true, description = "the registry directory")
        Path dir;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public final Integer call() {
            try {
                if (!Files.isDirectory(dir)) {
                    return fail(Imed.BAD_INPUT, dir + ": no such registry directory");
                }
                return run(new StudentRegistry(dir));
            } catch (IllegalArgumentException e) {
                return fail(Imed.BAD_INPUT, e.getMessage());
            } catch (IllegalStateException | UncheckedIOException e) {
                return fail(1, e.getMessage());
            }
        }

        abstract int run(StudentRegistry registry);

        int fail(int code, String message) {
            spec.commandLine().getErr().println("imed registry: " + message);
            return code;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "One line per version, newest first: validity, creation time, agreement, which one is served.")
    static final class ListVersions extends Base {
        @Override
        int run(StudentRegistry registry) {
            Optional<Long> pinned = registry.pinned();
            Optional<Long> serving = registry.serving();
            System.out.println("pointer: " + pinned.map(v -> "pinned to " + StudentRegistry.name(v))
                    .orElse("latest (servers follow the newest valid version)"));
            List<Long> versions = registry.newestFirst();
            if (versions.isEmpty()) {
                System.out.println("no versions");
            }
            for (long v : versions) {
                Optional<String> problem = registry.problem(v);
                Optional<Manifest> m = registry.manifest(v);
                String created = m.map(Manifest::created).orElse("?");
                String agreement = m.map(x -> quality(x.metrics())).orElse("");
                String mark = serving.isPresent() && serving.get() == v ? (pinned.isPresent() ? "  <- serving (pinned)" : "  <- serving") : "";
                System.out.printf("%s  %-7s  %s%s%s%s%n", StudentRegistry.name(v), problem.isEmpty() ? "valid" : "INVALID",
                        created, agreement, mark, problem.map(p -> "  (" + p + ")").orElse(""));
            }
            List<Path> stale = registry.staleStaging();
            if (!stale.isEmpty()) {
                System.out.println(stale.size() + " unfinished staging director" + (stale.size() == 1 ? "y" : "ies")
                        + " (a publisher stopped before its rename; never served): " + stale);
            }
            return 0;
        }

        private static String quality(Map<String, Object> metrics) {
            Object gate = metrics.get("qualityGate");
            if (gate instanceof Map<?, ?> g && g.get("agreement") != null) {
                return "  agreement " + g.get("agreement");
            }
            Object stream = metrics.get("streamAgreement");
            return stream == null ? "" : "  stream agreement " + stream;
        }
    }

    /** A subcommand about one version, given as its number or directory name. */
    abstract static class OneVersion extends Base {
        @Parameters(paramLabel = "VERSION", description = "version number (7) or directory name (v000007)")
        String version;

        @Override
        final int run(StudentRegistry registry) {
            return run(registry, parse(version));
        }

        abstract int run(StudentRegistry registry, long v);
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print a version's validity and manifest.")
    static final class Show extends OneVersion {
        @Override
        int run(StudentRegistry registry, long v) {
            Optional<Manifest> manifest = registry.manifest(v);
            if (!Files.isDirectory(registry.directory(v))) {
                throw new IllegalArgumentException("version " + v + " does not exist in " + registry.root());
            }
            Optional<String> problem = registry.problem(v);
            System.out.println(StudentRegistry.name(v) + ": " + problem.map(p -> "INVALID: " + p).orElse("valid"));
            manifest.ifPresent(m -> System.out.println(Json.write(m)));
            return 0;
        }
    }

    @Command(name = "pin", mixinStandardHelpOptions = true, description = "Serve this version until unpinned.")
    static final class Pin extends OneVersion {
        @Override
        int run(StudentRegistry registry, long v) {
            registry.pin(v);
            System.out.println("pinned " + StudentRegistry.name(v));
            return 0;
        }
    }

    @Command(name = "unpin", mixinStandardHelpOptions = true, description = "Serve the newest valid version again.")
    static final class Unpin extends Base {
        @Override
        int run(StudentRegistry registry) {
            registry.unpin();
            System.out.println("unpinned: servers follow the newest valid version"
                    + registry.newestValid().map(v -> " (now " + StudentRegistry.name(v) + ")").orElse(""));
            return 0;
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Pin the newest valid version before the one being served.")
    static final class Rollback extends Base {
        @Override
        int run(StudentRegistry registry) {
            Optional<Long> before = registry.serving();
            long v = registry.rollback();
            System.out.println("rolled back from " + before.map(StudentRegistry::name).orElse("?") + " to "
                    + StudentRegistry.name(v) + " (pinned; 'imed registry unpin' to follow new versions again)");
            return 0;
        }
    }

    static long parse(String text) {
        String digits = text.startsWith("v") ? text.substring(1) : text;
        try {
            long v = Long.parseLong(digits);
            if (v < 1) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a version: give a number such as 7 or v000007");
        }
    }
}
