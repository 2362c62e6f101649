package dev.imed.experiments.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MarkdownTableTest {

    @Test
    void cellsAreMeanAndSdOverSeedsAndTheMeanColumnAveragesEachSeedFirst() {
        MarkdownTable table = MarkdownTable.withRowHeader("model")
                .add("teacher", "A→W", 0, 84).add("teacher", "A→W", 1, 86)
                .add("teacher", "W→D", 0, 94).add("teacher", "W→D", 1, 96);
        // Per seed: 89 and 91.
        assertThat(table.render()).isEqualTo("| model | A→W | W→D | mean |\n|---|---:|---:|---:|\n"
                + "| teacher | 85.0 ± 1.4 | 95.0 ± 1.4 | 90.0 ± 1.4 |\n");
    }

    @Test
    void theMeanCountsOnlySeedsWithAValueInEveryColumn() {
        MarkdownTable table = MarkdownTable.withRowHeader("model")
                .add("IMED", "a", 0, 80).add("IMED", "b", 0, 90).add("IMED", "a", 1, 10);
        assertThat(table.mean("IMED")).isEqualTo(new Stats(85, 0, 1));
        assertThat(table.cell("IMED", "a").n()).isEqualTo(2);
    }

    @Test
    void oneColumnHasNoMeanColumnUnlessAskedAndEmptyOrDivergedCellsSaySo() {
        MarkdownTable table = MarkdownTable.withRowHeader("method").column("syn→mnist5k").row("dann")
                .add("mcc", "syn→mnist5k", 0, Double.NaN).add("cdan", "syn→mnist5k", 0, 71.25);
        assertThat(table.render()).isEqualTo("| method | syn→mnist5k |\n|---|---:|\n| dann | – |\n| mcc | diverged |\n| cdan | 71.3 |\n");
        assertThat(table.meanColumn(true).render()).contains("| method | syn→mnist5k | mean |", "| cdan | 71.3 | 71.3 |");
    }

    @Test
    void aBoldRowPrintsItsLabelInBold() {
        String md = MarkdownTable.withRowHeader("model").add("chosen", "t", 0, 1).add("other", "t", 0, 2).bold("chosen").render();
        assertThat(md).contains("| **chosen** | 1.0 |", "| other | 2.0 |");
    }
}
