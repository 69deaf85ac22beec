package org.stickyroute.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;

/**
 * A TCP port of 127.0.0.1 that nobody else can take and where nothing listens, so connections to it are refused
 * (the kernel answers RST), for as long as this object is open. It is a socket bound to port 0 (the kernel picks a
 * free port) and never connected or listening: the port is reserved without being released and bound again, so no
 * other test or process can grab it between "found free" and "used".
 *
 * <p>The socket is bound with {@code SO_REUSEPORT}, so a test may later listen on the very same port with
 * {@link #listen()} (or any server socket that sets {@code SO_REUSEPORT}, as the same user) while the reservation
 * stays in place: a server that "goes away and comes back on the same port" never gives the port up in between.
 */
public final class HeldPort implements AutoCloseable {
  private final Socket socket;

  private HeldPort(Socket socket) {
    this.socket = socket;
  }

  /**
   * Reserves a port where connections are refused.
   *
   * @return the held port; close it to release the port
   * @throws UncheckedIOException if no socket can be bound
   */
  public static HeldPort reserve() {
    Socket s = new Socket();
    try {
      s.setOption(StandardSocketOptions.SO_REUSEPORT, true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return new HeldPort(s);
    } catch (IOException e) {
      try {
        s.close();
      } catch (IOException ignored) {
        // nothing more to release
      }
      throw new UncheckedIOException("cannot reserve a port on 127.0.0.1", e);
    } catch (UnsupportedOperationException e) {
      throw new IllegalStateException("SO_REUSEPORT is not supported here (Linux or macOS needed)", e);
    }
  }

  /**
   * The port number.
   *
   * @return the port on 127.0.0.1
   */
  public int port() {
    return socket.getLocalPort();
  }

  /**
   * {@code 127.0.0.1:<port>}, for a {@code server} line.
   *
   * @return the address
   */
  public String address() {
    return "127.0.0.1:" + port();
  }

  /**
   * A new listening socket on this very port (bound with {@code SO_REUSEPORT}); the reservation stays.
   *
   * @return an open server socket channel; close it and the port refuses connections again
   * @throws IOException if it cannot be bound
   */
  public java.nio.channels.ServerSocketChannel listen() throws IOException {
    java.nio.channels.ServerSocketChannel ch = java.nio.channels.ServerSocketChannel.open();
    try {
      ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
      ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()), 64);
      return ch;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /** Releases the port. */
  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing a bound, unconnected socket does not fail in practice
    }
  }

  @Override
  public String toString() {
    return "HeldPort[" + address() + "]";
  }
}
