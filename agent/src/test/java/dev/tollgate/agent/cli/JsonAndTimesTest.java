package dev.tollgate.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The small JSON writer and the time formats of {@code status}. */
class JsonAndTimesTest {

    @Test
    void jsonEscapesStringsAndWritesNestedValuesThatJacksonReadsBack() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("text", "a \"quoted\" \\ path\nwith\ttab and \u0001");
        m.put("n", 12L);
        m.put("yes", true);
        m.put("none", null);
        m.put("list", Arrays.asList(1, "two", new LinkedHashMap<>()));
        m.put("empty", new ArrayList<>());

        String json = Json.write(m);
        JsonNode back = new ObjectMapper().readTree(json);

        assertThat(back.get("text").asText()).isEqualTo("a \"quoted\" \\ path\nwith\ttab and \u0001");
        assertThat(back.get("n").asLong()).isEqualTo(12);
        assertThat(back.get("yes").asBoolean()).isTrue();
        assertThat(back.get("none").isNull()).isTrue();
        assertThat(back.get("list")).hasSize(3);
        assertThat(back.get("empty").isArray()).isTrue();
        assertThat(json).contains("\\u0001");
    }

    @Test
    void durationsShowTheTwoLargestUnits() {
        List<String> shown = new ArrayList<>();
        for (long ms : new long[] {-5, 0, 45_000, 12 * 60_000 + 5_000, 3 * 3_600_000 + 20 * 60_000, 86_400_000L * 2
            + 4 * 3_600_000, 3_600_000}) {
            shown.add(Times.duration(ms));
        }
        assertThat(shown).containsExactly("0 s", "0 s", "45 s", "12 min 5 s", "3 h 20 min", "2 d 4 h", "1 h");
        assertThat(Times.iso(1_764_755_412_345L)).isEqualTo("2025-12-03T09:50:12Z");
    }
}
