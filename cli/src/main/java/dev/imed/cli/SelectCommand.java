package dev.imed.cli;

import dev.imed.core.bundle.Bundle;
import dev.imed.core.bundle.Json;
import dev.imed.core.data.Domains;
import dev.imed.core.model.Classifier;
import dev.imed.fusion.selection.ModelSelection;
import dev.imed.fusion.selection.SelectionCriterion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code imed select --criterion ensv --domain D BUNDLE...}: which of several trained models to keep for a target
 * that has no labels, e.g. teachers trained with different levers. Labels, if the domain has them, are never read.
 */
@Command(name = "select", mixinStandardHelpOptions = true,
        description = {"Choose among trained bundles on a target domain without reading its labels.",
            "Each bundle's target predictions are scored by the criterion; the highest wins (a tie goes to the later one).",
            "",
            "  imed select --domain mnist5k runs/teacher-a runs/teacher-b runs/teacher-c"})
final class SelectCommand implements Callable<Integer> {
    @Parameters(paramLabel = "BUNDLE", arity = "1..*", description = "component, teacher or student bundles with the same classes")
    List<Path> bundles;
    @Option(names = "--domain", required = true, description = "the target domain (its labels, if any, are not read)")
    String domain;
    @Option(names = "--criterion", defaultValue = "ensv",
            description = "ensv (agreement with the candidates' mean prediction) or snd (soft neighbourhood density) (default: ${DEFAULT-VALUE})")
    String criterion;
    @Option(names = "--json", description = "also write the scores and the choice as JSON to this file")
    Path json;

    @Override
    public Integer call() {
        SelectionCriterion chosenBy = SelectionCriterion.parse(criterion);
        // Every bundle is checked before any model is run; the models are then opened one at a time.
        List<Bundle> opened = bundles.stream().map(Bundle::open).toList();
        List<Supplier<Classifier>> models = opened.stream().map(b -> (Supplier<Classifier>) () -> Models.load(b)).toList();
        ModelSelection choice = ModelSelection.choose(chosenBy, models, Domains.open(domain));
        List<Map<String, Object>> candidates = new ArrayList<>();
        for (int i = 0; i < bundles.size(); i++) {
            System.out.printf(Locale.ROOT, "%s %.4f  %s%n", i == choice.selected() ? "*" : " ", choice.scores()[i], bundles.get(i));
            candidates.add(Map.of("bundle", bundles.get(i).toString(), "score", choice.scores()[i]));
        }
        System.out.println("selected (" + chosenBy.id() + "): " + bundles.get(choice.selected()));
        if (json != null) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("criterion", chosenBy.id());
            result.put("domain", domain);
            result.put("candidates", candidates);
            result.put("selected", bundles.get(choice.selected()).toString());
            Json.writeFile(json, result);
        }
        return Imed.SUCCESS;
    }
}
