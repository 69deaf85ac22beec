package org.stickyroute.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real {@code haproxy} process running in the foreground ({@code haproxy -db -f <cfg>}) for differential
 * tests.
 *
 * <p>{@link #start(String)} writes the configuration into a private temporary directory (which is also the
 * process' working directory, so relative paths such as {@code stats socket unix@admin.sock} land there), starts
 * HAProxy, captures its combined stdout/stderr (including {@code log stdout} access logs) and returns once every
 * {@code bind 127.0.0.1:<port>} of the configuration is listening. If HAProxy exits first (configuration error,
 * port already in use, ...) or does not become ready within 10 s, an {@link IllegalStateException} carrying the
 * captured output is thrown and the process is cleaned up.
 *
 * <p>Readiness is detected without connecting to the frontends when {@code /proc} is available (a probe
 * connection would show up in HAProxy's access log as a {@code <BADREQ>} line): a port counts as ready when a
 * socket in LISTEN state on {@code 127.0.0.1:<port>} is owned by this very process. Elsewhere a TCP connect
 * probe is used.
 *
 * <p>Only loopback binds are accepted: {@link #start(String)} rejects {@code bind} lines whose address is not
 * {@code 127.0.0.1:<port>} (UNIX socket paths are allowed).
 *
 * <p>Instances are not thread-safe except for {@link #output()}, which may be called at any time.
 */
public final class HaproxyProcess implements AutoCloseable {

  /** Time allowed for HAProxy to start listening, and for {@code haproxy -c} to finish. */
  public static final long STARTUP_TIMEOUT_MILLIS = 10_000;

  private static final String CONFIG_FILE_NAME = "haproxy.cfg";
  private static final long POLL_INTERVAL_MILLIS = 10;

  /** {@code stats socket <path> ...} in the {@code global} section. */
  private static final Pattern STATS_SOCKET_LINE =
      Pattern.compile("^[ \\t]*stats[ \\t]+socket[ \\t]+(\\S+)", Pattern.MULTILINE);

  private final Process process;
  private final Path workDir;
  private final Path configFile;
  private final List<Integer> ports;
  private final ProcessOutput output;
  private boolean closed;

  private HaproxyProcess(
      Process process, Path workDir, Path configFile, List<Integer> ports, ProcessOutput output) {
    this.process = process;
    this.workDir = workDir;
    this.configFile = configFile;
    this.ports = ports;
    this.output = output;
  }

  // ------------------------------------------------------------------------------------------------
  // Discovery

  /**
   * Tells whether a usable {@code haproxy} binary exists ({@link Programs}: {@code STICKYROUTE_HAPROXY}, the
   * {@code PATH}, {@code /usr/sbin}) and {@code haproxy -v} runs successfully. Tests declare the need with
   * {@link RequiresHaproxy} rather than asking this. The answer is computed once and cached.
   *
   * @return true if HAProxy-based tests can run on this machine
   */
  public static boolean available() {
    return Programs.find("haproxy", "-v").isPresent();
  }

  /**
   * Returns the HAProxy binary used by this class.
   *
   * @return the path of the binary
   * @throws IllegalStateException if {@link #available()} is false
   */
  public static Path binary() {
    return found().path();
  }

  /**
   * Returns the first line of {@code haproxy -v}, e.g. {@code HAProxy version 2.6.12-1+deb12u4 ...}.
   *
   * @return the version banner
   * @throws IllegalStateException if {@link #available()} is false
   */
  public static String version() {
    return found().versionLine();
  }

  private static Program found() {
    return Programs.find("haproxy", "-v").orElseThrow(
        () -> new IllegalStateException("no usable haproxy binary (searched " + Programs.searched("haproxy") + ")"));
  }

  // ------------------------------------------------------------------------------------------------
  // Starting, checking

  /**
   * Writes {@code configText} to a temporary directory, starts {@code haproxy -db -f <file>} there and waits
   * (at most {@value #STARTUP_TIMEOUT_MILLIS} ms) until every {@code bind 127.0.0.1:<port>} is listening.
   *
   * @param configText a complete HAProxy configuration
   * @return the running process; close it to stop HAProxy and delete its files
   * @throws IOException if the configuration cannot be written or the process cannot be started
   * @throws IllegalArgumentException if the configuration binds to a non-loopback address
   * @throws IllegalStateException if HAProxy exits or is not ready in time (the message has its output)
   */
  public static HaproxyProcess start(String configText) throws IOException {
    List<Integer> ports = HaproxyListeners.loopbackBindPorts(configText);
    Path dir = Files.createTempDirectory("stickyroute-haproxy-");
    Path cfg = dir.resolve(CONFIG_FILE_NAME);
    Process process;
    try {
      Files.writeString(cfg, configText, StandardCharsets.UTF_8);
      process =
          new ProcessBuilder(binary().toString(), "-db", "-f", cfg.toString())
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .start();
    } catch (IOException | RuntimeException e) {
      deleteRecursively(dir);
      throw e;
    }
    ProcessOutput output = new ProcessOutput(process.getInputStream(), "haproxy-output-" + process.pid());
    HaproxyProcess haproxy = new HaproxyProcess(process, dir, cfg, ports, output);
    try {
      process.getOutputStream().close(); // HAProxy never reads stdin
      haproxy.awaitListening();
      return haproxy;
    } catch (IOException | RuntimeException e) {
      haproxy.close();
      throw e;
    }
  }

  /**
   * Runs {@code haproxy -c -f <file>} on the given configuration and returns its combined output followed by a
   * line {@code exit code: <n>} (0 means valid).
   *
   * @param configText a complete HAProxy configuration
   * @return the checker's output and exit code
   * @throws IOException if the check cannot be run
   */
  public static String check(String configText) throws IOException {
    return validate(configText).toString();
  }

  /**
   * Structured variant of {@link #check(String)}.
   *
   * @param configText a complete HAProxy configuration
   * @return exit code and combined output of {@code haproxy -c -f <file>}
   * @throws IOException if the check cannot be run
   */
  public static ConfigCheck validate(String configText) throws IOException {
    Path dir = Files.createTempDirectory("stickyroute-haproxy-check-");
    try {
      Path cfg = dir.resolve(CONFIG_FILE_NAME);
      Files.writeString(cfg, configText, StandardCharsets.UTF_8);
      Process process =
          new ProcessBuilder(binary().toString(), "-c", "-f", cfg.toString())
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .start();
      ProcessOutput output = new ProcessOutput(process.getInputStream(), "haproxy-check-" + process.pid());
      try {
        process.getOutputStream().close();
        if (!process.waitFor(STARTUP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
          throw new IllegalStateException("haproxy -c did not finish in time:\n" + output.text());
        }
        output.awaitEnd();
        return new ConfigCheck(process.exitValue(), output.text());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for haproxy -c", e);
      } finally {
        stop(process);
        output.awaitEnd();
      }
    } finally {
      deleteRecursively(dir);
    }
  }

  /**
   * Result of {@code haproxy -c}.
   *
   * @param exitCode the process exit code (0 = configuration valid)
   * @param output combined stdout and stderr (warnings and alerts)
   */
  public record ConfigCheck(int exitCode, String output) {

    /**
     * Tells whether the configuration was accepted.
     *
     * @return true iff the exit code is 0
     */
    public boolean valid() {
      return exitCode == 0;
    }

    @Override
    public String toString() {
      return output + (output.isEmpty() || output.endsWith("\n") ? "" : "\n") + "exit code: " + exitCode;
    }
  }

  /** How often {@link #startOnFreePorts} tries new ports when one was taken meanwhile. */
  static final int BIND_ATTEMPTS = 8;

  /**
   * Starts HAProxy on {@code count} frontend ports of 127.0.0.1 chosen here: {@code config} gets the ports and
   * returns the configuration that binds them. HAProxy cannot bind port 0 ({@code invalid port '0'}) nor inherit a
   * bound socket from Java, so the ports are ones the kernel handed out as free a moment ago, and when HAProxy
   * then cannot bind one ({@code cannot bind socket}: another process took it meanwhile), it starts again on new
   * ports, up to {@value #BIND_ATTEMPTS} times. {@link #ports()} tells the ports in use.
   *
   * @param count how many ports the configuration binds
   * @param config the configuration for given ports (called once per attempt)
   * @return the running process
   * @throws IOException if the configuration cannot be written or the process cannot be started
   * @throws IllegalStateException if HAProxy fails for another reason, or every attempt met a taken port
   */
  public static HaproxyProcess startOnFreePorts(int count, Function<List<Integer>, String> config)
      throws IOException {
    IllegalStateException last = null;
    for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        ports.add(ephemeralPort());
      }
      try {
        return start(config.apply(List.copyOf(ports)));
      } catch (IllegalStateException e) {
        if (!bindFailure(e.getMessage())) {
          throw e;
        }
        last = e; // a port was taken between the choice and HAProxy's bind: try other ports
      }
    }
    throw last;
  }

  /** Whether HAProxy's output says a listener could not be bound. */
  static boolean bindFailure(String output) {
    return output != null && (output.contains("cannot bind socket") || output.contains("Address already in use"));
  }

  /** A port the kernel just handed out as free (HAProxy binds it; see {@link #startOnFreePorts}). */
  private static int ephemeralPort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot obtain a free port", e);
    }
  }

  // ------------------------------------------------------------------------------------------------
  // Accessors

  /**
   * Returns everything HAProxy wrote to stdout/stderr so far (start-up warnings, alerts, {@code log stdout}
   * lines). Capped at 8 MiB; older text is dropped first.
   *
   * @return the captured output
   */
  public String output() {
    return output.text();
  }

  /**
   * Waits until the captured output contains {@code needle} (e.g. an access-log line, which HAProxy writes
   * after the response has been sent).
   *
   * @param needle the text to look for
   * @param timeoutMillis maximum wait
   * @return true if found in time
   */
  public boolean awaitOutput(String needle, long timeoutMillis) {
    return output.await(needle, timeoutMillis);
  }

  /**
   * Returns the ports of the configuration's {@code bind 127.0.0.1:<port>} lines, in order of appearance.
   *
   * @return the frontend ports
   */
  public List<Integer> ports() {
    return ports;
  }

  /**
   * Returns the private working directory (contains {@code haproxy.cfg} and any relative sockets).
   *
   * @return the working directory
   */
  public Path workDir() {
    return workDir;
  }

  /**
   * Returns the written configuration file.
   *
   * @return the configuration path
   */
  public Path configFile() {
    return configFile;
  }

  /**
   * Returns the operating-system process id.
   *
   * @return the pid
   */
  public long pid() {
    return process.pid();
  }

  /**
   * Tells whether HAProxy is still running.
   *
   * @return true if alive
   */
  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Sends one command to HAProxy's runtime API over the configuration's {@code stats socket <path>} (a relative
   * path is resolved against {@link #workDir()}), e.g. {@code "set server be/s2 state maint"} or {@code "show
   * servers state be"}, and returns the complete answer.
   *
   * <p>Note: HAProxy 2.6 only treats an address as a UNIX socket path if it starts with {@code /} or carries
   * the {@code unix@} prefix; {@code stats socket ./admin.sock} is rejected ("missing port specification").
   * Use {@code stats socket unix@admin.sock mode 600 level admin} for a socket inside {@link #workDir()}.
   *
   * @param command a runtime API command, without trailing newline
   * @return the answer text
   * @throws IOException if the socket cannot be used
   * @throws IllegalStateException if the configuration declares no UNIX {@code stats socket}
   */
  public String cli(String command) throws IOException {
    String config = Files.readString(configFile, StandardCharsets.UTF_8);
    Matcher m = STATS_SOCKET_LINE.matcher(config);
    String path = m.find() ? m.group(1) : "";
    if (path.startsWith("unix@")) {
      path = path.substring("unix@".length());
    }
    if (path.isEmpty() || path.contains(":") || path.contains("@")) {
      throw new IllegalStateException("configuration has no UNIX 'stats socket <path>' line");
    }
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(workDir.resolve(path)))) {
      channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.ISO_8859_1)));
      channel.shutdownOutput();
      ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
      StringBuilder answer = new StringBuilder();
      while (channel.read(buffer) >= 0) {
        buffer.flip();
        answer.append(StandardCharsets.ISO_8859_1.decode(buffer));
        buffer.clear();
      }
      return answer.toString();
    }
  }

  // ------------------------------------------------------------------------------------------------
  // Shutdown

  /**
   * Stops HAProxy (SIGTERM, then SIGKILL if it has not exited within 2 s), waits for its output to be drained
   * and deletes the working directory. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    stop(process);
    output.awaitEnd();
    deleteRecursively(workDir);
  }

  private static void stop(Process process) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    boolean interrupted = false;
    try {
      if (!process.waitFor(2, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      interrupted = true;
      process.destroyForcibly();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------------------------------------
  // Readiness

  private void awaitListening() {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STARTUP_TIMEOUT_MILLIS);
    Set<Integer> pending = new LinkedHashSet<>(ports);
    boolean useProc = Files.isReadable(Path.of("/proc/net/tcp"))
        && Files.isDirectory(Path.of("/proc", Long.toString(process.pid()), "fd"));
    while (true) {
      if (!process.isAlive()) {
        output.awaitEnd();
        throw new IllegalStateException(
            "haproxy exited with code " + process.exitValue() + " before listening on " + pending
                + "\n--- haproxy output ---\n" + output.text());
      }
      pending.removeAll(useProc
          ? HaproxyListeners.ownedBy(process.pid(), pending)
          : HaproxyListeners.accepting(pending));
      if (pending.isEmpty()) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "haproxy not listening on " + pending + " after " + STARTUP_TIMEOUT_MILLIS + " ms"
                + "\n--- haproxy output ---\n" + output.text());
      }
      try {
        Thread.sleep(POLL_INTERVAL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for haproxy", e);
      }
    }
  }

  // ------------------------------------------------------------------------------------------------
  // Helpers

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort
        }
      });
    } catch (IOException | UncheckedIOException ignored) {
      // best effort
    }
  }
}
