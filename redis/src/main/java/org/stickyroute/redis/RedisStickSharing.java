package org.stickyroute.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.stickyroute.Router;
import org.stickyroute.share.SharedEntry;
import org.stickyroute.share.SharedTables;

/**
 * Shares the stick tables of one {@code peers} section between instances through Redis, the way HAProxy's
 * {@code peers} share them between processes. Each instance keeps answering every lookup from its own table;
 * this class, on its own thread, publishes the local stores and applies the others'.
 *
 * <ul>
 *   <li><b>Publish:</b> every local store becomes {@code SET <prefix><table>:<key> <server> PX <ttl>} (no
 *       {@code PX} for a table without {@code expire}) followed by a {@code PUBLISH} on {@code
 *       <prefix>stores} of {@code "<instance> <ttl> <table> <key> <server>"}.
 *   <li><b>Apply:</b> the messages of the other instances (its own, recognised by its random instance id, are
 *       ignored) are applied as they arrive: the entry gets the server by name and expires after the TTL.
 *   <li><b>Start and reconnect</b> (a resynchronisation): subscribe, {@code SET NX} every live local entry (an
 *       entry Redis already has is Redis's), then {@code SCAN} the prefix and apply every entry with its {@code
 *       PTTL}. Subscribing first means a store is either seen by the scan or arrives as a message.
 *   <li><b>Redis unreachable:</b> routing goes on from the local tables; the first failure is logged once
 *       (WARNING, {@code System.Logger} "org.stickyroute.redis"), the stores meanwhile stay local, and the
 *       instance resynchronises when Lettuce has reconnected (INFO once more). No request waits: the request
 *       thread only hands the store to a bounded queue ({@link SharedTables}).
 * </ul>
 *
 * <p>Create with {@link #start}; close on shutdown. Thread-safe.
 */
public final class RedisStickSharing implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("org.stickyroute.redis");
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

  private final SharedTables tables;
  private final RedisPeersConfig config;
  private final String instance = UUID.randomUUID().toString();
  private final String channel;
  private final ClientResources resources;
  private final RedisClient client;
  private final Thread thread;
  private final AtomicBoolean resync = new AtomicBoolean(true);
  private final AtomicBoolean down = new AtomicBoolean(false);
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong resyncs = new AtomicLong();
  private volatile boolean closed;
  private volatile StatefulRedisConnection<String, String> connection;
  private volatile StatefulRedisPubSubConnection<String, String> pubSub;

  private RedisStickSharing(SharedTables tables, RedisPeersConfig config) {
    this.tables = tables;
    this.config = config;
    this.channel = config.keyPrefix() + "stores";
    // reconnect soon after Redis is back (Lettuce's default backs off to 30 s)
    this.resources = ClientResources.builder()
        .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
        .build();
    RedisURI uri = RedisURI.create(config.uri());
    uri.setTimeout(COMMAND_TIMEOUT);
    if (config.password() != null) {
      if (config.username() != null) {
        uri.setAuthentication(config.username(), config.password().toCharArray());
      } else {
        uri.setAuthentication(config.password().toCharArray());
      }
    }
    this.client = RedisClient.create(resources, uri);
    // while disconnected, commands fail at once instead of piling up in Lettuce's buffer
    client.setOptions(ClientOptions.builder()
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(1)).build())
        .build());
    client.addListener(new RedisConnectionStateListener() {
      @Override
      public void onRedisConnected(RedisChannelHandler<?, ?> c, SocketAddress a) {
        requestResync();
      }

      @Override
      public void onRedisDisconnected(RedisChannelHandler<?, ?> c) {
        if (!closed) {
          failed(null);
        }
      }
    });
    this.thread = new Thread(this::run, "stickyroute-redis-" + config.peers());
    thread.setDaemon(true);
  }

  /**
   * Starts sharing the tables of {@code config.peers()} of {@code router} (see {@link Router#sharedTables}):
   * returns at once; connecting, the first load and every later exchange happen on this object's thread. A
   * Redis that cannot be reached yet is retried every second.
   *
   * @throws IllegalArgumentException when no table of the router names the peers section
   */
  public static RedisStickSharing start(Router router, RedisPeersConfig config) {
    RedisStickSharing s = new RedisStickSharing(router.sharedTables(config.peers()), config);
    s.thread.start();
    return s;
  }

  /** The {@code peers} section this object shares. */
  public String peers() {
    return config.peers();
  }

  /** This instance's id (the first word of its messages; its own messages are ignored). */
  public String instanceId() {
    return instance;
  }

  /** Whether Redis is reachable as far as this instance knows (false until the first resynchronisation). */
  public boolean connected() {
    return !down.get() && resyncs.get() > 0;
  }

  /** Local stores written to Redis so far (the resynchronisations' included). */
  public long published() {
    return published.get();
  }

  /** Other instances' entries applied so far (messages and loads). */
  public long applied() {
    return applied.get();
  }

  /** Redis commands that failed (each outage logs once, however many). */
  public long failures() {
    return failures.get();
  }

  /** Completed resynchronisations (the first load included). */
  public long resyncs() {
    return resyncs.get();
  }

  /**
   * Local stores the queue had no room for: they stay local; the next resynchronisation (a reconnect) publishes
   * the entry if Redis then has no value for its key.
   */
  public long dropped() {
    return tables.dropped();
  }

  private void requestResync() {
    resync.set(true);
  }

  private void failed(Throwable t) {
    failures.incrementAndGet();
    resync.set(true);
    if (down.compareAndSet(false, true)) {
      LOG.log(System.Logger.Level.WARNING, "Redis " + config.uri() + " unreachable for peers '" + config.peers()
          + "': routing on the local stick tables; stores stay local until it is back"
          + (t == null ? "" : " (" + t + ")"));
    }
  }

  private void run() {
    while (!closed) {
      try {
        if (connection == null && !connect()) {
          sleep(1000);
          continue;
        }
        if (resync.getAndSet(false)) {
          if (!resynchronise()) {
            resync.set(true);
            sleep(200);
            continue;
          }
        }
        SharedEntry e = tables.poll(100, TimeUnit.MILLISECONDS);
        if (e != null && !down.get()) {
          publish(e);
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        failed(e);
        sleep(200);
      }
    }
  }

  private boolean connect() {
    try {
      StatefulRedisConnection<String, String> c = client.connect();
      StatefulRedisPubSubConnection<String, String> p = client.connectPubSub();
      p.addListener(new RedisPubSubAdapter<>() {
        @Override
        public void message(String ch, String message) {
          receive(message);
        }
      });
      connection = c;
      pubSub = p;
      resync.set(true);
      return true;
    } catch (RuntimeException e) {
      failed(e);
      return false;
    }
  }

  private void publish(SharedEntry e) {
    RedisAsyncCommands<String, String> a = connection.async();
    String key = config.keyPrefix() + e.table() + ":" + e.key();
    RedisFuture<String> set = e.ttlMillis() == SharedEntry.NO_EXPIRY ? a.set(key, e.server())
        : a.set(key, e.server(), SetArgs.Builder.px(e.ttlMillis()));
    RedisFuture<Long> pub = a.publish(channel, message(e));
    set.whenComplete((r, t) -> {
      if (t != null) {
        failed(t);
      } else {
        published.incrementAndGet();
      }
    });
    pub.whenComplete((r, t) -> {
      if (t != null) {
        failed(t);
      }
    });
  }

  private String message(SharedEntry e) {
    return instance + " " + e.ttlMillis() + " " + e.table() + " " + e.key() + " " + e.server();
  }

  /** A message from the channel: {@code "<instance> <ttl> <table> <key> <server>"}. */
  private void receive(String m) {
    int a = m.indexOf(' ');
    int b = a < 0 ? -1 : m.indexOf(' ', a + 1);
    int c = b < 0 ? -1 : m.indexOf(' ', b + 1);
    int d = c < 0 ? -1 : m.indexOf(' ', c + 1);
    if (d < 0 || m.regionMatches(0, instance, 0, a) && a == instance.length()) {
      return; // malformed, or our own echo
    }
    try {
      SharedEntry e = new SharedEntry(m.substring(b + 1, c), m.substring(c + 1, d), m.substring(d + 1),
          Long.parseLong(m, a + 1, b, 10));
      if (tables.apply(e)) {
        applied.incrementAndGet();
      }
    } catch (IllegalArgumentException ignored) {
      // not a store of ours to read (another version, another writer): skipped
    }
  }

  /** Subscribe, SET NX the local entries, SCAN and apply; false when Redis failed meanwhile. */
  private boolean resynchronise() throws InterruptedException {
    try {
      long timeout = COMMAND_TIMEOUT.toMillis();
      pubSub.async().subscribe(channel).get(timeout, TimeUnit.MILLISECONDS);
      RedisAsyncCommands<String, String> a = connection.async();
      List<SharedEntry> local = tables.entries();
      List<RedisFuture<String>> sets = new ArrayList<>(local.size());
      for (SharedEntry e : local) {
        String key = config.keyPrefix() + e.table() + ":" + e.key();
        SetArgs nx = e.ttlMillis() == SharedEntry.NO_EXPIRY ? SetArgs.Builder.nx()
            : SetArgs.Builder.nx().px(e.ttlMillis());
        sets.add(a.set(key, e.server(), nx));
      }
      int republished = 0;
      for (int i = 0; i < sets.size(); i++) {
        if ("OK".equals(sets.get(i).get(timeout, TimeUnit.MILLISECONDS))) {
          a.publish(channel, message(local.get(i)));
          republished++;
        }
      }
      published.addAndGet(republished);
      int loaded = load(a, timeout);
      boolean wasDown = down.getAndSet(false);
      long n = resyncs.incrementAndGet();
      if (wasDown || n == 1) {
        LOG.log(System.Logger.Level.INFO, "Redis " + config.uri() + " " + (n == 1 ? "connected" : "back")
            + " for peers '" + config.peers() + "': " + republished + " local entries published, " + loaded
            + " loaded");
      }
      return true;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      failed(e);
      return false;
    }
  }

  private int load(RedisAsyncCommands<String, String> a, long timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    int loaded = 0;
    ScanArgs match = ScanArgs.Builder.matches(glob(config.keyPrefix()) + "*").limit(1000);
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      KeyScanCursor<String> page = a.scan(cursor, match).get(timeout, TimeUnit.MILLISECONDS);
      List<String> keys = page.getKeys();
      List<RedisFuture<String>> values = new ArrayList<>(keys.size());
      List<RedisFuture<Long>> ttls = new ArrayList<>(keys.size());
      for (String k : keys) {
        values.add(a.get(k));
        ttls.add(a.pttl(k));
      }
      for (int i = 0; i < keys.size(); i++) {
        String server = values.get(i).get(timeout, TimeUnit.MILLISECONDS);
        long ttl = ttls.get(i).get(timeout, TimeUnit.MILLISECONDS);
        String k = keys.get(i);
        int colon = k.lastIndexOf(':');
        if (server == null || ttl == -2 || ttl == 0 || colon <= config.keyPrefix().length()) {
          continue; // expired meanwhile, or not an entry
        }
        try {
          SharedEntry e = new SharedEntry(k.substring(config.keyPrefix().length(), colon), k.substring(colon + 1),
              server, ttl == -1 ? SharedEntry.NO_EXPIRY : ttl);
          if (tables.apply(e)) {
            loaded++;
            applied.incrementAndGet();
          }
        } catch (IllegalArgumentException ignored) {
          // not an entry
        }
      }
      cursor = page;
    } while (!cursor.isFinished());
    return loaded;
  }

  /** {@code prefix} as a SCAN pattern matching itself only ({@code * ? [ ] \} escaped). */
  static String glob(String prefix) {
    StringBuilder b = new StringBuilder(prefix.length() + 4);
    for (int i = 0; i < prefix.length(); i++) {
      char c = prefix.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }

  private void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  /** Stops sharing and closes the connections; the tables stay as they are. */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }
}
