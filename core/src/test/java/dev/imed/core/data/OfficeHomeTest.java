package dev.imed.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.core.testing.MiniTrees;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OfficeHomeTest {
    private static final List<String> CLASSES = MiniTrees.OFFICE_HOME_CLASSES;

    @TempDir Path tmp;

    @Test
    void opensADomainDirectory() {
        Path root = MiniTrees.officeHome(tmp.resolve("OfficeHome"), List.of("Art", "Real_World"), CLASSES, 3);

        Domain art = Domains.open("officehome:" + root.resolve("Art"));
        Domain real = Domains.open("officehome:" + root.resolve("Real_World"));

        assertThat(art).isInstanceOf(OfficeHome.class);
        assertThat(art.name()).isEqualTo("officehome:Art");
        assertThat(real.name()).isEqualTo("officehome:Real_World");
        assertThat(art.classNames()).containsExactlyElementsOf(CLASSES);
        assertThat(art.size()).isEqualTo(9);
        assertThat(art.labels()).containsExactly(0, 0, 0, 1, 1, 1, 2, 2, 2);
        LayoutChecks.imagesMatchLabels(art, CLASSES);
        LayoutChecks.imagesMatchLabels(real, CLASSES);
        // The domain frame differs between Art and Real_World: same class, same index, other pixels.
        assertThat(art.load(0).getRGB(0, 0)).isNotEqualTo(real.load(0).getRGB(0, 0));
    }

    @Test
    void theRootIsNotTakenForADomainWithFourClasses() {
        Path root = MiniTrees.officeHome(tmp.resolve("OfficeHome"), List.of("Art", "Clipart"), CLASSES, 1);
        LayoutChecks.assertRefused("officehome:" + root, root.toString(), "Office-Home root");
    }

    @Test
    void aFileIsNotADomain() {
        Path root = MiniTrees.officeHome(tmp.resolve("OfficeHome"), List.of("Art"), CLASSES, 1);
        Path file = root.resolve("Art/Backpack/00001.jpg");
        LayoutChecks.assertRefused("officehome:" + file, file.toString(), "not a directory");
    }
}
