package dev.imed.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imed.core.data.DomainLayout;
import dev.imed.core.data.ImageFolderDomain;
import org.junit.jupiter.api.Test;

/** On the real dataset layouts core registers with AutoService. */
class RegistryTest {
    private final Registry<DomainLayout> layouts = Registry.load(DomainLayout.class, DomainLayout::name, "layout");

    @Test
    void discoversTheAnnotatedPluginsSortedByName() {
        assertThat(layouts.names()).containsExactly("folder", "list", "office31", "officehome", "visda");
        assertThat(layouts.get(" Folder ")).isInstanceOf(ImageFolderDomain.Layout.class);
    }

    @Test
    void sharesOneInstanceButCreatesFreshOnesOnRequest() {
        assertThat(layouts.get("list")).isSameAs(layouts.get("list"));
        assertThat(layouts.create("list")).isNotSameAs(layouts.create("list")).isInstanceOf(layouts.get("list").getClass());
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        assertThat(layouts.contains("imagenet")).isFalse();
        assertThatThrownBy(() -> layouts.get("imagenet")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown layout 'imagenet' (known: folder, list, office31, officehome, visda)");
        assertThatThrownBy(() -> layouts.create(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
