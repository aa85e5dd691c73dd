package dev.warden.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** BENCHMARKS.md shows the model files the benchmarks really load, verbatim, so readers can judge them. */
class BenchmarksDocTest {

  @ParameterizedTest
  @ValueSource(strings = {CasbinSide.MODEL_RESOURCE, CasbinSide.POLICY_RESOURCE, CedarSide.POLICY_RESOURCE})
  void benchmarksMd_quotesModelFile_verbatim(String resource) throws IOException {
    String doc = Files.readString(Path.of("..", "BENCHMARKS.md"), StandardCharsets.UTF_8);
    assertThat(doc).contains(CasbinSide.resource(resource));
  }
}
