package org.stickyroute.demo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Test;

/**
 * The reproducer of the reliability run's "502 after 30 s, attempt failed with a bare {@code java.lang.AssertionError}"
 * (docs/reliability.md, "A bare AssertionError at the kill"): Jetty 12.1.14's {@code HttpParser.parseNext} wraps
 * anything a response handler throws into {@code new HttpException.RuntimeException(_responseStatus, "Bad Response",
 * x)} (HttpParser.java:1849), and that constructor asserts that the code is 0, 4xx or 5xx (HttpException.java:106).
 * For a 2xx response the assertion fails under {@code -ea}: the {@code AssertionError} replaces the real exception (its
 * cause is lost) and escapes the parser, so the parser never reports the bad message. The build disables that one
 * assertion (surefire {@code argLine}); every other assertion stays on.
 */
class JettyResponseParserAssertTest {

  @Test
  void aHandlerFailureInsideA200ResponseEndsTheResponseInsteadOfEscapingTheParser() {
    IllegalStateException thrown = new IllegalStateException("thrown by the response handler");
    AtomicReference<HttpException> bad = new AtomicReference<>();
    AtomicBoolean early = new AtomicBoolean();
    HttpParser parser = new HttpParser(new HttpParser.ResponseHandler() {
      @Override
      public void startResponse(HttpVersion version, int status, String reason) {}

      @Override
      public void parsedHeader(HttpField field) {}

      @Override
      public boolean headerComplete() {
        return false;
      }

      @Override
      public boolean content(ByteBuffer content) {
        throw thrown;
      }

      @Override
      public boolean contentComplete() {
        return false;
      }

      @Override
      public boolean messageComplete() {
        return true;
      }

      @Override
      public void earlyEOF() {
        early.set(true);
      }

      @Override
      public void badMessage(HttpException failure) {
        bad.set(failure);
      }
    });
    ByteBuffer response = ByteBuffer.wrap(
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello".getBytes(StandardCharsets.US_ASCII));
    // Before the fix this threw java.lang.AssertionError from HttpException$RuntimeException.<init>.
    for (int i = 0; i < 10 && response.hasRemaining() && !early.get(); i++) {
      parser.parseNext(response);
    }
    // After the headers, Jetty reports a bad message as an early EOF (HttpParser.badMessage): the client's receiver then
    // fails the exchange at once with an EOFException, which is what production does.
    assertTrue(early.get(), "the parser must end the response");
    assertNull(bad.get());
    assertTrue(parser.isState(HttpParser.State.CLOSE), parser.getState().toString());
  }

  @Test
  void onlyThatOneAssertionIsDisabled() {
    assertTrue(JettyResponseParserAssertTest.class.desiredAssertionStatus(), "tests must run with -ea");
    assertTrue(HttpParser.class.desiredAssertionStatus(), "Jetty's other assertions must stay enabled");
    assertFalse(HttpException.class.desiredAssertionStatus(), "surefire's argLine must disable HttpException's");
  }
}
