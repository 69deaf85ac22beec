package org.stickyroute.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IpAddressTest {
  /** glibc's inet_ntop (what HAProxy prints for an IPv6 {@code src}), produced with Python's socket module. */
  private static final String[][] NTOP = {
    {"::", "::"}, {"::1", "::1"}, {"1::", "1::"}, {"::ffff:1.2.3.4", "::ffff:1.2.3.4"},
    {"::1.2.3.4", "::1.2.3.4"}, {"::0.0.1.2", "::102"}, {"::ffff:0.0.0.0", "::ffff:0.0.0.0"},
    {"1:0:0:1:0:0:0:1", "1:0:0:1::1"}, {"1:0:0:0:1:0:0:1", "1::1:0:0:1"}, {"0:0:1:0:0:1:0:0", "::1:0:0:1:0:0"},
    {"fe80::", "fe80::"}, {"2001:db8::ff00:42:8329", "2001:db8::ff00:42:8329"}, {"0:0:0:0:0:1:0:0", "::1:0:0"},
    {"::ffff:0:1.2.3.4", "::ffff:0:102:304"}, {"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"},
    {"1:0:2:0:3:0:4:0", "1:0:2:0:3:0:4:0"}, {"0:1:0:0:0:0:0:0", "0:1::"}, {"::ffff", "::ffff"},
    {"::fffe:1.2.3.4", "::fffe:102:304"}, {"64:ff9b::1.2.3.4", "64:ff9b::102:304"},
    {"0:0:0:0:0:ffff:102:304", "::ffff:1.2.3.4"}, {"2001:DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},
    {"10.0.0.1", "10.0.0.1"}, {"255.255.255.255", "255.255.255.255"}, {"0.0.0.0", "0.0.0.0"},
  };

  @Test
  void printsAsGlibcInetNtop() {
    for (String[] c : NTOP) {
      assertEquals(c[1], IpAddress.parse(c[0]).toString(), c[0]);
    }
  }

  @Test
  void keepsTheFamilyOfMappedAddresses() {
    IpAddress a = IpAddress.parse("::ffff:192.0.2.1");
    assertEquals(IpAddress.V6, a.family());
    assertTrue(a.isV4Mapped());
    assertEquals(0, a.high());
    assertEquals(0x0000FFFFC0000201L, a.low());
    IpAddress b = IpAddress.parse("192.0.2.1");
    assertEquals(IpAddress.V4, b.family());
    assertEquals(0xC0000201L, b.low());
  }

  @Test
  void rejectsWhatInetPtonRejects() {
    String[] bad = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4.", ".1.2.3.4", "1..2.3", "::1::", ":::", "1:2",
      "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::8:9", "12345::", "g::", ":1::", "1::2:", "1:2:3:4:5:6:7:1.2.3.4",
      "::1.2.3", "::1.2.3.4:5", "1.2.3.4::", "[::1]", "::1%eth0", " 1.2.3.4", "1:2:3:4:5:6:7:8:", "x"};
    IpAddress a = new IpAddress();
    for (String s : bad) {
      assertFalse(a.set(s), s);
      assertEquals(IpAddress.NONE, a.family(), s);
    }
  }

  @Test
  void lenientFormsAreWhatContainersPrint() {
    IpAddress a = new IpAddress();
    assertTrue(a.setLenient("[::1]"));
    assertEquals("::1", a.toString());
    assertTrue(a.setLenient(" fe80::1%eth0 "));
    assertEquals("fe80::1", a.toString());
    assertTrue(a.setLenient("0:0:0:0:0:0:0:1"));
    assertEquals("::1", a.toString());
    assertFalse(a.setLenient((CharSequence) null));
  }

  @Test
  void agreesWithInetAddressOnRandomAddresses() throws Exception {
    SplittableRandom r = new SplittableRandom(42);
    IpAddress a = new IpAddress();
    byte[] out = new byte[16];
    for (int i = 0; i < 20_000; i++) {
      byte[] raw = new byte[r.nextBoolean() ? 4 : 16];
      for (int k = 0; k < raw.length; k++) {
        raw[k] = r.nextInt(4) == 0 ? 0 : (byte) r.nextInt(256);
      }
      if (raw.length == 16 && r.nextInt(5) == 0) {
        java.util.Arrays.fill(raw, 0, 10, (byte) 0);
        raw[10] = (byte) 0xFF;
        raw[11] = (byte) 0xFF;
      }
      // Java prints IPv6 uncompressed (and turns a mapped address into IPv4, so use the long form).
      String text = raw.length == 4 ? InetAddress.getByAddress(raw).getHostAddress() : fullV6(raw);
      assertTrue(a.set(text), text);
      assertEquals(raw.length, a.write(out, 0), text);
      assertArrayEquals(raw, java.util.Arrays.copyOf(out, raw.length), text);
      IpAddress back = IpAddress.parse(a.toString());
      assertEquals(a, back, text);
    }
  }

  private static String fullV6(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 16; i += 2) {
      if (i > 0) {
        sb.append(':');
      }
      sb.append(Integer.toHexString((b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF)));
    }
    return sb.toString();
  }
}
