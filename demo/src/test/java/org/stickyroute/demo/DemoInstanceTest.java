package org.stickyroute.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A killed instance behaves as a crashed process: the requests it was reading get no answer at all (their
 * connections are reset), new connections are refused, and it comes back on the same port, which stayed reserved.
 * ({@code InstanceKillStormTest} checks the same under load, where Jetty's graceful connector stop used to answer
 * the requests it had read but not yet handled with {@code 500 org.eclipse.jetty.io.EofException}.)
 */
class DemoInstanceTest {

  @Test
  void aRequestBeingReadWhenTheInstanceDiesGetsNoAnswer() throws Exception {
    try (DemoInstance instance = new DemoInstance("docker-9", 0).start();
        Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", instance.port()), 10_000);
      byte[] partial = "GET /project/1/compile HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII);
      s.getOutputStream().write(partial); // the head is not finished: Jetty is in the middle of parsing it
      s.getOutputStream().flush();
      awaitBytesRead(instance, partial.length);

      instance.setState(DemoInstance.State.DOWN);

      assertEquals("", readAll(s), "a dead instance answers nothing");
      assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", instance.port()).close());

      instance.setState(DemoInstance.State.UP);
      try (Socket again = new Socket("127.0.0.1", instance.port())) {
        again.getOutputStream().write("GET /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        String answer = new String(again.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
        assertTrue(answer.contains("served by docker-9"), answer);
      }
    }
  }

  private static String readAll(Socket s) throws IOException {
    s.setSoTimeout(20_000);
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    try {
      InputStream in = s.getInputStream();
      byte[] buf = new byte[4096];
      for (int n; (n = in.read(buf)) >= 0; ) {
        got.write(buf, 0, n);
      }
    } catch (java.net.SocketException reset) {
      // connection reset: what a crash looks like
    }
    return got.toString(StandardCharsets.ISO_8859_1);
  }

  /** Waits until the instance's connection has read {@code n} bytes (Jetty parses as it reads). */
  private static void awaitBytesRead(DemoInstance instance, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (instance.connectedEndPoints().stream().noneMatch(e -> e.getConnection() != null
        && e.getConnection().getBytesIn() >= n)) {
      assertTrue(System.nanoTime() < deadline, "the instance did not read the request within 30 s");
      Thread.sleep(5);
    }
  }
}
