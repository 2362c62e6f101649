package dev.imed.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DomainsTest {

    @Test
    void unknownLayoutIsRefusedListingTheKnownOnes() {
        assertThatThrownBy(() -> Domains.open("imagenet:/data/imagenet"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("unknown layout 'imagenet'")
                .hasMessageContainingAll("folder", "office31", "officehome", "visda", "list");
    }

    @Test
    void aNameWithoutLayoutIsRefused() {
        assertThatThrownBy(() -> Domains.open("/data/amazon"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("/data/amazon")
                .hasMessageContaining("LAYOUT:");
    }

    @Test
    void aLayoutWithoutPathIsRefused() {
        assertThatThrownBy(() -> Domains.open("folder:"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("no path");
    }

    @Test
    void blankIsRefused() {
        assertThatThrownBy(() -> Domains.open(" ")).isInstanceOf(DatasetException.class).hasMessageContaining("empty");
    }

    @Test
    void tildeIsTheHomeDirectory() {
        String home = System.getProperty("user.home");
        assertThatThrownBy(() -> Domains.open("folder:~/imed-no-such-dir-7f3a"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(home + "/imed-no-such-dir-7f3a")
                .hasMessageContaining("does not exist");
    }

    @Test
    void builtInNamesOpenTheDigitDomains() {
        assertThat(Domains.open("uci1797").name()).isEqualTo("uci1797");
        assertThat(Domains.layouts()).containsExactlyInAnyOrder("folder", "office31", "officehome", "visda", "list");
    }
}
