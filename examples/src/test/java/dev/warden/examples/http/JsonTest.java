package dev.warden.examples.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void parse_readsEveryKindOfValue() {
    Object parsed = Json.parse(" {\"s\": \"a\\\"b\\u00e9\\ud83d\\ude00\", \"n\": -1.5e2, \"t\": true, \"f\": false,"
        + " \"z\": null, \"a\": [1, {}], \"o\": {\"k\": []}} ");

    assertThat(parsed).isInstanceOf(Map.class);
    Map<?, ?> map = (Map<?, ?>) parsed;
    assertThat(map.get("s")).isEqualTo("a\"bé😀");
    assertThat(map.get("n")).isEqualTo(new BigDecimal("-1.5e2"));
    assertThat(map.get("t")).isEqualTo(true);
    assertThat(map.get("f")).isEqualTo(false);
    assertThat(map.get("z")).isSameAs(Json.NULL);
    assertThat(map.get("a")).isEqualTo(List.of(new BigDecimal("1"), Map.of()));
    assertThat(map.get("o")).isEqualTo(Map.of("k", List.of()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{", "{\"a\":1,}", "[1,]", "{\"a\" 1}", "{a:1}", "'x'", "01", "1.", "-", "1e",
      "tru", "nul", "\"unterminated", "\"bad \\x escape\"", "\"\\ud83d alone\"", "\"tab\there\"", "{} {}",
      "{\"a\":1,\"a\":2}", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"})
  void parse_rejectsWhatIsNotStrictJson(String text) {
    assertThatThrownBy(() -> Json.parse(text))
        .isInstanceOf(Json.MalformedJsonException.class)
        .hasMessageStartingWith("malformed JSON at offset");
  }

  @Test
  void write_escapesAndRoundTrips() {
    Map<String, Object> value = Json.object("s", "line\nbreak \"quoted\" \\ \u0001", "n", 42, "e", Optional.empty(),
        "o", Optional.of("x"), "l", List.of(true, 1.5), "enum", Thread.State.NEW);

    String text = Json.write(value);

    assertThat(text).isEqualTo("{\"s\":\"line\\nbreak \\\"quoted\\\" \\\\ \\u0001\",\"n\":42,\"e\":null,\"o\":\"x\","
        + "\"l\":[true,1.5],\"enum\":\"NEW\"}");
    assertThat(((Map<?, ?>) Json.parse(text)).get("s")).isEqualTo("line\nbreak \"quoted\" \\ \u0001");
  }
}
