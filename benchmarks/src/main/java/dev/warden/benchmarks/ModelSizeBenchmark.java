package dev.warden.benchmarks;

import dev.warden.Decision;
import java.util.List;
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
 * Issue 15's bar: a warm check costs the same with the PostHog preset and with a host model of
 * {@value GeneratedModel#CAPABILITIES} capabilities and {@value GeneratedModel#KINDS} resource kinds
 * ({@link GeneratedModel}), and allocates nothing. Both load the same data set through the bulk import
 * and answer the same mix; the generated model asks for capabilities whose ordinals lie past 64. Set-up
 * throws unless every remapped request gets the original's decision.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class ModelSizeBenchmark {

  /** {@code POSTHOG}: the preset; {@code GENERATED}: 200 capabilities, 20 kinds. */
  @Param({"POSTHOG", "GENERATED"})
  public String model;

  @Param({"LARGE"})
  public DataSet.Size size;

  @Param({"CACHE_RESIDENT", "REALISTIC"})
  public DataSet.MixKind mix;

  private WardenSide warden;
  private int mask;
  private int cursor;

  /** Loads the data set under the model and checks the generated model decides as the preset does. */
  @Setup(Level.Trial)
  public void setUp() {
    DataSet data = DataSet.generate(size);
    List<DataSet.Request> requests = data.mix(mix);
    mask = requests.size() - 1;
    if (model.equals("POSTHOG")) {
      warden = WardenSide.load(data, requests);
      return;
    }
    GeneratedModel generated = new GeneratedModel();
    List<DataSet.Request> twins = generated.remap(requests);
    warden = WardenSide.load(data, twins, generated.matrix());
    for (int i = 0; i < requests.size(); i++) {
      DataSet.Request r = requests.get(i);
      Decision original = warden.check(r.user(), r.capability(), r.org(), r.project());
      Decision twin = warden.check(i);
      if (!original.equals(twin)) {
        throw new IllegalStateException("the generated model decides " + twins.get(i) + " as " + twin
            + " but the preset's capability as " + original);
      }
    }
  }

  /** One warm check, cycling through the mix. */
  @Benchmark
  public Decision warden() {
    int i = (cursor + 1) & mask;
    cursor = i;
    return warden.check(i);
  }
}
