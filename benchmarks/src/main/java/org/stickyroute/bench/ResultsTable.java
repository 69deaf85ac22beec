package org.stickyroute.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * Renders JMH results as markdown: one table per benchmark class (rows = benchmarks, columns = the {@code
 * servers} parameter, cells = score ± 99.9 % error and allocation per operation), then the project's
 * performance targets with their measured ratios. A ratio's error is propagated from both scores' relative
 * errors. A target is judged on the mean ratio; the error is printed so a reader can see how firm it is.
 */
public final class ResultsTable {
  /** Allocation below this many bytes per operation is JMH's measurement noise: reported as 0. */
  static final double ZERO_BYTES = 0.05;

  private ResultsTable() {}

  /** One measured benchmark at one parameter value. */
  record Row(String type, String method, String servers, double score, double error, String unit,
      double bytes, double min) {
    String key() {
      return type + "." + method;
    }
  }

  /**
   * The report.
   *
   * @param results JMH's results
   * @param args the command line the run was started with
   * @param load 1-minute load averages sampled during the run
   * @param loadBefore load averages at the start ({@code /proc/loadavg} fields 1-3)
   * @param loadAfter load averages at the end
   * @param minutes wall-clock duration
   * @return markdown
   */
  public static String markdown(List<RunResult> results, String args, List<Double> load, String loadBefore,
      String loadAfter, long minutes) {
    List<Row> rows = new ArrayList<>();
    BenchmarkParams first = null;
    for (RunResult r : results) {
      BenchmarkParams p = r.getParams();
      if (first == null) {
        first = p;
      }
      String full = p.getBenchmark();
      int dot = full.lastIndexOf('.');
      String type = full.substring(full.lastIndexOf('.', dot - 1) + 1, dot);
      String servers = p.getParamsKeys().contains("servers") ? p.getParam("servers") : "-";
      Result<?> primary = r.getPrimaryResult();
      double bytes = Double.NaN;
      for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
        if (e.getKey().endsWith("gc.alloc.rate.norm")) {
          bytes = e.getValue().getScore();
        }
      }
      double min = Double.MAX_VALUE;
      for (BenchmarkResult fork : r.getBenchmarkResults()) {
        for (IterationResult it : fork.getIterationResults()) {
          min = Math.min(min, it.getPrimaryResult().getScore());
        }
      }
      rows.add(new Row(type, full.substring(dot + 1), servers, primary.getScore(), primary.getScoreError(),
          primary.getScoreUnit(), bytes, min));
    }
    StringBuilder sb = new StringBuilder();
    sb.append("## JMH results\n\n");
    if (first != null) {
      sb.append(String.format(Locale.ROOT, "- machine: %s, %d cores; %s %s%n", cpuModel(),
          Runtime.getRuntime().availableProcessors(), first.getVmName(), first.getVmVersion()));
      sb.append(String.format(Locale.ROOT, "- JMH %s: %d fork(s) x (%d warm-up x %s + %d measured x %s), "
              + "average time, one thread; `-prof gc`%n", first.getJmhVersion(), first.getForks(),
          first.getWarmup().getCount(), first.getWarmup().getTime(), first.getMeasurement().getCount(),
          first.getMeasurement().getTime()));
    }
    sb.append(String.format(Locale.ROOT, "- command: `java -cp benchmarks/target/benchmarks.jar "
        + "org.stickyroute.bench.RunAll %s`%n", args));
    sb.append(String.format(Locale.ROOT, "- load average (1/5/15 min): %s at start, %s at end; 1-min samples "
        + "during the run (every 5 s): %s; %d min in all%n", loadBefore, loadAfter, summary(load), minutes));
    sb.append("- cells: mean ± 99.9 % confidence half-width (JMH's error), then allocation per operation\n\n");
    Map<String, List<Row>> byType = new TreeMap<>();
    for (Row r : rows) {
      byType.computeIfAbsent(r.type(), k -> new ArrayList<>()).add(r);
    }
    for (Map.Entry<String, List<Row>> e : byType.entrySet()) {
      TreeSet<String> servers = new TreeSet<>(ResultsTable::compareParam);
      Map<String, Map<String, Row>> cells = new TreeMap<>();
      List<String> order = new ArrayList<>();
      for (Row r : e.getValue()) {
        servers.add(r.servers());
        if (!order.contains(r.method())) {
          order.add(r.method());
        }
        cells.computeIfAbsent(r.method(), k -> new TreeMap<>()).put(r.servers(), r);
      }
      sb.append("### ").append(e.getKey()).append("\n\n| benchmark |");
      for (String s : servers) {
        sb.append(s.equals("-") ? " score |" : " " + s + " servers |");
      }
      sb.append("\n|---|");
      sb.append("---:|".repeat(servers.size())).append('\n');
      for (String m : order) {
        sb.append("| ").append(m).append(" |");
        for (String s : servers) {
          Row r = cells.get(m).get(s);
          sb.append(' ').append(r == null ? "" : cell(r)).append(" |");
        }
        sb.append('\n');
      }
      sb.append('\n');
    }
    targets(rows, sb);
    return sb.toString();
  }

  private static void targets(List<Row> rows, StringBuilder sb) {
    Map<String, Row> at = new TreeMap<>();
    TreeSet<String> servers = new TreeSet<>(ResultsTable::compareParam);
    for (Row r : rows) {
      at.put(r.key() + "@" + r.servers(), r);
      servers.add(r.servers());
    }
    List<String> lines = new ArrayList<>();
    ratio(lines, at, servers, "uri-depth map-based select / bare sdbm of the key", "UriBench.mapBased",
        "UriBench.sdbmOfKey", 1.15, null);
    ratio(lines, at, servers, "consistent weight 1 / map-based", "UriBench.consistentW1", "UriBench.mapBased",
        1.3, "100");
    ratio(lines, at, servers, "consistent weight 100 / map-based", "UriBench.consistentW100",
        "UriBench.mapBased", 1.6, "100");
    ratio(lines, at, servers, "consistent weight 10 / map-based (no target; for reading)",
        "UriBench.consistentW10", "UriBench.mapBased", Double.NaN, null);
    ratio(lines, at, servers, "bounded load, idle counters / consistent weight 1", "UriBench.boundedLoadIdle",
        "UriBench.consistentW1", 1.5, null);
    ratio(lines, at, servers, "bounded load, 8 x n in flight / consistent weight 1", "UriBench.boundedLoadBusy",
        "UriBench.consistentW1", 1.5, null);
    for (String peer : new String[] {"ketamaTreeMap", "ketamaTreeMapPreboxed", "sortedArray"}) {
      ratio(lines, at, servers, "our ring lookup / " + peer + " lookup, 160 points per server",
          "RingLookupBench.stickyroute", "RingLookupBench." + peer, 1.0, null);
    }
    StringBuilder alloc = new StringBuilder();
    int checked = 0;
    for (Row r : rows) {
      if (r.type().equals("UriBench") || r.key().equals("RingLookupBench.stickyroute")) {
        checked++;
        if (!(r.bytes() < ZERO_BYTES)) {
          alloc.append(String.format(Locale.ROOT, " %s@%s=%.2f B/op", r.key(), r.servers(), r.bytes()));
        }
      }
    }
    if (lines.isEmpty() && checked == 0) {
      return;
    }
    sb.append("### Targets\n\n");
    sb.append("Ratios of mean scores in this run (± propagated error), and in brackets the ratio of the best "
        + "(fastest) measured iterations, which a busy shared machine disturbs least. Where the target names a "
        + "server count the verdict is taken there; the other counts are shown for reading. The verdict is on "
        + "the mean ratio.\n\n");
    sb.append("| target | limit |");
    for (String s : servers) {
      if (!s.equals("-")) {
        sb.append(' ').append(s).append(" servers |");
      }
    }
    sb.append(" verdict |\n|---|---:|");
    sb.append("---:|".repeat((int) servers.stream().filter(s -> !s.equals("-")).count())).append("---|\n");
    for (String l : lines) {
      sb.append(l).append('\n');
    }
    if (checked > 0) {
      sb.append(String.format(Locale.ROOT, "| 0 B/op on every selection path (%d UriBench and ring rows) | 0 |",
          checked));
      sb.append(" |".repeat((int) servers.stream().filter(s -> !s.equals("-")).count()));
      sb.append(alloc.length() == 0 ? " met: all < " + ZERO_BYTES + " B/op |" : " **missed**:" + alloc + " |");
      sb.append('\n');
    }
    sb.append('\n');
  }

  private static void ratio(List<String> lines, Map<String, Row> at, TreeSet<String> servers, String label,
      String num, String den, double limit, String judgedAt) {
    StringBuilder l = new StringBuilder("| ").append(label).append(" | ");
    l.append(Double.isNaN(limit) ? "-" : limit == 1.0 ? "< 1" : String.format(Locale.ROOT, "≤ %.2f", limit));
    l.append(" |");
    boolean any = false;
    boolean allMet = true;
    List<String> missedAt = new ArrayList<>();
    for (String s : servers) {
      if (s.equals("-")) {
        continue;
      }
      Row a = at.get(num + "@" + s);
      Row b = at.get(den + "@" + s);
      if (a == null || b == null) {
        l.append(" |");
        continue;
      }
      any = true;
      double r = a.score() / b.score();
      double err = r * Math.sqrt(sq(a.error() / a.score()) + sq(b.error() / b.score()));
      l.append(String.format(Locale.ROOT, " %.2f ± %.2f (best %.2f) |", r, err, a.min() / b.min()));
      boolean judged = judgedAt == null || judgedAt.equals(s);
      boolean met = limit == 1.0 ? r < 1.0 : r <= limit;
      if (judged && !Double.isNaN(limit) && !met) {
        allMet = false;
        missedAt.add(s);
      }
    }
    if (!any) {
      return;
    }
    if (Double.isNaN(limit)) {
      l.append(" - |");
    } else if (allMet) {
      l.append(judgedAt == null ? " met |" : " met at " + judgedAt + " |");
    } else {
      l.append(" **missed** at ").append(String.join(", ", missedAt)).append(" |");
    }
    lines.add(l.toString());
  }

  private static double sq(double x) {
    return x * x;
  }

  private static String cell(Row r) {
    String unit = r.unit().equals("ns/op") ? "ns" : r.unit();
    String bytes = Double.isNaN(r.bytes()) ? "" : r.bytes() < ZERO_BYTES ? ", 0 B" : String.format(Locale.ROOT,
        ", %.0f B", r.bytes());
    return String.format(Locale.ROOT, "%s ± %s %s%s", num(r.score()), num(r.error()), unit, bytes);
  }

  private static String num(double v) {
    if (Double.isNaN(v)) {
      return "?";
    }
    return String.format(Locale.ROOT, v >= 100 ? "%,.0f" : v >= 10 ? "%.1f" : "%.2f", v);
  }

  private static String summary(List<Double> load) {
    if (load.isEmpty()) {
      return "none";
    }
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    double sum = 0;
    for (double v : load) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    return String.format(Locale.ROOT, "min %.2f, mean %.2f, max %.2f (%d samples)", min,
        sum / load.size(), max, load.size());
  }

  private static int compareParam(String a, String b) {
    try {
      return Integer.compare(Integer.parseInt(a), Integer.parseInt(b));
    } catch (NumberFormatException e) {
      return a.compareTo(b);
    }
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return System.getProperty("os.arch");
  }
}
