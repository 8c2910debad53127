package dev.baton.runtime.data.json;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonTest {
    @Test
    void parsesEveryKindOfValue() {
        Object v = Json.parse(" {\"text\": \"a\\\"b\\\\c\\n\\u00e9\\ud83d\\ude00/\", \"n\": -12, \"x\": 2.5e3, "
                + "\"ok\": true, \"no\": false, \"nil\": null, \"list\": [1, [], {}], \"big\": 123456789012345678901} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals("a\"b\\c\né😀/", m.get("text"));
        assertEquals(-12L, m.get("n"));
        assertEquals(2500.0, m.get("x"));
        assertEquals(true, m.get("ok"));
        assertEquals(false, m.get("no"));
        assertNull(m.get("nil"));
        assertEquals(Arrays.asList(1L, List.of(), Map.of()), m.get("list"));
        assertEquals(1.2345678901234568E20, m.get("big"));
        assertEquals(List.of("text", "n", "x", "ok", "no", "nil", "list", "big"), List.copyOf(m.keySet()));
    }

    @Test
    void quoteRoundTrips() {
        String s = "tab\tquote\" back\\ nl\n ctl\u0001 é 😀";
        assertEquals("\"tab\\tquote\\\" back\\\\ nl\\n ctl\\u0001 é 😀\"", Json.quote(s));
        assertEquals(s, Json.parse(Json.quote(s)));
    }

    @Test
    void errorsSayWhatAndWhere() {
        assertEquals("expected ',' or '}' at character 9",
                assertThrows(JsonException.class, () -> Json.parse("{\"a\": 1 \"b\": 2}")).getMessage());
        assertEquals("unterminated string at character 10",
                assertThrows(JsonException.class, () -> Json.parse("{\"text\": \"abc")).getMessage());
        assertEquals("unexpected text after the value at character 4",
                assertThrows(JsonException.class, () -> Json.parse("{} x")).getMessage());
        assertEquals("bad number at character 2",
                assertThrows(JsonException.class, () -> Json.parse("-x")).getMessage());
        assertEquals("control character in string at character 3",
                assertThrows(JsonException.class, () -> Json.parse("\"a\nb\"")).getMessage());
    }
}
