package org.stickyroute.key;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.stickyroute.config.SampleExpression;
import org.stickyroute.hash.internal.Avalanche;
import org.stickyroute.hash.HashFunction;
import org.stickyroute.hash.HashType;
import org.stickyroute.http.BasicRequest;
import org.stickyroute.http.RequestView;
import org.stickyroute.testing.haproxy.GeneratedRequest;
import org.stickyroute.testing.haproxy.RequestGenerator;

/**
 * HAProxy 2.6's key semantics, case by case (the differential tests check them against the binary over
 * generated requests), and the same keys over a view that lists its fields and one that only answers by
 * name (the servlet adapter's kind).
 */
class KeysTest {
  private static final HashType SDBM = HashType.DEFAULT;

  private static long sdbm(String s) {
    return HashFunction.SDBM.hash(s) & 0xFFFFFFFFL;
  }

  private static BasicRequest.Builder get(String target) {
    return BasicRequest.builder("GET", target);
  }

  @Test
  void hdrHashesTheFirstValueOfTheFirstFieldAndFallsBackWhenItIsEmpty() {
    HeaderKey k = new HeaderKey("X-Tenant", false, SDBM);
    assertEquals(sdbm("a"), k.hash(get("/").header("x-tenant", " a , b").header("X-Tenant", "c").build()));
    assertEquals(sdbm("\"a,b\""), k.hash(get("/").header("X-Tenant", "\"a,b\", c").build()));
    assertEquals(KeyExtractor.NO_KEY, k.hash(get("/").header("X-Tenant", ", c").build()));
    assertEquals(KeyExtractor.NO_KEY, k.hash(get("/").header("X-Tenant", "").build()));
    assertEquals(KeyExtractor.NO_KEY, k.hash(get("/").build()));
  }

  @Test
  void useDomainOnlyKeepsTheLabelBeforeTheLastDot() {
    HeaderKey k = new HeaderKey("host", true, SDBM);
    String[][] cases = {
      {"www.example.com", "example"}, {"example.com:8080", "example"}, {"localhost", "localhost"},
      {"example.com.", "com"}, {"a.b.c.example.co.uk", "co"}, {"10.0.0.1", "0"}, {"[::1]", "[::1]"}, {".com", ".com"},
    };
    for (String[] c : cases) {
      assertEquals(sdbm(c[1]), k.hash(get("/").header("Host", c[0]).build()), c[0]);
    }
  }

  @Test
  void urlParamSearchesTheQueryThenAPostBody() {
    UrlParamKey k = new UrlParamKey("user", SDBM);
    assertEquals(sdbm("b"), k.hash(get("/x?a=1&user=b&user=c").build()));
    assertEquals(sdbm("b;x=1#f"), k.hash(get("/x?user=b;x=1#f").build()), "only & separates");
    assertEquals(sdbm(""), k.hash(get("/x?user=&a").build()));
    assertEquals(KeyExtractor.NO_KEY, k.hash(get("/x?a=1;user=b").build()));
    assertEquals(KeyExtractor.NO_KEY, k.hash(get("/x?USER=b").build()));
    BasicRequest post = BasicRequest.builder("POST", "/x?a=1").body("id=2&user=bob&z").build();
    assertEquals(sdbm("bob"), k.hash(post));
    assertEquals(KeyExtractor.NO_KEY, k.hash(BasicRequest.builder("post", "/x").body("user=bob").build()));
    assertEquals(sdbm(""), k.hash(BasicRequest.builder("POST", "/x").body("user= bob").build()),
        "a value starting with a blank is empty");
    assertEquals(KeyExtractor.NO_KEY, k.hash(BasicRequest.builder("POST", "/x").body("user=\"q\"").build()),
        "a value starting with a non-token is no key");
    assertEquals(sdbm("a b"), k.hash(BasicRequest.builder("POST", "/x").body("user=a b&c").build()),
        "only the first character is checked");
  }

  @Test
  void sourceFoldsTheAddressWordsAndAppliesOnlyTheAvalanche() {
    SourceKey map = new SourceKey(HashType.DEFAULT);
    SourceKey consistent = new SourceKey(HashType.consistent());
    assertEquals(0xC0000201L, map.hash(get("/").client("192.0.2.1").build()));
    assertEquals(0xC0000201L ^ 0xFFFFL, map.hash(get("/").client("::ffff:192.0.2.1").build()));
    assertEquals(0x20010DB8L ^ 1, map.hash(get("/").client("2001:db8::1").build()));
    assertEquals(Avalanche.fullHash(0xC0000201) & 0xFFFFFFFFL, consistent.hash(get("/").client("192.0.2.1").build()));
    assertEquals(KeyExtractor.NO_KEY, map.hash(get("/").build()));
  }

  private static long hash(String expr, RequestView r) {
    return new SampleKey(SampleExpression.parse(expr), SDBM).hash(r);
  }

  @Test
  void sampleFetchesTakeTheLastOccurrenceAndEmptyValuesAreKeys() {
    RequestView r = get("/a/B?x=1&user=u1;q").header("Host", "Shop.Example.com:8080").header("X-T", "a, b")
        .header("x-t", "c,").header("Cookie", "sid=1; user=x").header("cookie", "user=y, $user=z").client("10.1.2.3")
        .build();
    assertEquals(sdbm(""), hash("req.hdr(x-t)", r), "the last value is the empty one after 'c,'");
    assertEquals(sdbm("b"), hash("req.hdr(x-t,2)", r));
    assertEquals(sdbm("c"), hash("req.hdr(x-t,-2)", r));
    assertEquals(sdbm("c,"), hash("req.fhdr(x-t)", r));
    assertEquals(KeyExtractor.NO_KEY, hash("req.hdr(x-t,5)", r));
    assertEquals(KeyExtractor.NO_KEY, hash("req.hdr", r));
    assertEquals(sdbm("y"), hash("req.cook(user)", r));
    assertEquals(sdbm("1"), hash("req.cook()", r));
    assertEquals(sdbm("u1"), hash("url_param(user)", r), "; ends a parameter for the fetch");
    assertEquals(sdbm("1"), hash("url_param()", r));
    assertEquals(sdbm("/a/B"), hash("path", r));
    assertEquals(sdbm("/a/b"), hash("path,lower", r));
    assertEquals(sdbm("Shop.Example.com:8080/a/B"), hash("base", r));
    assertEquals(sdbm("x=1&user=u1;q"), hash("query", r));
    assertEquals(sdbm("shop"), hash("req.hdr(host),lower,field(1,.)", r));
    assertEquals(sdbm("Example"), hash("req.hdr(host),word(2,.:)", r));
    assertEquals(sdbm("com"), hash("req.hdr(host),word(-2,.:),field(1,:)", r));
    assertEquals(sdbm("10.1.2.3"), hash("src,lower", r));
    assertEquals(sdbm("10.1.0.0"), hash("src,ipmask(16),lower", r));
    assertEquals(HashFunction.SDBM.hash(new byte[] {10, 1, 2, 3}, 0, 4) & 0xFFFFFFFFL, hash("src", r));
    assertEquals(sdbm("0A010203"), hash("src,hex", r));
    assertEquals(sdbm("CgECAw=="), hash("src,base64", r));
    assertEquals(KeyExtractor.NO_KEY, hash("path,field(4,/)", r), "a missing field fails");
    assertEquals(sdbm(""), hash("path,word(3,/)", r), "a missing word is empty");
    byte[] eight = {0, 0, 0, 0, 0, 0, 0, 4};
    assertEquals(HashFunction.SDBM.hash(eight, 0, 8) & 0xFFFFFFFFL, hash("path,length", r), "ints hash as 8 bytes");
    assertEquals(KeyExtractor.NO_KEY, hash("url_param(x),url_dec", get("/?x=%zz").build()), "a bad escape fails");
    assertEquals(sdbm("a b"), hash("url_param(x),url_dec(1)", get("/?x=a+b").build()));
  }

  /** The same keys over a view that lists its fields and over one that only answers by name. */
  @Test
  void aViewIndexedByNameGivesTheSameKeys() {
    List<KeyExtractor> keys = new ArrayList<>();
    for (String h : new String[] {"X-Tenant", "x-user", "Host", "User-Agent", "X-Forwarded-For", "Cookie"}) {
      keys.add(new HeaderKey(h, false, SDBM));
      keys.add(new HeaderKey(h, true, SDBM));
    }
    for (String e : new String[] {"req.hdr(x-tenant)", "req.hdr(x-tenant,1)", "req.hdr(x-tenant,-2)",
        "req.fhdr(user-agent)", "req.cook(user)", "req.cook()", "base", "req.hdr(host),lower", "src"}) {
      keys.add(new SampleKey(SampleExpression.parse(e), SDBM));
    }
    RequestGenerator gen = new RequestGenerator(99);
    for (int i = 0; i < 3000; i++) {
      GeneratedRequest g = gen.next();
      RequestView listed = g.view("be0");
      RequestView byName = new ByName(listed);
      for (KeyExtractor k : keys) {
        assertEquals(k.hash(listed), k.hash(byName), k + " on\n" + g.describe());
      }
    }
  }

  /** Hides the field list: only the by-name methods and the cookie accessors answer. */
  private record ByName(RequestView v) implements RequestView {
    @Override
    public CharSequence method() {
      return v.method();
    }

    @Override
    public CharSequence target() {
      return v.target();
    }

    @Override
    public int cookieHeaderCount() {
      return v.cookieHeaderCount();
    }

    @Override
    public CharSequence cookieHeader(int i) {
      return v.cookieHeader(i);
    }

    @Override
    public int headerCount(CharSequence name) {
      return v.headerCount(name);
    }

    @Override
    public CharSequence header(CharSequence name, int occurrence) {
      return v.header(name, occurrence);
    }

    @Override
    public int clientAddressFamily() {
      return v.clientAddressFamily();
    }

    @Override
    public long clientAddressHigh() {
      return v.clientAddressHigh();
    }

    @Override
    public long clientAddressLow() {
      return v.clientAddressLow();
    }

    @Override
    public CharSequence bodyPrefix() {
      return v.bodyPrefix();
    }
  }
}
