package dev.baton.conf;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Typed reads: whole numbers, choices and lists, with one-line messages naming key and source. */
class SettingsTest {
    private final ConfigLoader loader = ConfigLoader.fromClasspath();

    private enum Kind { CPU, CUDA }

    private Settings settings(String... sets) {
        return loader.load(ConfigRequest.profile("tiny-cpu").withSets(sets)).settings();
    }

    @Test
    void readsTypedValues() {
        Settings s = settings("baton.devices.count=3.0");
        assertEquals(3, s.wholeNumber("baton.devices.count"));
        assertEquals(11, s.wholeNumber("baton.model.num-layers"));
        assertEquals(23.0, s.number("baton.model.softcap.a"), 0.0);
        assertEquals(Kind.CPU, s.choice("baton.devices.kind", Kind.class));
        assertEquals("byte260", s.choice("baton.data.tokenizer", "gpt2", "byte260"));
        assertEquals(List.of(1, 2, -1, -1, -1, -1, -1, -1, 0, 1, 2), s.wholeNumbers("baton.model.layout.value-embeddings"));
        assertEquals(List.of(1.0, 1.52, 1.73), s.numbers("baton.optim.schedule.lr-max"));
        assertEquals("attn", s.texts("baton.optim.scatter-order").get(0));
    }

    @Test
    void fractionWhereAWholeNumberIsExpectedIsAnError() {
        BatonConfigException e = assertThrows(BatonConfigException.class,
                () -> settings("baton.devices.count=1.5").wholeNumber("baton.devices.count"));
        assertEquals("baton.devices.count expects a whole number but got the number 1.5 (from --set baton.devices.count=1.5)",
                e.getMessage());
        BatonConfigException list = assertThrows(BatonConfigException.class,
                () -> settings("baton.model.layout.skip-in=[3.5]").wholeNumbers("baton.model.layout.skip-in"));
        assertEquals("baton.model.layout.skip-in expects a whole number but got the number 3.5 (from --set baton.model.layout.skip-in=[3.5])",
                list.getMessage());
    }

    @Test
    void wordOutsideTheChoicesListsThem() {
        BatonConfigException e = assertThrows(BatonConfigException.class,
                () -> settings("baton.devices.kind=gpu").choice("baton.devices.kind", Kind.class));
        assertEquals("baton.devices.kind expects one of cpu, cuda but got the string \"gpu\" (from --set baton.devices.kind=gpu)",
                e.getMessage());
        BatonConfigException tokenizer = assertThrows(BatonConfigException.class,
                () -> settings("baton.data.tokenizer=bpe").choice("baton.data.tokenizer", "gpt2", "byte260"));
        assertEquals("baton.data.tokenizer expects one of gpt2, byte260 but got the string \"bpe\" (from --set baton.data.tokenizer=bpe)",
                tokenizer.getMessage());
    }
}
