package dev.warden.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.resource.VisibleResource;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The set-up registers the organization's resources and the pages walk exactly the listed project's insights. */
class ResourceListingBenchmarkTest {

  @Test
  void pages_walkTheListedInsightsOnly_eachOnce() {
    ResourceListingBenchmark bench = new ResourceListingBenchmark();
    bench.resources = 1000;
    bench.pageSize = 50;
    bench.setUp();
    try {
      assertThat(bench.pages.items()).isEqualTo(ResourceListingBenchmark.LISTED);
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < ResourceListingBenchmark.LISTED / 50; i++) {
        for (VisibleResource v : bench.visibleResources().items()) {
          assertThat(v.resource().ref().project().value()).isEqualTo("p000000");
          assertThat(v.resource().ref().kind()).isEqualTo("insight");
          assertThat(seen.add(v.resource().ref().id())).as("repeated %s", v).isTrue();
        }
      }
      assertThat(seen).hasSize(ResourceListingBenchmark.LISTED);
    } finally {
      bench.tearDown();
    }
  }
}
