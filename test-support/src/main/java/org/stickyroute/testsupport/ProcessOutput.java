package org.stickyroute.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Drains a process' output on a daemon thread into a bounded buffer ({@link HaproxyProcess}'s output). */
final class ProcessOutput {
  /** Output kept per process; older text is dropped first. */
  static final int MAX_OUTPUT_CHARS = 8 << 20;

  private final StringBuilder text = new StringBuilder();
  private final Thread thread;

  ProcessOutput(InputStream in, String threadName) {
    thread = new Thread(() -> pump(in), threadName);
    thread.setDaemon(true);
    thread.start();
  }

  private void pump(InputStream in) {
    char[] buf = new char[8192];
    try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      int n;
      while ((n = reader.read(buf)) >= 0) {
        synchronized (this) {
          text.append(buf, 0, n);
          if (text.length() > MAX_OUTPUT_CHARS) {
            text.delete(0, text.length() - MAX_OUTPUT_CHARS / 2);
          }
          notifyAll();
        }
      }
    } catch (IOException ignored) {
      // stream closed: process ended
    }
  }

  synchronized String text() {
    return text.toString();
  }

  synchronized boolean await(String needle, long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    try {
      while (text.indexOf(needle) < 0) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0 || !thread.isAlive()) {
          return text.indexOf(needle) >= 0;
        }
        wait(Math.min(left, 50));
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Waits (briefly) for the pump to reach end-of-stream after the process ended. */
  void awaitEnd() {
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
