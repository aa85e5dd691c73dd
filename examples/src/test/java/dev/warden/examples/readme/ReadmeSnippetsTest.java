package dev.warden.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps README.md true to code that compiles and runs. Every {@code ```java} block in the README is
 * preceded by {@code <!-- snippet: NAME -->} and must equal, line for line (indentation of the whole
 * region aside), the code between {@code // tag::NAME[]} and {@code // end::NAME[]} in a test source of
 * some module, where a test runs it ({@link ReadmeExamplesTest} for most). Every tagged region must be
 * shown in the README, and every demo's main class must be listed there.
 */
class ReadmeSnippetsTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final Pattern MARKER = Pattern.compile("<!-- snippet: ([a-z0-9-]+) -->");
  private static final Pattern TAG = Pattern.compile("^\\s*// tag::([a-z0-9-]+)\\[]\\s*$");

  @Test
  void everyJavaBlockInTheReadme_isATaggedRegionOfATest() {
    Map<String, List<String>> readme = readmeSnippets(readLines(ROOT.resolve("README.md")));
    Map<String, List<String>> tagged = taggedRegions();

    assertThat(readme).as("README snippets").isNotEmpty();
    assertThat(tagged.keySet()).as("tagged regions that the README does not show").isSubsetOf(readme.keySet());
    readme.forEach((name, shown) -> {
      assertThat(tagged).as("no test source has the region tag::%s[] shown in the README", name).containsKey(name);
      assertThat(String.join("\n", shown))
          .as("README snippet '%s' differs from the code a test runs", name)
          .isEqualTo(String.join("\n", tagged.get(name)));
    });
  }

  @Test
  void ci_runsTheQuickStartCommandsExactly() {
    List<String> readme = readLines(ROOT.resolve("README.md"));
    int start = readme.indexOf("## Quick start");
    while (!readme.get(start).equals("```sh")) {
      start++;
    }
    int end = start + 1;
    while (!readme.get(end).equals("```")) {
      end++;
    }
    List<String> commands = readme.subList(start + 1, end);
    assertThat(commands).hasSize(2);
    assertThat(readLines(ROOT.resolve(".ci/run")))
        .as(".ci/run runs the README's Quick start commands, in order").containsSubsequence(commands);
  }

  @Test
  void everyDemo_isListedInTheReadme() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    List<String> mains = new ArrayList<>();
    for (String module : List.of("examples", "examples-spring")) {
      Path sources = ROOT.resolve(module + "/src/main/java");
      try (Stream<Path> files = Files.walk(sources)) {
        files.filter(f -> f.toString().endsWith(".java"))
            .filter(f -> readLines(f).stream().anyMatch(l -> l.contains("public static void main(")))
            .map(f -> sources.relativize(f).toString().replace('/', '.').replaceAll("\\.java$", ""))
            .forEach(mains::add);
      }
    }
    assertThat(mains).hasSizeGreaterThan(3).allSatisfy(main -> assertThat(readme).contains(main));
  }

  /** The README's Java blocks by snippet name; a block without a marker fails the test. */
  static Map<String, List<String>> readmeSnippets(List<String> lines) {
    Map<String, List<String>> snippets = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).equals("```java")) {
        continue;
      }
      int marker = i - 1;
      while (marker >= 0 && lines.get(marker).isBlank()) {
        marker--;
      }
      Matcher m = MARKER.matcher(marker >= 0 ? lines.get(marker).trim() : "");
      assertThat(m.matches()).as("README line %d: a ```java block needs a <!-- snippet: NAME --> line before it", i + 1)
          .isTrue();
      List<String> body = new ArrayList<>();
      for (i++; i < lines.size() && !lines.get(i).equals("```"); i++) {
        body.add(lines.get(i).stripTrailing());
      }
      assertThat(snippets.put(m.group(1), body)).as("snippet name used twice: %s", m.group(1)).isNull();
    }
    return snippets;
  }

  /** Every {@code tag::NAME[]} region of every module's test sources, dedented. */
  private static Map<String, List<String>> taggedRegions() {
    Map<String, List<String>> regions = new LinkedHashMap<>();
    try (Stream<Path> modules = Files.list(ROOT)) {
      for (Path tests : (Iterable<Path>) modules.map(m -> m.resolve("src/test/java")).filter(Files::isDirectory)::iterator) {
        try (Stream<Path> files = Files.walk(tests)) {
          files.filter(f -> f.toString().endsWith(".java")).forEach(f -> collectRegions(f, regions));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return regions;
  }

  private static void collectRegions(Path file, Map<String, List<String>> regions) {
    List<String> lines = readLines(file);
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = TAG.matcher(lines.get(i));
      if (!m.matches()) {
        continue;
      }
      String end = "// end::" + m.group(1) + "[]";
      List<String> body = new ArrayList<>();
      for (i++; i < lines.size() && !lines.get(i).trim().equals(end); i++) {
        body.add(lines.get(i));
      }
      assertThat(i).as("%s: tag::%s[] has no %s", file, m.group(1), end).isLessThan(lines.size());
      assertThat(regions.put(m.group(1), dedent(body))).as("region tagged twice: %s", m.group(1)).isNull();
    }
  }

  private static List<String> dedent(List<String> lines) {
    int indent = lines.stream().filter(l -> !l.isBlank())
        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent).stripTrailing()).collect(Collectors.toList());
  }

  private static List<String> readLines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
