package org.stickyroute.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.stickyroute.http.BasicRequest;
import org.stickyroute.http.IpAddress;

class InputLineTest {
  @Test
  void aBareTargetIsAGetFrom127001() throws Exception {
    BasicRequest r = InputLine.parse("/project/1?x=y z", null);
    assertEquals("/project/1?x=y z", r.target());
    assertEquals("GET", r.method());
    assertEquals(0, r.headerCount());
    assertEquals(IpAddress.V4, r.clientAddressFamily());
    assertEquals(0x7F000001L, r.clientAddressLow());
  }

  @Test
  void fieldsAreTheClientAndHeadersInOrder() throws Exception {
    BasicRequest r = InputLine.parse("/a\tX-Tenant: acme\tsrc=::ffff:10.0.0.1\t\tx-tenant:  b, c  \tCookie: u=1",
        "SERVERID=s1");
    assertEquals(IpAddress.V6, r.clientAddressFamily());
    assertEquals(0xFFFF0A000001L, r.clientAddressLow());
    assertEquals(4, r.headerCount());
    assertEquals("Cookie", r.headerName(0));
    assertEquals("SERVERID=s1", r.headerValue(0));
    assertEquals("acme", r.header("x-tenant", 0));
    assertEquals("b, c", r.header("X-TENANT", 1));
    assertNull(r.header("x-tenant", 2));
    assertEquals(2, r.cookieHeaderCount());
    assertEquals("u=1", r.cookieHeader(1));
    assertEquals("", InputLine.parse("/\tX-Empty:", null).header("x-empty", 0));
  }

  @Test
  void badFieldsAreRefused() {
    assertThrows(InputLine.Invalid.class, () -> InputLine.parse("/\tsrc=localhost", null));
    assertThrows(InputLine.Invalid.class, () -> InputLine.parse("/\tsrc=1.2.3", null));
    assertThrows(InputLine.Invalid.class, () -> InputLine.parse("/\tnocolon", null));
    assertThrows(InputLine.Invalid.class, () -> InputLine.parse("/\t: value", null));
    assertThrows(InputLine.Invalid.class, () -> InputLine.parse("/\tBad Name: v", null));
  }
}
