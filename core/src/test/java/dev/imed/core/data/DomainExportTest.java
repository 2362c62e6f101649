package dev.imed.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.core.testing.MiniTrees;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DomainExportTest {
    @TempDir Path tmp;

    @Test
    void writesOnePngPerImageUnderItsClassAndReadsBackAsAFolder() throws IOException {
        InMemoryDomain digits = DigitDomains.open("uci1797").subset("uci-30", range(0, 30));
        Path out = tmp.resolve("export");

        int written = DomainExport.export(digits, out);

        assertThat(written).isEqualTo(30);
        assertThat(MiniTrees.filesEndingWith(out, ".png")).hasSize(30);
        Domain back = Domains.open("folder:" + out);
        assertThat(back.size()).isEqualTo(30);
        assertThat(LayoutChecks.counts(back)).containsExactly(LayoutChecks.counts(digits));
        // Image 7 of the domain is <label>/07.png and keeps its pixels exactly (PNG is lossless).
        Path seventh = out.resolve(digits.classNames().get(digits.label(7))).resolve("07.png");
        BufferedImage expected = digits.load(7);
        BufferedImage actual = FileDomain.read(seventh);
        assertThat(actual.getWidth()).isEqualTo(28);
        assertThat(actual.getRGB(0, 0, 28, 28, null, 0, 28)).isEqualTo(expected.getRGB(0, 0, 28, 28, null, 0, 28));
        assertThat(siblings(out)).isEmpty();
    }

    @Test
    void unlabelledImagesGoToOneDirectoryAndAnOldExportIsReplaced() throws IOException {
        Path root = MiniTrees.imageFolder(tmp.resolve("src"), List.of("a", "b"), 3);
        Domain unlabelled = Domains.open("folder:" + root).withoutLabels();
        Path out = tmp.resolve("export");
        MiniTrees.writeText(out.resolve("stale/old.png"), "left from an earlier export");

        int written = DomainExport.export(unlabelled, out);

        assertThat(written).isEqualTo(6);
        try (Stream<Path> dirs = Files.list(out)) {
            assertThat(dirs.map(p -> p.getFileName().toString())).containsExactly(DomainExport.UNLABELLED_DIR);
        }
        assertThat(MiniTrees.filesEndingWith(out, ".png")).extracting(p -> p.getFileName().toString())
                .containsExactly("0.png", "1.png", "2.png", "3.png", "4.png", "5.png");
        assertThat(siblings(out)).isEmpty();
    }

    @Test
    void classNamesThatAreNotFileNamesAreMadeSafe() {
        assertThat(DomainExport.directoryNames(List.of("a/b", "a_b", "..", "ok")))
                .containsExactly("a_b", "a_b_2", "_..", "ok");
    }

    /** Hidden staging or old directories left beside {@code out}. */
    private static List<String> siblings(Path out) throws IOException {
        try (Stream<Path> all = Files.list(out.getParent())) {
            return all.map(p -> p.getFileName().toString()).filter(name -> name.startsWith(".")).toList();
        }
    }

    private static int[] range(int from, int to) {
        return IntStream.range(from, to).toArray();
    }
}
