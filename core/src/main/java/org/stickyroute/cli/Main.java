package org.stickyroute.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stickyroute.Backend;
import org.stickyroute.BackendSnapshot;
import org.stickyroute.Decision;
import org.stickyroute.Frontend;
import org.stickyroute.Health;
import org.stickyroute.http.RequestView;
import org.stickyroute.http.ResponseView;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigException;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.config.ConfigWarning;
import org.stickyroute.config.RoutingConfig;
import org.stickyroute.config.StickyProperties;

/**
 * The {@code stickyroute} command-line tool ({@code java -jar stickyroute-cli.jar COMMAND ...}).
 *
 * <pre>
 * route --config FILE [--backend NAME | --frontend NAME] [--down S1,S2,...] [--cookie 'HEADER VALUE']
 *       [--sticky PROPERTIES] [--strict]
 *     Reads request-targets from stdin, one per line, exactly as they appear in a request line, and prints
 *     for each the chosen server's name ("-" when no server is usable). A target may be followed by
 *     TAB-separated fields: src=ADDR (the client address, IPv4 or IPv6; default 127.0.0.1) and
 *     "Name: value" (a request header, repeatable, in order) and "&gt;Name: value" (a header of the chosen
 *     server's response, for stick store-response rules). Lines are decided in order with one set of stick
 *     tables for the whole run: a backend with stick rules takes the whole decision (tables, then the
 *     algorithm) and learns from each line's response. Without --backend the frontend's
 *     rules pick the backend (default: the first frontend or listen section) and each line is
 *     "BACKEND SERVER". --down marks servers as not usable (NAME, or BACKEND/NAME).
 *     With --cookie, every line is a GET carrying that Cookie header, decided with cookie persistence, and
 *     the output becomes "SERVER&lt;TAB&gt;SET-COOKIE&lt;TAB&gt;FORWARDED" (after "BACKEND " without --backend):
 *     the Set-Cookie value a 200 response would get and the Cookie header forwarded to the server, "-" for
 *     none (no cookie set / header removed).
 * cookie --config FILE --backend NAME [--sticky PROPERTIES] [--strict] SERVER
 *     Prints the cookie value that pins a client to SERVER: its configured or dynamic value (signed when
 *     the --sticky properties turn signing on for that backend). Exit status 1 when the server has none.
 * check --config FILE [--sticky PROPERTIES] [--strict]
 *     Loads the configuration and prints its warnings.
 * </pre>
 *
 * <p>--sticky reads stickyroute's own persistence settings (policy, strict status, signing) from a
 * properties file, see {@link StickyProperties}.
 *
 * <p>Exit status: 0 on success, 1 when {@code cookie} finds no value, 2 on a configuration error (message on
 * stderr), 64 on a usage error.
 * Warnings always go to stderr. Input is read as ISO-8859-1 so every byte of a request-target is kept.
 */
public final class Main {
  /** Exit status of {@code cookie} for a server without a cookie value. */
  public static final int EXIT_NO_VALUE = 1;
  /** Exit status of a configuration error. */
  public static final int EXIT_CONFIG = 2;
  /** Exit status of a usage error. */
  public static final int EXIT_USAGE = 64;

  private Main() {}

  /** Entry point. */
  public static void main(String[] args) {
    int status = run(args, System.in, System.out, System.err);
    System.out.flush();
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Runs one command with the given streams and returns the exit status (never calls {@code exit}). */
  public static int run(String[] args, InputStream in, OutputStream out, PrintStream err) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
      err.print(USAGE);
      return args.length == 0 ? EXIT_USAGE : 0;
    }
    Map<String, String> opts = new LinkedHashMap<>();
    List<String> positional = new ArrayList<>();
    try {
      for (int i = 1; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--strict")) {
          opts.put(a, "true");
        } else if (a.startsWith("--") && i + 1 < args.length) {
          opts.put(a, args[++i]);
        } else if (args[0].equals("cookie") && !a.startsWith("--")) {
          positional.add(a);
        } else {
          throw new UsageException("unexpected argument '" + a + "'");
        }
      }
      switch (args[0]) {
        case "route":
          return route(opts, in, out, err);
        case "cookie":
          return cookie(opts, positional, out, err);
        case "check":
          return check(opts, err);
        default:
          throw new UsageException("unknown command '" + args[0] + "'");
      }
    } catch (UsageException e) {
      err.println("stickyroute: " + e.getMessage());
      err.print(USAGE);
      return EXIT_USAGE;
    } catch (ConfigException e) {
      err.println("stickyroute: configuration error: " + e.getMessage());
      return EXIT_CONFIG;
    } catch (NoSuchFileException e) {
      err.println("stickyroute: configuration error: no such file: " + e.getMessage());
      return EXIT_CONFIG;
    } catch (IOException e) {
      err.println("stickyroute: I/O error: " + e.getMessage());
      return EXIT_CONFIG;
    }
  }

  private static final String USAGE =
      "usage: stickyroute route --config FILE [--backend NAME | --frontend NAME] [--down S1,S2,...]\n"
          + "                         [--cookie 'HEADER VALUE'] [--sticky PROPERTIES] [--strict]\n"
          + "       stickyroute cookie --config FILE --backend NAME [--sticky PROPERTIES] [--strict] SERVER\n"
          + "       stickyroute check --config FILE [--sticky PROPERTIES] [--strict]\n";

  private static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  private static RoutingConfig load(Map<String, String> opts, PrintStream err) throws IOException, UsageException {
    String file = opts.remove("--config");
    if (file == null) {
      throw new UsageException("--config FILE is required");
    }
    boolean strict = opts.remove("--strict") != null;
    RoutingConfig config = ConfigLoader.load(Path.of(file), strict);
    for (ConfigWarning w : config.warnings()) {
      err.println("stickyroute: warning: " + w);
    }
    String sticky = opts.remove("--sticky");
    if (sticky != null) {
      config = StickyProperties.load(config, Path.of(sticky));
    }
    return config;
  }

  private static int check(Map<String, String> opts, PrintStream err) throws IOException, UsageException {
    RoutingConfig config = load(opts, err);
    if (!opts.isEmpty()) {
      throw new UsageException("unexpected option " + opts.keySet().iterator().next());
    }
    err.println(
        "stickyroute: configuration valid: " + config.frontends().size() + " frontend(s), "
            + config.backends().size() + " backend(s), " + config.warnings().size() + " warning(s)");
    return 0;
  }

  private static int route(Map<String, String> opts, InputStream in, OutputStream out, PrintStream err)
      throws IOException, UsageException {
    RoutingConfig config = load(opts, err);
    String backendName = opts.remove("--backend");
    String frontendName = opts.remove("--frontend");
    String down = opts.remove("--down");
    String cookie = opts.remove("--cookie");
    if (!opts.isEmpty()) {
      throw new UsageException("unexpected option " + opts.keySet().iterator().next());
    }
    if (backendName != null && frontendName != null) {
      throw new UsageException("give --backend or --frontend, not both");
    }
    Router router = Router.create(config);
    Backend backend = null;
    Frontend frontend = null;
    if (backendName != null) {
      backend = router.backend(backendName);
      if (backend == null) {
        throw new UsageException("no backend '" + backendName + "' in " + names(router));
      }
    } else if (frontendName != null) {
      frontend = router.frontend(frontendName);
      if (frontend == null) {
        throw new UsageException("no frontend '" + frontendName + "'");
      }
    } else {
      if (router.frontends().isEmpty()) {
        throw new UsageException("the configuration has no frontend or listen section; use --backend");
      }
      frontend = router.frontends().get(0);
    }
    if (down != null) {
      markDown(router, backend, down);
    }
    PrintStream o = new PrintStream(out, false, StandardCharsets.ISO_8859_1);
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
    String line;
    int number = 0;
    while ((line = r.readLine()) != null) {
      number++;
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      RequestView req;
      List<CharSequence> responseHeaders = new ArrayList<>();
      try {
        req = InputLine.parse(line, cookie, responseHeaders);
      } catch (InputLine.Invalid e) {
        o.flush();
        throw new UsageException("stdin line " + number + ": " + e.getMessage());
      }
      ResponseView response = ResponseView.of(200, responseHeaders.toArray(new CharSequence[0]));
      if (cookie != null) {
        o.println(decide(router, backend, frontend, req, response));
      } else if (backend != null) {
        o.println(pick(router, backend, req, response));
      } else {
        Backend b = router.backendFor(frontend, req.target());
        o.println(b == null ? "- -" : b.name() + " " + pick(router, b, req, response));
      }
      if (!r.ready()) {
        o.flush();
      }
    }
    o.flush();
    return 0;
  }

  /** One line of {@code route --cookie}: the whole decision for a GET answered 200. */
  private static String decide(Router router, Backend backend, Frontend frontend, RequestView req,
      ResponseView response) {
    try (Decision d = new Decision()) {
      if (backend != null) {
        router.route(backend, req, d);
      } else {
        router.route(frontend, req, d);
      }
      String prefix = backend != null ? "" : (d.backend() == null ? "-" : d.backend().name()) + " ";
      if (!d.ok()) {
        return prefix + "-\t-\t-";
      }
      router.respond(d, response);
      CharSequence fwd = d.forwardedCookie(0);
      return prefix + d.serverName() + "\t" + (d.setCookie() == null ? "-" : d.setCookie()) + "\t"
          + (fwd == null ? "-" : fwd.toString());
    }
  }

  /**
   * One line without {@code --cookie}: the algorithm's pick (no persistence, no lease taken) — or, when the
   * backend has {@code stick} rules, the whole decision (the run's tables match, then learn from {@code
   * response}).
   */
  private static String pick(Router router, Backend backend, RequestView req, ResponseView response) {
    if (backend.config().stick().hasRules()) {
      try (Decision d = new Decision()) {
        router.route(backend, req, d);
        if (!d.ok()) {
          return "-";
        }
        router.respond(d, response);
        return d.serverName();
      }
    }
    BackendSnapshot snap = backend.snapshot();
    int s = snap.select(req);
    return s < 0 ? "-" : snap.server(s).name();
  }

  private static int cookie(Map<String, String> opts, List<String> positional, OutputStream out, PrintStream err)
      throws IOException, UsageException {
    RoutingConfig config = load(opts, err);
    String backendName = opts.remove("--backend");
    if (!opts.isEmpty()) {
      throw new UsageException("unexpected option " + opts.keySet().iterator().next());
    }
    if (backendName == null) {
      throw new UsageException("--backend NAME is required");
    }
    if (positional.size() != 1) {
      throw new UsageException("give exactly one SERVER name");
    }
    Router router = Router.create(config);
    Backend backend = router.backend(backendName);
    if (backend == null) {
      throw new UsageException("no backend '" + backendName + "' in " + names(router));
    }
    int server = backend.snapshot().indexOf(positional.get(0));
    if (server < 0) {
      throw new UsageException("backend '" + backendName + "' has no server '" + positional.get(0) + "'");
    }
    BackendSnapshot snap = backend.snapshot();
    if (snap.config().cookie() == null) {
      err.println("stickyroute: backend '" + backendName + "' has no 'cookie' line: no server is sticky");
      return EXIT_NO_VALUE;
    }
    String value = snap.clientCookieValue(server, System.currentTimeMillis() / 1000);
    if (value == null) {
      err.println("stickyroute: server '" + positional.get(0) + "' has no cookie value (no 'cookie' keyword, and no"
          + " dynamic value): its responses delete the cookie");
      return EXIT_NO_VALUE;
    }
    PrintStream o = new PrintStream(out, false, StandardCharsets.ISO_8859_1);
    o.println(value);
    o.flush();
    return 0;
  }

  private static void markDown(Router router, Backend only, String list) throws UsageException {
    for (String item : list.split(",")) {
      String name = item.trim();
      if (name.isEmpty()) {
        continue;
      }
      int slash = name.indexOf('/');
      List<Backend> targets = new ArrayList<>();
      String server = name;
      if (slash >= 0) {
        Backend b = router.backend(name.substring(0, slash));
        if (b == null) {
          throw new UsageException("--down: no backend '" + name.substring(0, slash) + "'");
        }
        targets.add(b);
        server = name.substring(slash + 1);
      } else if (only != null) {
        targets.add(only);
      } else {
        targets.addAll(router.backends());
      }
      boolean found = false;
      for (Backend b : targets) {
        if (b.snapshot().indexOf(server) >= 0) {
          b.setHealth(server, Health.DOWN);
          found = true;
        }
      }
      if (!found) {
        throw new UsageException("--down: no server '" + name + "'");
      }
    }
  }

  private static String names(Router router) {
    List<String> n = new ArrayList<>();
    for (Backend b : router.backends()) {
      n.add(b.name());
    }
    return n.toString();
  }
}
