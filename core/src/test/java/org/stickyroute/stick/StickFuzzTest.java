package org.stickyroute.stick;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import org.stickyroute.Decision;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigException;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.config.RoutingConfig;
import org.stickyroute.config.SampleExpression;
import org.stickyroute.config.StickTableConfig;
import org.stickyroute.fuzz.FuzzInput;
import org.stickyroute.http.BasicRequest;
import org.stickyroute.http.IpAddress;
import org.stickyroute.http.RequestView;
import org.stickyroute.http.ResponseView;
import org.stickyroute.key.StickKey;

/**
 * Hostile input against the stick-table parsers and keys: a {@code stick-table} or {@code stick} line either
 * loads or fails with a {@link ConfigException} (never another exception), and a configuration that loads
 * routes any request and learns from any response without throwing; a key of any type from any request or
 * response is a key or no key.
 */
class StickFuzzTest {
  /** Input: a {@code stick-table} line's arguments, then a {@code stick} line's, separated by {@link FuzzInput#SEPARATOR}. */
  @DictionaryEntries({
    "type ", "ip", "ipv6", "integer", "string", "binary", " len ", " size ", " expire ", " nopurge", " peers ",
    " store ", "server_id", "gpc0", " srvkey ", "name", "on ", "match ", "store-request ", "store-response ",
    "src", "req.cook(", "res.cook(", "res.hdr(", "req.hdr(", "url_param(", "path", " table ", " if ", "k", "m", ","
  })
  @FuzzTest(maxDuration = "5m")
  void stickLines(byte[] data) {
    List<String> f = FuzzInput.fields(data, 0);
    String cfg = "backend b\n  balance roundrobin\n  stick-table " + f.get(0).replace('\n', ' ') + "\n  stick "
        + (f.size() > 1 ? f.get(1).replace('\n', ' ') : "on src") + "\n  server s1 127.0.0.1:80\n"
        + "  server s2 127.0.0.1:81\n";
    RoutingConfig c;
    try {
      c = ConfigLoader.parse(cfg, "f.cfg", false);
    } catch (ConfigException e) {
      assertNotNull(e.getMessage());
      return;
    }
    Router r = Router.create(c);
    for (int i = 0; i < 3; i++) {
      try (Decision d = new Decision()) {
        r.route(r.backend("b"), BasicRequest.builder("GET", "/x?id=" + i).header("Cookie", "sid=" + i)
            .header("X-User", "u" + i).client("10.0.0." + i).build(), d);
        r.respond(d, ResponseView.of(200, "Set-Cookie", "sid=" + i + "; Path=/", "X-User", "u"));
      }
    }
  }

  /**
   * Input: byte 0 picks the table type, then fields: the expression, the target, the client address, then
   * alternately request and response header name/value pairs.
   */
  @FuzzTest(maxDuration = "5m")
  void keys(byte[] data) {
    StickTableConfig.KeyType type = StickTableConfig.KeyType.values()[FuzzInput.u8(data, 0, 0) % 5];
    List<String> f = FuzzInput.fields(data, Math.min(1, data.length));
    SampleExpression e;
    try {
      e = f.get(0).startsWith("res.") ? SampleExpression.parseResponse(f.get(0)) : SampleExpression.parse(f.get(0));
    } catch (SampleExpression.Invalid x) {
      return;
    }
    StickKey k;
    try {
      k = new StickKey(e, type, 1 + FuzzInput.u8(data, 1, 7) % 40);
    } catch (IllegalArgumentException unsupported) {
      return; // base/baseq: the loader refuses them
    }
    BasicRequest.Builder b = BasicRequest.builder("GET", f.size() > 1 ? f.get(1) : "/");
    IpAddress a = new IpAddress();
    if (f.size() > 2 && a.setLenient(f.get(2))) {
      b.client(a);
    }
    String[] res = new String[Math.max(0, (f.size() - 3) / 4 * 2)];
    int n = 0;
    for (int i = 3; i + 1 < f.size(); i += 4) {
      b.header(f.get(i), f.get(i + 1));
      if (i + 3 < f.size()) {
        res[n++] = f.get(i + 2);
        res[n++] = f.get(i + 3);
      }
    }
    RequestView r = b.build();
    ResponseView resp = ResponseView.of(200, java.util.Arrays.copyOf(res, n & ~1));
    if (k.longKeys()) {
      long v = k.longKey(r, resp);
      assertTrue(v == StickKey.NO_KEY || (v >= 0 && v <= 0xFFFFFFFFL), () -> k + " gave " + v);
    } else {
      byte[] v = k.bytesKey(r, resp);
      assertTrue(v == null || v.length <= 40, k::toString);
    }
  }
}
