package org.stickyroute.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.Test;

class HeldPortTest {
  static void connect(int port) throws Exception {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
    }
  }

  @Test
  void connectionsAreRefusedAndNobodyElseCanBindThePort() throws Exception {
    try (HeldPort held = HeldPort.reserve()) {
      assertThrows(ConnectException.class, () -> connect(held.port()));
      try (ServerSocket other = new ServerSocket()) {
        assertThrows(BindException.class,
            () -> other.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), held.port())));
      }
      assertEquals("127.0.0.1:" + held.port(), held.address());
    }
  }

  @Test
  void aServerComesAndGoesOnTheSamePortWithoutReleasingIt() throws Exception {
    try (HeldPort held = HeldPort.reserve()) {
      for (int round = 0; round < 2; round++) {
        try (ServerSocketChannel server = held.listen()) {
          connect(held.port());
          try (SocketChannel accepted = server.accept()) {
            assertEquals(held.port(), ((InetSocketAddress) accepted.getLocalAddress()).getPort());
          }
        }
        assertThrows(ConnectException.class, () -> connect(held.port()), "refused again once the server closed");
      }
    }
  }
}
