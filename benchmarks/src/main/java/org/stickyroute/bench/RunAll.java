package org.stickyroute.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.ProfilerConfig;

/**
 * Runs JMH benchmarks from this jar and writes their results twice: JMH's JSON ({@code
 * benchmarks/results/<name>.json}) and a markdown table with the target ratios ({@code
 * benchmarks/results/<name>.md}, see {@link ResultsTable}).
 *
 * <p>Takes JMH's own command-line options ({@code -f 2 -wi 3 -i 5}, a benchmark regex, {@code -p
 * servers=100}, ...). Unless given, it adds {@code -prof gc} (so every row has B/op) and {@code -rf json
 * -rff benchmarks/results/<name>.json}. {@code <name>} is the system property {@code results.name}
 * (default {@code benchmarks}). The 1-minute load average is sampled every 5 s during the run and
 * reported, since on a shared machine it decides how far the numbers can be trusted.
 */
public final class RunAll {
  private RunAll() {}

  /**
   * Entry point.
   *
   * @param args JMH command-line options
   * @throws Exception if JMH fails or a result cannot be written
   */
  public static void main(String[] args)
      throws CommandLineOptionException, RunnerException, IOException, InterruptedException {
    CommandLineOptions cli = new CommandLineOptions(args);
    String name = System.getProperty("results.name", "benchmarks");
    Path dir = Paths.get(System.getProperty("results.dir", "benchmarks/results"));
    Files.createDirectories(dir);
    ChainedOptionsBuilder options = new OptionsBuilder().parent(cli);
    boolean gc = false;
    for (ProfilerConfig p : cli.getProfilers()) {
      gc |= p.getKlass().equals("gc") || p.getKlass().equals(GCProfiler.class.getName());
    }
    if (!gc) {
      options.addProfiler(GCProfiler.class);
    }
    Path json = dir.resolve(name + ".json");
    if (!cli.getResult().hasValue()) {
      options.result(json.toString()).resultFormat(ResultFormatType.JSON);
    }
    List<Double> load = new CopyOnWriteArrayList<>();
    Thread sampler = new Thread(() -> {
      try {
        while (true) {
          load.add(LoadAverage.oneMinute());
          Thread.sleep(5000);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "load-sampler");
    sampler.setDaemon(true);
    long start = System.currentTimeMillis();
    String before = LoadAverage.all();
    sampler.start();
    Collection<RunResult> results = new Runner(options.build()).run();
    sampler.interrupt();
    sampler.join();
    String after = LoadAverage.all();
    long minutes = Math.round((System.currentTimeMillis() - start) / 60000.0);
    String md = ResultsTable.markdown(new ArrayList<>(results), String.join(" ", args), new ArrayList<>(load),
        before, after, minutes);
    Path mdPath = dir.resolve(name + ".md");
    Files.writeString(mdPath, md);
    System.out.println();
    System.out.println(md);
    System.out.printf(Locale.ROOT, "written to %s and %s%n", mdPath, json);
  }
}
