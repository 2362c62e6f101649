package dev.imed.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.core.testing.MiniTrees;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContactSheetTest {
    @TempDir Path tmp;

    @Test
    void writesAGridWithOneRowPerClass() throws IOException {
        Domain digits = Domains.open("uci1797");
        Path file = tmp.resolve("sheets/uci.png");

        ContactSheet.write(digits, file);

        BufferedImage sheet = ImageIO.read(file.toFile());
        assertThat(sheet).isNotNull();
        assertThat(sheet.getWidth()).isEqualTo(2 * ContactSheet.MARGIN + ContactSheet.LABEL_WIDTH
                + ContactSheet.DEFAULT_PER_CLASS * (ContactSheet.DEFAULT_CELL + ContactSheet.GAP));
        assertThat(sheet.getHeight()).isEqualTo(2 * ContactSheet.MARGIN + ContactSheet.TITLE_HEIGHT
                + 10 * (ContactSheet.DEFAULT_CELL + ContactSheet.GAP));
        // White background, black text in the title and label column, digit ink in the cells.
        assertThat(sheet.getRGB(sheet.getWidth() - 1, sheet.getHeight() - 1) & 0xffffff).isEqualTo(0xffffff);
        assertThat(darkPixels(sheet, 0, 0, sheet.getWidth(), ContactSheet.MARGIN + ContactSheet.TITLE_HEIGHT)).isGreaterThan(50);
        assertThat(darkPixels(sheet, 0, ContactSheet.MARGIN + ContactSheet.TITLE_HEIGHT,
                ContactSheet.MARGIN + ContactSheet.LABEL_WIDTH, 20)).isGreaterThan(5);
        int firstCellX = ContactSheet.MARGIN + ContactSheet.LABEL_WIDTH;
        int firstCellY = ContactSheet.MARGIN + ContactSheet.TITLE_HEIGHT;
        assertThat(darkPixels(sheet, firstCellX, firstCellY, ContactSheet.DEFAULT_CELL, ContactSheet.DEFAULT_CELL))
                .as("digits are white on black, so their cells are mostly dark")
                .isGreaterThan(ContactSheet.DEFAULT_CELL * ContactSheet.DEFAULT_CELL / 3);
        try (var files = Files.list(file.getParent())) {
            assertThat(files.count()).as("no temporary file left").isEqualTo(1);
        }
    }

    @Test
    void showsTheClassColoursOfAFolderDomain() {
        List<String> classes = List.of("a", "b", "c");
        Domain domain = Domains.open("folder:" + MiniTrees.imageFolder(tmp.resolve("root"), classes, 5));

        BufferedImage sheet = ContactSheet.render(domain, 3, 32);

        assertThat(sheet.getWidth()).isEqualTo(ContactSheet.MIN_WIDTH);
        assertThat(sheet.getHeight()).isEqualTo(2 * ContactSheet.MARGIN + ContactSheet.TITLE_HEIGHT + 3 * (32 + ContactSheet.GAP));
        for (int k = 0; k < classes.size(); k++) {
            int x = ContactSheet.MARGIN + ContactSheet.LABEL_WIDTH + 2 * (32 + ContactSheet.GAP) + 16;
            int y = ContactSheet.MARGIN + ContactSheet.TITLE_HEIGHT + k * (32 + ContactSheet.GAP) + 16;
            assertThat(MiniTrees.near(sheet.getRGB(x, y), MiniTrees.classColour(k), LayoutChecks.TOLERANCE))
                    .as("third image of class %s", classes.get(k)).isTrue();
        }
    }

    @Test
    void showsAtMostSixteenClassesAndSaysSo() throws IOException {
        List<String> classes = new ArrayList<>();
        for (int k = 0; k < 20; k++) {
            classes.add(String.format("class%02d", k));
        }
        Domain domain = Domains.open("folder:" + MiniTrees.imageFolder(tmp.resolve("many"), classes, 1));
        Path file = tmp.resolve("many.png");

        ContactSheet.write(domain, file, 2, 16);

        BufferedImage sheet = ImageIO.read(file.toFile());
        assertThat(sheet.getHeight()).isEqualTo(2 * ContactSheet.MARGIN + ContactSheet.TITLE_HEIGHT
                + ContactSheet.MAX_CLASSES * (16 + ContactSheet.GAP) + ContactSheet.NOTE_HEIGHT);
        int noteTop = ContactSheet.MARGIN + ContactSheet.TITLE_HEIGHT + ContactSheet.MAX_CLASSES * (16 + ContactSheet.GAP);
        assertThat(darkPixels(sheet, 0, noteTop, sheet.getWidth(), ContactSheet.NOTE_HEIGHT)).isGreaterThan(20);
    }

    @Test
    void anUnlabelledDomainIsShownInRowsOfImages() {
        Domain domain = Domains.open("uci1797").withoutLabels();

        BufferedImage sheet = ContactSheet.render(domain, 5, 20);

        assertThat(sheet.getHeight()).isEqualTo(2 * ContactSheet.MARGIN + ContactSheet.TITLE_HEIGHT
                + ContactSheet.UNLABELLED_ROWS * (20 + ContactSheet.GAP));
    }

    private static int darkPixels(BufferedImage image, int x0, int y0, int w, int h) {
        int dark = 0;
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                int rgb = image.getRGB(x, y);
                int luma = ((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff);
                dark += luma < 3 * 96 ? 1 : 0;
            }
        }
        return dark;
    }
}
