package dev.warden.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Reads what a demo printed, for the smoke tests: its lines, one of its sections, one line of a section. */
final class DemoTranscript {
  private DemoTranscript() {}

  /** What {@code demo} prints, with each line trimmed and runs of spaces (the alignment) collapsed. */
  static List<String> run(Consumer<PrintStream> demo) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    demo.accept(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8).lines().map(l -> l.strip().replaceAll(" {2,}", " ")).toList();
  }

  /** The lines under the one section header ("== title ==") that starts with {@code titleStart}. */
  static List<String> section(List<String> output, String titleStart) {
    Map<String, List<String>> sections = new LinkedHashMap<>();
    List<String> current = new ArrayList<>();
    for (String l : output) {
      if (l.startsWith("== ")) {
        current = new ArrayList<>();
        sections.put(l, current);
      } else if (!l.isEmpty()) {
        current.add(l);
      }
    }
    List<String> titles = sections.keySet().stream().filter(t -> t.startsWith("== " + titleStart)).toList();
    assertThat(titles).as("sections starting with '%s'", titleStart).hasSize(1);
    return sections.get(titles.get(0));
  }

  /** The one line of {@code lines} that starts with {@code start}. */
  static String line(List<String> lines, String start) {
    List<String> found = lines.stream().filter(l -> l.startsWith(start)).toList();
    assertThat(found).as("lines starting with '%s'", start).hasSize(1);
    return found.get(0);
  }
}
