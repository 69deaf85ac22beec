package org.stickyroute.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.Result;
import org.apache.dubbo.rpc.RpcInvocation;
import org.apache.dubbo.rpc.cluster.loadbalance.ConsistentHashLoadBalance;

/**
 * Apache Dubbo's own {@link ConsistentHashLoadBalance}, driven alone: no registry, no network, no
 * protocol. Each server is a stub {@link Invoker} whose URL is {@code dubbo://<address>/<service>}; a
 * request is an {@link RpcInvocation} of {@code get(String)} whose first argument is the key, which is
 * what Dubbo hashes by default ({@code hash.arguments=0}). Dubbo's defaults are kept: 160 virtual nodes,
 * MD5.
 *
 * <p>Creating the first {@link URL} starts Dubbo's default {@code FrameworkModel} (hence the netty and
 * fastjson2 jars on the class path); nothing listens or connects. Dubbo's log lines below WARNING are
 * silenced. A {@code select} does what Dubbo does on every call: builds the selector key string, hashes
 * the invoker list ({@code List.hashCode}, O(n)) to notice membership changes, renders the argument as a
 * string, MD5s it and walks a {@code TreeMap}. Thread-safe as Dubbo's balancer is.
 */
public final class DubboConsistentHash {
  /** The service interface the stub invokers claim to implement. */
  public interface Service {
    /** A method with one key argument. */
    String get(String key);
  }

  private static final Logger DUBBO_LOG = Logger.getLogger("org.apache.dubbo");

  static {
    DUBBO_LOG.setLevel(Level.WARNING);
  }

  private static final class StubInvoker implements Invoker<Service> {
    final URL url;
    final int index;

    StubInvoker(URL url, int index) {
      this.url = url;
      this.index = index;
    }

    @Override
    public Class<Service> getInterface() {
      return Service.class;
    }

    @Override
    public Result invoke(Invocation invocation) {
      throw new UnsupportedOperationException("stub");
    }

    @Override
    public URL getUrl() {
      return url;
    }

    @Override
    public boolean isAvailable() {
      return true;
    }

    @Override
    public void destroy() {}
  }

  private final ConsistentHashLoadBalance balancer = new ConsistentHashLoadBalance();
  private final List<Invoker<Service>> invokers;
  private final URL consumerUrl;

  /** A balancer over servers with these {@code host:port} addresses (index = position). */
  public DubboConsistentHash(String[] addresses) {
    List<Invoker<Service>> list = new ArrayList<>(addresses.length);
    for (int i = 0; i < addresses.length; i++) {
      URL url = URL.valueOf("dubbo://" + addresses[i] + "/" + Service.class.getName() + "?loadbalance=consistenthash");
      list.add(new StubInvoker(url, i));
    }
    this.invokers = list;
    this.consumerUrl = list.get(0).getUrl();
  }

  /** The invocation of {@code get(key)}, as Dubbo's proxy would build it before load balancing. */
  public static RpcInvocation invocation(String key) {
    return new RpcInvocation(
        "get", Service.class.getName(), "", new Class<?>[] {String.class}, new Object[] {key});
  }

  /** Dubbo's choice for this invocation (the invoker object, as Dubbo returns it). */
  public Object selectInvoker(RpcInvocation invocation) {
    return balancer.select(invokers, consumerUrl, invocation);
  }

  /** Dubbo's choice for this invocation, as the index of the server's address. */
  public int select(RpcInvocation invocation) {
    return ((StubInvoker) balancer.select(invokers, consumerUrl, invocation)).index;
  }
}
