package dev.imed.cli;

import dev.imed.core.data.ContactSheet;
import dev.imed.core.data.Domain;
import dev.imed.core.data.DomainExport;
import dev.imed.core.data.Domains;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code imed data …}: look at a domain or write it out. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Inspect, export or picture a domain.",
        subcommands = {DataCommand.Info.class, DataCommand.Export.class, DataCommand.Show.class})
final class DataCommand {

    @Command(name = "info", mixinStandardHelpOptions = true, description = "Print a domain's size and classes.")
    static final class Info implements Callable<Integer> {
        @Parameters(paramLabel = "DOMAIN", completionCandidates = PluginNames.Layouts.class,
                description = "a built-in domain (syn, mnist5k, uci1797) or LAYOUT:PATH, LAYOUT one of ${COMPLETION-CANDIDATES}")
        String domain;

        @Override
        public Integer call() {
            Domain d = Domains.open(domain);
            int[] counts = new int[d.numClasses()];
            if (d.labelled()) {
                for (int label : d.labels()) {
                    counts[label]++;
                }
            }
            System.out.printf("%s: %d images, %d classes, %s%n", d.name(), d.size(), d.numClasses(), d.labelled() ? "labelled" : "unlabelled");
            for (int c = 0; c < d.numClasses(); c++) {
                System.out.printf("  %3d  %-24s %d%n", c, d.classNames().get(c), counts[c]);
            }
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true, description = "Write a domain as a PNG image folder <out>/<class>/<index>.png.")
    static final class Export implements Callable<Integer> {
        @Parameters(paramLabel = "DOMAIN", description = "the domain to export")
        String domain;
        @Option(names = "--out", required = true, description = "output directory (replaced atomically)")
        Path out;

        @Override
        public Integer call() {
            int n = DomainExport.export(Domains.open(domain), out);
            System.out.println("wrote " + n + " images to " + out);
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Write a contact sheet: a few labelled images per class, as PNG.")
    static final class Show implements Callable<Integer> {
        @Parameters(paramLabel = "DOMAIN", description = "the domain to picture")
        String domain;
        @Option(names = "--out", required = true, description = "PNG file to write")
        Path out;
        @Option(names = "--per-class", defaultValue = "8", description = "images per class (default: ${DEFAULT-VALUE})")
        int perClass;

        @Override
        public Integer call() {
            ContactSheet.write(Domains.open(domain), out, perClass, ContactSheet.DEFAULT_CELL);
            System.out.println("wrote " + out);
            return 0;
        }
    }
}
