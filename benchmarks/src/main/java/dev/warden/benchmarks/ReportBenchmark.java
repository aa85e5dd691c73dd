package dev.warden.benchmarks;

import dev.warden.Principal;
import dev.warden.organization.OrgId;
import dev.warden.report.AccessReview;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The access reports of issue 7 on a large organization (10k members, 1k projects, 100k grants):
 * the access registry rendered as Markdown, and the access review. Issue 14's bar: each ≤ 20 ms at
 * 10k members ({@code size=LARGE}); run with {@code -prof gc} for the allocation per report.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class ReportBenchmark {

  @Param({"LARGE"})
  public DataSet.Size size;

  private WardenSide warden;
  private Principal owner;
  private OrgId org;

  @Setup(Level.Trial)
  public void setUp() {
    DataSet data = DataSet.generate(size);
    warden = WardenSide.load(data);
    org = data.mixOrg();
    owner = Principal.user(data.owner(org));
  }

  /** The access registry of the whole organization, as the Markdown document. */
  @Benchmark
  public String registryMarkdown() {
    return warden.policy().reports().registry(owner, org).toMarkdown();
  }

  /** The access review: expired and expiring access, members without projects, unused keys, counts. */
  @Benchmark
  public AccessReview review() {
    return warden.policy().reports().review(owner, org, Duration.ofDays(30), Duration.ofDays(90));
  }
}
