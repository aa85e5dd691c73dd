package dev.warden;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Package rules read from the sources (no ArchUnit dependency for one rule). Issue 13: the public model
 * does not depend on the engine; only the entry point wires it.
 */
class ArchitectureTest {
  private static final Path MAIN = Paths.get("src/main/java/dev/warden");

  @Test
  void publicTypes_doNotImportTheEngine_butTheEntryPoint() throws IOException {
    try (Stream<Path> files = Files.walk(MAIN)) {
      List<String> offenders = files
          .filter(p -> p.toString().endsWith(".java"))
          .filter(p -> !p.startsWith(MAIN.resolve("internal")) && !p.equals(MAIN.resolve("AccessPolicy.java")))
          .filter(ArchitectureTest::mentionsEngine)
          .map(p -> MAIN.relativize(p).toString())
          .toList();
      assertThat(offenders).isEmpty();
    }
  }

  private static boolean mentionsEngine(Path file) {
    try {
      return Files.readString(file).contains("dev.warden.internal.");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
