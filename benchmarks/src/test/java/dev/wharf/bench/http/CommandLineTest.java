package dev.wharf.bench.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandLineTest {

    @Test
    void shouldPairEachNameWithTheNextArgumentWhenTheValueLooksLikeAFlag() {
        CommandLine line = CommandLine.of("--rounds", "1", "--wharf-arg", "--in-memory", "-h");
        assertThat(line.options()).containsExactly(new CommandLine.Option("--rounds", "1"),
                new CommandLine.Option("--wharf-arg", "--in-memory"));
        assertThat(line.help()).isTrue();
        assertThat(CommandLine.of().help()).isFalse();
    }

    @Test
    void shouldRefuseNameWhenItHasNoValue() {
        assertThatThrownBy(() -> CommandLine.of("--rounds", "1", "--seconds"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--seconds needs a value");
    }
}
