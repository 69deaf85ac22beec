package org.stickyroute.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import org.stickyroute.config.SampleExpression;
import org.stickyroute.fuzz.FuzzInput;
import org.stickyroute.hash.HashType;
import org.stickyroute.http.BasicRequest;
import org.stickyroute.http.IpAddress;
import org.stickyroute.http.RequestView;

/**
 * Hostile input against the request keys of {@code balance source}, {@code hdr()}, {@code url_param} and
 * {@code hash <expr>}, the sample expression parser and the address parser: the only exception a parser
 * throws is its own ({@link SampleExpression.Invalid}), keys never throw and always give a 32-bit hash or no
 * key, an address that parses prints back to itself.
 *
 * <p>Regression inputs: {@code src/test/resources/org/stickyroute/key/KeyFuzzTestInputs/<method>/}.
 */
class KeyFuzzTest {
  private static final HashType[] TYPES = {
    HashType.DEFAULT, HashType.consistent(), HashType.parse(List.of("map-based", "wt6", "avalanche")),
    HashType.parse(List.of("consistent", "crc32"))
  };

  private static final RequestView[] REQUESTS = {
    BasicRequest.builder("GET", "/a/b?user=1&x=%41").header("Host", "WWW.Example.com:80")
        .header("Cookie", "sid=1; user=\"a,b\"").header("X-T", "a, \"b,c\", ,").client("2001:db8::1").build(),
    BasicRequest.builder("POST", "http://h/?").header("x-t", "").body("user=x&y").client("::ffff:1.2.3.4").build(),
    BasicRequest.builder("GET", "*").build(),
  };

  private static void checkKey(KeyExtractor k, RequestView r) {
    long h = k.hash(r);
    assertTrue(h == KeyExtractor.NO_KEY || (h >= 0 && h <= 0xFFFFFFFFL), () -> k + " gave " + h);
  }

  /** Input: a sample expression ({@link FuzzInput#chars}). */
  @DictionaryEntries({
    "req.hdr(", "hdr(", "req.fhdr(", "req.cook(", "cook(", "cookie(", "url_param(", "urlp(", "path", "pathq", "base",
    "baseq", "url", "query", "src", ",lower", ",upper", ",field(", ",word(", ",bytes(", ",ltrim(", ",rtrim(",
    ",cut_crlf", ",url_dec", ",length", ",hex", ",base64", ",ipmask(", ",crc32", ",djb2", ",sdbm", ",wt6", "-1",
    "-10", "'", "\"", "\\\\", ")", ",", "24", "64", "::", "255.255.0.0"
  })
  @FuzzTest(maxDuration = "5m")
  void sampleExpression(byte[] data) {
    String text = FuzzInput.chars(data, 0, data.length);
    SampleExpression e;
    try {
      e = SampleExpression.parse(text);
    } catch (SampleExpression.Invalid x) {
      assertNotNull(x.word());
      assertNotNull(x.getMessage());
      return;
    }
    for (HashType t : TYPES) {
      SampleKey k = new SampleKey(e, t);
      for (RequestView r : REQUESTS) {
        checkKey(k, r);
      }
    }
  }

  /**
   * Input: byte 0 selects the method (bit 0: POST) and client family (bits 1-2), then fields separated by
   * {@link FuzzInput#SEPARATOR}: the target, the body, the client address text, then header name/value pairs.
   */
  @FuzzTest(maxDuration = "5m")
  void requestKeys(byte[] data) {
    int flags = FuzzInput.u8(data, 0, 0);
    List<String> f = FuzzInput.fields(data, Math.min(1, data.length));
    BasicRequest.Builder b = BasicRequest.builder((flags & 1) != 0 ? "POST" : "GET", f.get(0));
    if (f.size() > 1) {
      b.body(f.get(1));
    }
    IpAddress a = new IpAddress();
    if (f.size() > 2 && a.setLenient(f.get(2))) {
      b.client(a);
    }
    for (int i = 3; i + 1 < f.size(); i += 2) {
      b.header(f.get(i), f.get(i + 1));
    }
    RequestView r = b.build();
    for (HashType t : TYPES) {
      checkKey(new SourceKey(t), r);
      checkKey(new UrlParamKey("user", t), r);
      for (String h : new String[] {"host", "x-t", "cookie", "a"}) {
        checkKey(new HeaderKey(h, false, t), r);
        checkKey(new HeaderKey(h, true, t), r);
      }
      for (String e : new String[] {"req.hdr(x-t,-3),lower,field(2,.)", "req.cook(user),url_dec", "base,word(-1,/)",
          "src,ipmask(8,32),hex", "url_param(),bytes(1,2),base64", "req.fhdr(host,2),rtrim(. ),length"}) {
        checkKey(new SampleKey(SampleExpression.parse(e), t), r);
      }
    }
  }

  /** Input: an address text ({@link FuzzInput#chars}). */
  @FuzzTest(maxDuration = "5m")
  void ipAddress(byte[] data) {
    String text = FuzzInput.chars(data, 0, data.length);
    IpAddress a = new IpAddress();
    if (a.set(text)) {
      assertEquals(a, IpAddress.parse(a.toString()), text);
      assertTrue(a.family() == IpAddress.V4 || a.family() == IpAddress.V6);
    } else {
      assertEquals(IpAddress.NONE, a.family());
    }
    a.setLenient(text);
  }
}
