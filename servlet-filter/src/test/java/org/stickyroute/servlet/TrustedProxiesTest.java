package org.stickyroute.servlet;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
  @Test
  void cidrBlocksAndSingleAddresses() {
    TrustedProxies t = TrustedProxies.parse("127.0.0.1, 10.0.0.0/8 172.16.0.0/12,::1, fd00::/8");
    assertTrue(t.trusts("127.0.0.1"));
    assertFalse(t.trusts("127.0.0.2"));
    assertTrue(t.trusts("10.255.1.2"));
    assertTrue(t.trusts("172.31.255.255"));
    assertFalse(t.trusts("172.32.0.1"));
    assertTrue(t.trusts("0:0:0:0:0:0:0:1"));
    assertTrue(t.trusts("[::1]"));
    assertTrue(t.trusts("fdab::1"));
    assertFalse(t.trusts("fe80::1"));
  }

  @Test
  void garbageIsNeverTrustedAndNeverResolved() {
    TrustedProxies t = TrustedProxies.parse("0.0.0.0/0");
    assertTrue(t.trusts("8.8.8.8"));
    assertFalse(t.trusts("localhost"), "host names are not looked up");
    assertFalse(t.trusts("1.2.3"));
    assertFalse(t.trusts(""));
    assertFalse(t.trusts(null));
    assertFalse(t.trusts("::1"), "an IPv4 block does not match IPv6");
    assertFalse(TrustedProxies.none().trusts("127.0.0.1"));
  }

  @Test
  void ipv4LiteralsAreParsedWithoutAllocatingAndStrictly() {
    assertTrue(TrustedProxies.ipv4("10.1.2.3") == 0x0A010203L);
    assertTrue(TrustedProxies.ipv4(" 255.255.255.255 ") == 0xFFFFFFFFL);
    for (String bad : new String[] {"256.1.1.1", "1.2.3", "1.2.3.4.5", "1..2.3", "1.2.3.", ".1.2.3", "1.2.3.4x", "",
        "1234.1.1.1", "::1", "a.b.c.d"}) {
      assertTrue(TrustedProxies.ipv4(bad) == -1, bad);
    }
    TrustedProxies t = TrustedProxies.parse("10.0.0.0/8, 192.168.1.7");
    assertTrue(t.trusts("10.200.3.4"));
    assertTrue(t.trusts("192.168.1.7"));
    assertFalse(t.trusts("192.168.1.8"));
    assertFalse(t.trusts("11.0.0.1"));
  }

  @Test
  void badEntriesFailAtConfiguration() {
    assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("proxy.example.com"));
    assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("10.0.0.0/33"));
    assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("10.0.0.0/x"));
  }
}
