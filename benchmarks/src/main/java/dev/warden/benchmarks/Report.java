package dev.warden.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Turns a JMH JSON result file into the Markdown tables of BENCHMARKS.md and a PNG chart of check
 * latency against the number of grants for the three engines.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.warden.benchmarks.Report target/jmh-short.json [outDir]</pre>
 *
 * <p>Writes {@code results.md} and {@code check-latency.png} to {@code outDir} (default: the JSON file's
 * directory). Needs the JDK's headless Java2D and one font (Debian: fontconfig with DejaVu).
 */
public final class Report {
  private static final String HEADLINE = HeadlineBenchmark.class.getName() + ".";
  private static final String MANY_ORGS = ManyOrgsBenchmark.class.getName() + ".";
  private static final String ALLOC = "gc.alloc.rate.norm";

  /** The headline methods in table order, with their display names. */
  private static final Map<String, String> ENGINES = new LinkedHashMap<>();

  static {
    ENGINES.put("warden", "Warden (in memory)");
    ENGINES.put("baseline", "plain HashMap baseline");
    ENGINES.put("jcasbin", "jCasbin Enforcer");
    ENGINES.put("jcasbinCached", "jCasbin CachedEnforcer");
    ENGINES.put("cedar", "cedar-java, prebuilt entities");
    ENGINES.put("cedarSlice", "cedar-java, per-call slice");
  }

  private static final Color[] COLORS = {
    new Color(0x1b9e77), new Color(0xd95f02), new Color(0xe6ab02), new Color(0x7570b3), new Color(0xe7298a)
  };

  private Report() {}

  /** One benchmark result. */
  record Result(String benchmark, String method, Map<String, String> params, String mode, int threads,
      double score, double error, double median, String unit, Double allocPerOp) {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: Report <jmh-result.json> [outDir]");
      System.exit(2);
    }
    Path json = Path.of(args[0]);
    Path out = args.length > 1 ? Path.of(args[1]) : json.toAbsolutePath().getParent();
    Files.createDirectories(out);
    JsonNode root = new ObjectMapper().readTree(json.toFile());
    List<Result> results = parse(root);
    String md = markdown(root, results);
    Files.writeString(out.resolve("results.md"), md, StandardCharsets.UTF_8);
    chart(results, out.resolve("check-latency.png"));
    System.out.print(md);
    System.out.println("\nWrote " + out.resolve("results.md") + " and " + out.resolve("check-latency.png"));
  }

  static List<Result> parse(JsonNode root) {
    List<Result> results = new ArrayList<>();
    for (JsonNode r : root) {
      String benchmark = r.get("benchmark").asText();
      Map<String, String> params = new LinkedHashMap<>();
      if (r.has("params")) {
        r.get("params").properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
      }
      JsonNode primary = r.get("primaryMetric");
      double error = primary.get("scoreError").asDouble(Double.NaN);
      JsonNode percentiles = primary.get("scorePercentiles");
      double median = percentiles != null && percentiles.has("50.0") ? percentiles.get("50.0").asDouble() : Double.NaN;
      JsonNode secondary = r.get("secondaryMetrics");
      Double alloc = secondary != null && secondary.has(ALLOC) ? secondary.get(ALLOC).get("score").asDouble() : null;
      results.add(new Result(benchmark, benchmark.substring(benchmark.lastIndexOf('.') + 1), params,
          r.get("mode").asText(), r.get("threads").asInt(), primary.get("score").asDouble(), error, median,
          primary.get("scoreUnit").asText(), alloc));
    }
    return results;
  }

  static String markdown(JsonNode root, List<Result> results) {
    StringBuilder s = new StringBuilder();
    if (root.size() > 0) {
      JsonNode first = root.get(0);
      s.append(String.format(Locale.ROOT, "JDK %s (%s %s); %d fork(s), %d×%s warm-up, %d×%s measurement; "
              + "processors: %d.%n%n", text(first, "jdkVersion"), text(first, "vmName"), text(first, "vmVersion"),
          first.path("forks").asInt(), first.path("warmupIterations").asInt(), text(first, "warmupTime"),
          first.path("measurementIterations").asInt(), text(first, "measurementTime"),
          Runtime.getRuntime().availableProcessors()));
    }
    // One row per data set and mix; ManyOrgsBenchmark run at another size (a smoke run) gets its own row.
    Map<String, Map<String, Result>> bySize = new LinkedHashMap<>();
    for (DataSet.Size size : DataSet.Size.values()) {
      for (Result r : results) {
        if (sideBySide(r) && size.name().equals(r.params().get("size"))) {
          String row = (r.benchmark().startsWith(MANY_ORGS) && size != DataSet.Size.MANY_ORGS
              ? size.name() + " (ManyOrgsBenchmark)" : size.name())
              + (r.params().containsKey("mix") ? " " + r.params().get("mix") : "");
          bySize.computeIfAbsent(row, k -> new LinkedHashMap<>()).put(r.method(), r);
        }
      }
    }
    if (!bySize.isEmpty()) {
      s.append("### Check latency, summary (ns per check, mean over the request mix; lower is better)\n\n");
      s.append("`CACHE_RESIDENT`: the 8-request mix (a best case); `REALISTIC`: 1,024 requests over every member "
          + "and project, half allowed.\n\n");
      s.append("| size and mix | grants |");
      ENGINES.values().forEach(name -> s.append(' ').append(name).append(" |"));
      s.append(" jCasbin ÷ Warden | cedar-java ÷ Warden (prebuilt) | cedar-java ÷ Warden (slice) |\n|---|---:|");
      ENGINES.forEach((k, v) -> s.append("---:|"));
      s.append("---:|---:|---:|\n");
      bySize.forEach((size, row) -> {
        s.append("| ").append(size).append(" | ")
            .append(String.format(Locale.ROOT, "%,d", grants(size))).append(" |");
        ENGINES.keySet().forEach(m -> s.append(' ').append(row.containsKey(m) ? num(row.get(m).score()) : "–").append(" |"));
        s.append(' ').append(ratio(row, "jcasbin")).append(" | ").append(ratio(row, "cedar")).append(" | ")
            .append(ratio(row, "cedarSlice")).append(" |\n");
      });
      s.append('\n');
      bySize.forEach((size, row) -> {
        s.append("#### ").append(size).append(String.format(Locale.ROOT, " (%,d grants)%n%n", grants(size)));
        s.append("| engine | ns/check | ± (99.9%) | median of iterations | B/check | slower than Warden |\n");
        s.append("|---|---:|---:|---:|---:|---:|\n");
        ENGINES.forEach((m, name) -> {
          Result r = row.get(m);
          if (r != null) {
            s.append("| ").append(name).append(" | ").append(num(r.score())).append(" | ").append(num(r.error()))
                .append(" | ").append(num(r.median())).append(" | ").append(alloc(r.allocPerOp())).append(" | ")
                .append(m.equals("warden") ? "—" : ratio(row, m)).append(" |\n");
          }
        });
        s.append('\n');
      });
    }
    List<Result> others = results.stream().filter(r -> !sideBySide(r)).toList();
    if (!others.isEmpty()) {
      s.append("### Warden: lists, mutations, threads\n\n");
      s.append("| benchmark | params | threads | score | ± (99.9%) | unit | B/op |\n|---|---|---:|---:|---:|---|---:|\n");
      for (Result r : others) {
        String name = r.benchmark().substring(r.benchmark().lastIndexOf('.', r.benchmark().lastIndexOf('.') - 1) + 1);
        s.append("| ").append(name).append(" | ").append(r.params().isEmpty() ? "" : r.params().toString())
            .append(" | ").append(r.threads()).append(" | ").append(num(r.score())).append(" | ").append(num(r.error()))
            .append(" | ").append(r.unit()).append(" | ").append(alloc(r.allocPerOp())).append(" |\n");
      }
    }
    return s.toString();
  }

  private static int grants(String row) {
    return DataSet.Size.valueOf(row.split(" ")[0]).totalGrants();
  }

  private static boolean sideBySide(Result r) {
    return r.benchmark().startsWith(HEADLINE) || r.benchmark().startsWith(MANY_ORGS);
  }

  private static String text(JsonNode node, String field) {
    return node.path(field).asText("?");
  }

  private static String ratio(Map<String, Result> row, String engine) {
    Result w = row.get("warden");
    Result o = row.get(engine);
    if (w == null || o == null || w.score() <= 0) {
      return "–";
    }
    double x = o.score() / w.score();
    return (x >= 100 ? String.format(Locale.ROOT, "%,.0f", x) : String.format(Locale.ROOT, "%.1f", x)) + "×";
  }

  private static String num(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    if (v >= 100) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    return v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
  }

  private static String alloc(Double bytes) {
    return bytes == null ? "–" : String.format(Locale.ROOT, "%,.0f", bytes);
  }

  // ------------------------------------------------------------------------------------------ chart

  /** Check latency (log) against grants (log), one line per engine variant, single-organization sizes. */
  static void chart(List<Result> results, Path png) throws IOException {
    int width = 960;
    int height = 600;
    int left = 90;
    int right = 260;
    int top = 50;
    int bottom = 70;
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);

    DataSet.Size[] sizes = {DataSet.Size.TINY, DataSet.Size.SMALL, DataSet.Size.MEDIUM, DataSet.Size.LARGE};
    // With both mixes in the file, the chart shows the realistic one.
    String chartMix = results.stream().anyMatch(r -> "REALISTIC".equals(r.params().get("mix")))
        ? "REALISTIC" : "CACHE_RESIDENT";
    Map<String, double[]> series = new LinkedHashMap<>();
    double min = Double.MAX_VALUE;
    double max = 0;
    for (String m : ENGINES.keySet()) {
      double[] ys = new double[sizes.length];
      for (int i = 0; i < sizes.length; i++) {
        ys[i] = Double.NaN;
        for (Result r : results) {
          if (r.benchmark().equals(HEADLINE + m) && sizes[i].name().equals(r.params().get("size"))
              && (!r.params().containsKey("mix") || chartMix.equals(r.params().get("mix")))) {
            ys[i] = r.score();
            min = Math.min(min, r.score());
            max = Math.max(max, r.score());
          }
        }
      }
      series.put(m, ys);
    }
    if (max == 0) {
      min = 1;
      max = 10;
    }
    double yLo = Math.floor(Math.log10(min));
    double yHi = Math.ceil(Math.log10(max));
    if (yHi == yLo) {
      yHi++;
    }
    double xLo = 1; // 10 grants
    double xHi = 5; // 100k grants
    int plotW = width - left - right;
    int plotH = height - top - bottom;

    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.setColor(Color.BLACK);
    g.drawString("Warm check latency vs. number of grants (one organization, " + chartMix.toLowerCase(Locale.ROOT)
        + " mix; lower is better)", left, 30);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    FontMetrics fm = g.getFontMetrics();
    for (double e = yLo; e <= yHi; e++) {
      int y = top + plotH - (int) Math.round((e - yLo) / (yHi - yLo) * plotH);
      g.setColor(new Color(0xdddddd));
      g.drawLine(left, y, left + plotW, y);
      g.setColor(Color.BLACK);
      String label = duration(Math.pow(10, e));
      g.drawString(label, left - 8 - fm.stringWidth(label), y + 4);
    }
    for (double e = xLo; e <= xHi; e++) {
      int x = left + (int) Math.round((e - xLo) / (xHi - xLo) * plotW);
      g.setColor(new Color(0xdddddd));
      g.drawLine(x, top, x, top + plotH);
      g.setColor(Color.BLACK);
      String label = String.format(Locale.ROOT, "%,d", (long) Math.pow(10, e));
      g.drawString(label, x - fm.stringWidth(label) / 2, top + plotH + 18);
    }
    g.drawRect(left, top, plotW, plotH);
    g.drawString("grants in the organization (log scale)", left + plotW / 2 - 100, height - 25);
    Graphics2D rotated = (Graphics2D) g.create();
    rotated.rotate(-Math.PI / 2);
    rotated.drawString("time per check (log scale)", -(top + plotH / 2 + 70), 20);
    rotated.dispose();

    int i = 0;
    int legendY = top + 10;
    for (Map.Entry<String, double[]> e : series.entrySet()) {
      Color c = COLORS[i++ % COLORS.length];
      g.setColor(c);
      g.setStroke(new BasicStroke(2.5f));
      int prevX = -1;
      int prevY = -1;
      for (int k = 0; k < sizes.length; k++) {
        double v = e.getValue()[k];
        if (Double.isNaN(v)) {
          prevX = -1;
          continue;
        }
        int x = left + (int) Math.round((Math.log10(sizes[k].totalGrants()) - xLo) / (xHi - xLo) * plotW);
        int y = top + plotH - (int) Math.round((Math.log10(v) - yLo) / (yHi - yLo) * plotH);
        if (prevX >= 0) {
          g.drawLine(prevX, prevY, x, y);
        }
        g.fillOval(x - 4, y - 4, 9, 9);
        prevX = x;
        prevY = y;
      }
      g.fillRect(left + plotW + 20, legendY - 9, 18, 10);
      g.setColor(Color.BLACK);
      g.drawString(ENGINES.get(e.getKey()), left + plotW + 44, legendY);
      legendY += 22;
    }
    g.dispose();
    ImageIO.write(img, "png", png.toFile());
  }

  private static String duration(double nanos) {
    if (nanos >= 1e9) {
      return String.format(Locale.ROOT, "%.0f s", nanos / 1e9);
    }
    if (nanos >= 1e6) {
      return String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
    }
    if (nanos >= 1e3) {
      return String.format(Locale.ROOT, "%.0f µs", nanos / 1e3);
    }
    return String.format(Locale.ROOT, "%.0f ns", nanos);
  }
}
