package dev.warden.benchmarks;

import static com.google.common.base.Preconditions.checkState;

import dev.warden.AccessPolicy;
import dev.warden.report.SweepReport;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The periodic expiry sweep ({@code sweepExpired}) when nothing has expired, its usual case, in an
 * {@link OrgShape} organization (no expiries; 10 grants per Member), in memory. The sweep holds the
 * organization's lock while it runs, so its cost is time mutations wait: it should follow what it
 * finds, not the organization's size.
 *
 * <p>Command (both sizes, about a minute):
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar -f 1 -wi 3 -w 1 -i 5 -r 1 'SweepBenchmark'</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class SweepBenchmark {

  @Param({"100", "10000"})
  public int members;

  @Param({"1000"})
  public int projects;

  private AccessPolicy policy;

  @Setup(Level.Trial)
  public void setUp() {
    policy = new OrgShape(members, projects).load();
    checkState(sweep().equals(new SweepReport(0, 0)), "the organization has something to sweep");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    policy.close();
  }

  /** One sweep of every organization (here one), finding nothing. */
  @Benchmark
  public SweepReport sweep() {
    return policy.sweepExpired();
  }
}
