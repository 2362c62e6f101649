package dev.imed.cli;

import dev.imed.core.bundle.Bundle;
import dev.imed.core.bundle.Json;
import dev.imed.core.data.Domain;
import dev.imed.core.data.Domains;
import dev.imed.core.metrics.ConfusionMatrix;
import dev.imed.core.model.Classifier;
import dev.imed.core.model.Evaluation;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code imed evaluate BUNDLE --domain D}: accuracy and per-class accuracy of any bundle. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Measure a bundle's accuracy (and per-class accuracy) on a labelled domain.")
final class EvaluateCommand implements Callable<Integer> {
    @Parameters(paramLabel = "BUNDLE", description = "a component, teacher or student bundle directory")
    Path bundleDir;
    @Option(names = "--domain", required = true, description = "labelled domain to evaluate on")
    String domain;
    @Option(names = "--json", description = "also write the result as JSON to this file")
    Path json;

    @Override
    public Integer call() {
        Bundle bundle = Bundle.open(bundleDir);
        Domain d = Domains.open(domain);
        try (Classifier model = Models.load(bundle)) {
            ConfusionMatrix matrix = Evaluation.evaluate(model, d);
            System.out.printf(Locale.ROOT, "%s %s on %s: accuracy %.2f%% (%d images), mean class accuracy %.2f%%%n",
                    bundle.manifest().kind(), bundle.manifest().method(), d.name(), matrix.accuracy(), matrix.total(),
                    matrix.meanClassAccuracy());
            double[] perClass = matrix.perClassAccuracy();
            for (int c = 0; c < perClass.length; c++) {
                System.out.printf(Locale.ROOT, "  %-24s %6.2f%%%n", d.classNames().get(c), perClass[c]);
            }
            if (json != null) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("bundle", bundle.dir().toString());
                out.put("kind", bundle.manifest().kind());
                out.put("method", bundle.manifest().method());
                out.put("domain", d.name());
                out.putAll(matrix.summary());
                Json.writeFile(json, out);
            }
        }
        return 0;
    }
}
