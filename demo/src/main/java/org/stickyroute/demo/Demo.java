package org.stickyroute.demo;

import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.FilterMapping;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.stickyroute.Backend;
import org.stickyroute.Router;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.config.RoutingConfig;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.config.StatsConfig;
import org.stickyroute.config.StickyFailure;
import org.stickyroute.config.StickyProperties;
import org.stickyroute.config.TimeUnits;
import org.stickyroute.health.HttpHealthChecker;
import org.stickyroute.servlet.StickyProxyServlet;
import org.stickyroute.servlet.StickyRouteFilter;
import org.stickyroute.servlet.StickyStatsServlet;

/**
 * The stickyroute demo: a sticky reverse proxy with HAProxy 2.6's decisions (Jetty 12, {@link
 * StickyRouteFilter} in front of {@link StickyProxyServlet}) in front of three embedded Overleaf-like
 * instances ({@link DemoInstance} docker-0..2), configured by the project's {@code examples/overleaf.cfg}
 * (a classpath resource of the jar) with its server addresses rewritten to the instances' ports. Health
 * checks run as configured; the stats page and an admin page (switch an instance UP, SICK or DOWN) are
 * under {@code /stickyroute/}, protected by the configuration's {@code stats auth}.
 *
 * <pre>
 * java -jar demo/target/stickyroute-demo.jar [--port P] [--inter TIME] [--sticky-failure POLICY]
 * </pre>
 *
 * <p>Exit status: 0 after a clean stop, 64 on bad arguments, 1 when the port is in use or start-up fails.
 * Not thread-safe to start twice; {@link #close()} may be called from any thread (the shutdown hook does).
 */
public final class Demo implements AutoCloseable {
  /** Exit status of a usage error (BSD's {@code EX_USAGE}). */
  public static final int EXIT_USAGE = 64;
  /** The configuration resource inside the jar. */
  public static final String CONFIG_RESOURCE = "examples/overleaf.cfg";
  /** The frontend requests enter through. */
  public static final String FRONTEND = "incoming_http";
  /** The backend with the SERVERID cookie. */
  public static final String COOKIE_BACKEND = "sharelatex_generic";
  /** The instances, as the configuration names its servers. */
  public static final List<String> INSTANCES = List.of("docker-0", "docker-1", "docker-2");

  static final String USAGE = """
      usage: java -jar stickyroute-demo.jar [--port P] [--inter TIME] [--sticky-failure POLICY]

        --port P                 listen on 127.0.0.1:P (default 8080; 0 = any free port)
        --inter TIME             health-check interval instead of the configuration's (10000 ms),
                                 HAProxy time syntax: 2000, 500ms, 2s (at least 100 ms)
        --sticky-failure POLICY  what a SERVERID cookie for an unavailable instance gets:
                                 redispatch (default, HAProxy's option redispatch: another
                                 instance and a new cookie), persist, or strict (a 503 page
                                 saying the session's instance is unavailable)
        --help                   this text
      """;

  /** Parsed command line. */
  record Options(int port, long interMillis, StickyFailure stickyFailure, boolean help) {}

  /** A command-line mistake; its message is printed with the usage. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  static Options parse(String[] args) throws UsageException {
    int port = 8080;
    long inter = 0;
    StickyFailure failure = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        value = a.substring(eq + 1);
        a = a.substring(0, eq);
      }
      switch (a) {
        case "--help", "-h" -> {
          return new Options(port, inter, failure, true);
        }
        case "--port" -> {
          String v = value != null ? value : next(args, ++i, "--port");
          try {
            port = Integer.parseInt(v);
          } catch (NumberFormatException e) {
            throw new UsageException("'" + v + "': --port expects a number 0..65535");
          }
          if (port < 0 || port > 65535) {
            throw new UsageException("'" + v + "': --port expects a number 0..65535");
          }
        }
        case "--inter" -> {
          String v = value != null ? value : next(args, ++i, "--inter");
          try {
            inter = TimeUnits.parseMillis(v);
          } catch (RuntimeException e) {
            throw new UsageException("'" + v + "': --inter expects a time such as 2000, 500ms or 2s");
          }
          if (inter < 100) {
            throw new UsageException("'" + v + "': --inter must be at least 100 ms");
          }
        }
        case "--sticky-failure" -> {
          String v = value != null ? value : next(args, ++i, "--sticky-failure");
          failure = switch (v) {
            case "redispatch" -> StickyFailure.REDISPATCH;
            case "persist" -> StickyFailure.PERSIST;
            case "strict" -> StickyFailure.STRICT;
            default -> throw new UsageException("'" + v + "': --sticky-failure expects redispatch, persist or strict");
          };
        }
        default -> throw new UsageException("'" + args[i] + "': unknown argument");
      }
    }
    return new Options(port, inter, failure, false);
  }

  private static String next(String[] args, int i, String flag) throws UsageException {
    if (i >= args.length) {
      throw new UsageException(flag + " needs a value");
    }
    return args[i];
  }

  // ------------------------------------------------------------------------------------------ running

  private final Server server;
  private final ServerConnector connector;
  private final List<DemoInstance> instances = new ArrayList<>();
  private final Map<String, HttpHealthChecker> checkers = new LinkedHashMap<>(); // by backend
  private Router router;
  private RoutingConfig config;
  private StatsConfig.Credential credential;
  private long inter;
  private int skipped;
  private StickyFailure policy = StickyFailure.REDISPATCH;
  private boolean closed;

  private Demo(int port) {
    QueuedThreadPool pool = new QueuedThreadPool(200, 8);
    pool.setName("demo-proxy");
    server = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    // Cookie values are case-sensitive: Jetty's default header cache could hand a request the case of an
    // earlier one on the same connection (see JettyHeaderCacheTest in stickyroute-servlet).
    http.setHeaderCacheCaseSensitive(true);
    connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
  }

  /**
   * Starts everything: binds the proxy port first (so a port in use fails before anything else starts),
   * then the instances, the router and its health checks, then the proxy.
   *
   * @param port the proxy's port on 127.0.0.1 (0 = any free port)
   * @param interMillis the health-check interval to use instead of the configuration's, or 0
   * @throws BindException when the port is in use
   */
  public static Demo start(int port, long interMillis) throws Exception {
    return start(port, interMillis, null);
  }

  /**
   * As {@link #start(int, long)}, with the sticky-failure policy of {@code sharelatex_generic} (the cookie
   * backend) set to {@code stickyFailure} ({@code null}: the configuration's, HAProxy's redispatch).
   */
  public static Demo start(int port, long interMillis, StickyFailure stickyFailure) throws Exception {
    return start(port, interMillis, stickyFailure, new StickyProxyServlet());
  }

  /** As {@link #start(int, long, StickyFailure)}, proxying with {@code proxy} (a subclass that watches attempts). */
  static Demo start(int port, long interMillis, StickyFailure stickyFailure, StickyProxyServlet proxy) throws Exception {
    Demo d = new Demo(port);
    try {
      d.connector.open();
      d.boot(interMillis, stickyFailure, proxy);
      return d;
    } catch (Exception | Error e) {
      d.close();
      throw e;
    }
  }

  private void boot(long interMillis, StickyFailure stickyFailure, StickyProxyServlet proxyServlet) throws Exception {
    RoutingConfig loaded = ConfigLoader.loadResource(Demo.class.getClassLoader(), CONFIG_RESOURCE, false);
    skipped = loaded.warnings().size();
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (String name : INSTANCES) {
      DemoInstance i = new DemoInstance(name, 0).start();
      instances.add(i);
      ports.put(name, i.port());
    }
    config = rewrite(loaded, ports, interMillis);
    if (stickyFailure != null) {
      config = StickyProperties.apply(config,
          Map.of("backend." + COOKIE_BACKEND + ".sticky-failure", stickyFailure.name().toLowerCase(java.util.Locale.ROOT)),
          "--sticky-failure");
    }
    policy = config.backend(COOKIE_BACKEND) == null ? StickyFailure.REDISPATCH
        : config.backend(COOKIE_BACKEND).stickyFailure();
    inter = interMillis;
    if (inter == 0) {
      for (BackendConfig b : config.backends()) {
        for (ServerConfig s : b.servers()) {
          if (s.check()) {
            inter = s.interMillis();
          }
        }
      }
    }
    List<StatsConfig.Credential> creds = StickyStatsServlet.credentialsOf(config, null);
    if (creds.isEmpty()) {
      throw new IllegalStateException(CONFIG_RESOURCE + " has no 'stats auth': the admin pages would be open");
    }
    credential = creds.get(0);
    router = Router.create(config);
    for (Backend b : router.backends()) {
      if (b.config().servers().stream().anyMatch(ServerConfig::check)) {
        checkers.put(b.name(), HttpHealthChecker.start(b));
      }
    }

    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    StickyRouteFilter filter = new StickyRouteFilter(router, StickyRouteFilter.Options.builder().frontend(FRONTEND).build());
    FilterHolder fh = new FilterHolder(filter);
    fh.setName("stickyroute");
    fh.setAsyncSupported(true);
    ServletHolder proxy = new ServletHolder("proxy", proxyServlet);
    proxy.setAsyncSupported(true);
    proxy.setInitParameter("timeout", "185000"); // Overleaf's advice for long compiles (timeout server 185s)
    context.addServlet(proxy, "/*");
    FilterMapping m = new FilterMapping();
    m.setFilterName("stickyroute");
    m.setServletName("proxy"); // only proxied requests are routed, never the admin pages
    m.setDispatcherTypes(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR));
    context.getServletHandler().addFilter(fh, m);
    context.addServlet(new ServletHolder("stats", new StickyStatsServlet(router, creds)), "/stickyroute/stats/*");
    // the Prometheus text format (HAProxy's exporter's names), where issue 15 and the docs promise it
    context.addServlet(new ServletHolder("metrics", new StickyStatsServlet(router, creds)), "/stickyroute/metrics");
    context.addServlet(new ServletHolder("admin", new DemoAdminServlet(this, creds)), "/stickyroute/*");
    server.setHandler(context);
    server.start();
  }

  /** The configuration with docker-N at 127.0.0.1:(instance port), and the check interval replaced. */
  static RoutingConfig rewrite(RoutingConfig loaded, Map<String, Integer> ports, long interMillis) {
    RoutingConfig.Builder b = RoutingConfig.builder();
    loaded.frontends().forEach(b::frontend);
    for (BackendConfig be : loaded.backends()) {
      List<ServerConfig> servers = new ArrayList<>();
      for (ServerConfig s : be.servers()) {
        Integer port = ports.get(s.name());
        if (port == null) {
          throw new IllegalStateException("backend " + be.name() + ": no instance for server " + s.name());
        }
        long inter = interMillis > 0 && s.check() ? interMillis : s.interMillis();
        servers.add(s.toBuilder(s.name(), "127.0.0.1", port)
            .inter(inter)
            .fastInter(interMillis > 0 ? 0 : s.fastInterMillis())
            .downInter(interMillis > 0 ? 0 : s.downInterMillis())
            .location(s.location())
            .build());
      }
      b.backend(be.toBuilder().servers(servers).build());
    }
    RoutingConfig built = b.build();
    return new RoutingConfig(built.frontends(), built.backends(), loaded.warnings());
  }

  /** The proxy's port. */
  public int port() {
    return connector.getLocalPort();
  }

  /** The router (live state, stats). */
  public Router router() {
    return router;
  }

  /** The instances, docker-0..2. */
  public List<DemoInstance> instances() {
    return instances;
  }

  /** Health checks completed so far on {@code server} of {@code backend} (0 if it is not checked). */
  public long checksCompleted(String backend, String server) {
    HttpHealthChecker c = checkers.get(backend);
    return c == null ? 0 : c.probes(server);
  }

  /** The instance named {@code name}, or {@code null}. */
  public DemoInstance instance(String name) {
    for (DemoInstance i : instances) {
      if (i.name().equals(name)) {
        return i;
      }
    }
    return null;
  }

  /** The credentials of the stats and admin pages (the configuration's first {@code stats auth}). */
  public StatsConfig.Credential credential() {
    return credential;
  }

  /** The health-check interval in use, in milliseconds. */
  public long interMillis() {
    return inter;
  }

  /** Blocks until the proxy stops. */
  public void join() throws InterruptedException {
    server.join();
  }

  /** Stops the proxy, the health checks and the instances; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      server.stop();
    } catch (Exception e) {
      System.err.println("stickyroute demo: stopping the proxy: " + e);
    }
    for (HttpHealthChecker c : checkers.values()) {
      c.close();
    }
    for (DemoInstance i : instances) {
      try {
        i.close();
      } catch (Exception e) {
        System.err.println("stickyroute demo: stopping " + i.name() + ": " + e);
      }
    }
  }

  /** The start-up text: what runs where, the credentials, and what to try. */
  String banner() {
    String base = "http://127.0.0.1:" + port();
    String cred = credential.user() + ":" + credential.password();
    StringBuilder b = new StringBuilder();
    b.append("stickyroute demo: HAProxy 2.6's routing decisions in a Java reverse proxy (Jetty 12 + StickyRouteFilter)\n\n");
    b.append("  configuration  classpath:").append(CONFIG_RESOURCE).append(", frontend ").append(FRONTEND)
        .append(" (").append(skipped).append(" lines that do not affect routing skipped)\n");
    b.append("  instances     ");
    for (DemoInstance i : instances) {
      b.append("  ").append(i.name()).append(" -> 127.0.0.1:").append(i.port());
    }
    b.append('\n');
    b.append("  routing        /project/* -> sharelatex_project (balance uri depth 2)\n");
    b.append("                 everything else -> sharelatex_generic (leastconn, cookie SERVERID insert indirect nocache)\n");
    b.append("  health checks  GET /status every ").append(inter).append(" ms")
        .append(inter == 10000 ? " (inter 10000 from the configuration; --inter 1s to watch it faster)" : " (--inter)")
        .append(", rise 2, fall 3\n");
    BackendConfig generic = config.backend("sharelatex_generic");
    if (generic != null) {
      long c = generic.connectTimeoutMillis();
      b.append("  refused        retries ").append(generic.retries()).append(", ").append(c > 0 ? Math.min(c, 1000) : 1000)
          .append(" ms apart on the same server; ")
          .append(policy == StickyFailure.STRICT ? "sticky-failure strict on sharelatex_generic (no redispatch of cookie requests)\n"
              : policy == StickyFailure.PERSIST ? "sticky-failure persist on sharelatex_generic\n"
              : "option redispatch on sharelatex_generic\n");
    }
    b.append('\n');
    b.append("  proxy          ").append(base).append("/\n");
    b.append("  admin          ").append(base).append("/stickyroute/          (user '").append(credential.user())
        .append("', password '").append(credential.password()).append("', from 'stats auth')\n");
    b.append("  stats          ").append(base).append("/stickyroute/stats     (same credentials; HAProxy's page with its admin"
        + " form; ?format=json; ;csv; POST JSON to /stickyroute/stats/admin)\n");
    b.append("  metrics        ").append(base).append("/stickyroute/metrics   (same credentials; Prometheus, HAProxy's"
        + " exporter's names)\n\n");
    b.append("Try:\n");
    b.append("  # a project's compiles always reach the same instance, and its compile counter grows there\n");
    b.append("  curl -s ").append(base).append("/project/123/compile\n");
    b.append("  curl -s ").append(base).append("/project/123/compile\n");
    b.append("  # other pages: the SERVERID cookie keeps a browser on one instance (open ").append(base).append("/)\n");
    b.append("  curl -si -c /tmp/jar -b /tmp/jar ").append(base).append("/ | grep -i -e x-served-by -e set-cookie\n");
    b.append("  curl -s -u ").append(cred).append(" '").append(base).append("/stickyroute/stats?format=json'\n");
    b.append("  # take an instance down and watch the health checks and the redispatch (new cookie)\n");
    b.append("  curl -s -u ").append(cred).append(" -X POST '").append(base)
        .append("/stickyroute/instance?name=docker-1&state=DOWN'\n\n");
    b.append("Ctrl-C stops everything.\n");
    return b.toString();
  }

  // --------------------------------------------------------------------------------------------- main

  /** Runs the demo until interrupted; exits 0, 64 (usage) or 1 (port in use, start-up failure). */
  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** {@link #main} without {@code System.exit}: returns the exit status (blocks while the demo runs). */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Options o;
    try {
      o = parse(args);
    } catch (UsageException e) {
      err.println("stickyroute demo: " + e.getMessage());
      err.print(USAGE);
      return EXIT_USAGE;
    }
    if (o.help()) {
      out.print(USAGE);
      return 0;
    }
    Demo demo;
    try {
      demo = start(o.port(), o.interMillis(), o.stickyFailure());
    } catch (IOException e) {
      if (isBind(e)) {
        err.println("stickyroute demo: port " + o.port() + " on 127.0.0.1 is already in use; choose another with --port");
      } else {
        err.println("stickyroute demo: cannot start: " + e);
      }
      return 1;
    } catch (Exception e) {
      err.println("stickyroute demo: cannot start: " + e);
      return 1;
    }
    Thread hook = new Thread(() -> {
      out.println("stickyroute demo: stopping");
      demo.close();
    }, "stickyroute-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.print(demo.banner());
    out.flush();
    try {
      demo.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      demo.close();
    }
    return 0;
  }

  private static boolean isBind(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException) {
        return true;
      }
    }
    return false;
  }
}
