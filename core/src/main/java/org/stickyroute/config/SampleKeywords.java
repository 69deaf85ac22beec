package org.stickyroute.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sample fetches and converters of HAProxy 2.6 that stickyroute evaluates in {@code balance hash}, with
 * HAProxy's argument masks and types ({@code src/http_fetch.c}, {@code src/sample.c}, {@code
 * src/http_conv.c}), and HAProxy's cast matrix ({@code sample_casts}).
 */
final class SampleKeywords {
  private SampleKeywords() {}

  // HAProxy's sample types, in sample_casts order.
  static final int ANY = 0;
  static final int BOOL = 1;
  static final int SINT = 2;
  static final int ADDR = 3;
  static final int IPV4 = 4;
  static final int IPV6 = 5;
  static final int STR = 6;
  static final int BIN = 7;
  static final int METH = 8;

  /** {@code sample_casts[from][to] != NULL}. */
  private static final boolean[][] CASTABLE = {
    //        ANY   BOOL   SINT   ADDR   IPV4   IPV6   STR    BIN    METH
    /* ANY  */ {true, true, true, true, true, true, true, true, true},
    /* BOOL */ {true, true, true, false, false, false, true, true, false},
    /* SINT */ {true, true, true, true, true, true, true, true, false},
    /* ADDR */ {true, false, false, false, false, false, false, false, false},
    /* IPV4 */ {true, false, true, true, true, true, true, true, false},
    /* IPV6 */ {true, false, false, true, true, true, true, true, false},
    /* STR  */ {true, true, true, true, true, true, true, true, true},
    /* BIN  */ {true, false, false, false, false, false, true, true, true},
    /* METH */ {true, false, false, false, false, false, true, true, true},
  };

  static boolean castable(int from, int to) {
    return CASTABLE[from][to];
  }

  /**
   * A keyword: its argument types ({@code S} string, {@code I} integer, {@code 4}/{@code 6} an IPv4/IPv6 mask
   * as an address or a prefix length), how many are mandatory, its input type (converters) and output type.
   */
  record Spec(String canonical, String argTypes, int minArgs, int in, int out) {}

  /** Supported fetches, under every name HAProxy accepts for them in a request. */
  static final Map<String, Spec> FETCHES = table(
      row("req.hdr", "SI", 0, ANY, STR, "hdr"),
      row("req.fhdr", "SI", 0, ANY, STR),
      row("req.cook", "S", 0, ANY, STR, "cook", "cookie"),
      row("url_param", "SS", 0, ANY, STR, "urlp"),
      row("path", "", 0, ANY, STR),
      row("pathq", "", 0, ANY, STR),
      row("base", "", 0, ANY, STR),
      row("baseq", "", 0, ANY, STR),
      row("url", "", 0, ANY, STR),
      row("query", "", 0, ANY, STR),
      row("src", "", 0, ANY, IPV4));

  /**
   * Fetches of a response ({@code stick store-response}): {@code res.cook(name)} / {@code scook} (the last
   * {@code Set-Cookie} that sets {@code name}) and {@code res.hdr(name[,occ])} / {@code shdr}, plus {@code src}.
   */
  static final Map<String, Spec> RESPONSE_FETCHES = table(
      row("res.cook", "S", 0, ANY, STR, "scook"),
      row("res.hdr", "SI", 0, ANY, STR, "shdr"),
      row("src", "", 0, ANY, IPV4));

  /** Supported converters. */
  static final Map<String, Spec> CONVERTERS = table(
      row("lower", "", 0, STR, STR),
      row("upper", "", 0, STR, STR),
      row("field", "ISI", 2, STR, STR),
      row("word", "ISI", 2, STR, STR),
      row("bytes", "II", 1, BIN, BIN),
      row("ltrim", "S", 1, STR, STR),
      row("rtrim", "S", 1, STR, STR),
      row("cut_crlf", "", 0, STR, STR),
      row("url_dec", "I", 0, STR, STR),
      row("length", "", 0, STR, SINT),
      row("hex", "", 0, BIN, STR),
      row("base64", "", 0, BIN, STR),
      row("ipmask", "46", 1, ADDR, IPV4),
      row("crc32", "I", 0, BIN, SINT),
      row("djb2", "I", 0, BIN, SINT),
      row("sdbm", "I", 0, BIN, SINT),
      row("wt6", "I", 0, BIN, SINT));

  /** One row of a keyword table: the keyword's spec and the other names HAProxy accepts for it. */
  private record Row(Spec spec, List<String> aliases) {}

  private static Row row(String canonical, String argTypes, int minArgs, int in, int out, String... aliases) {
    return new Row(new Spec(canonical, argTypes, minArgs, in, out), List.of(aliases));
  }

  /** The table of {@code rows}: each spec under its canonical name and each alias (a name only once). */
  private static Map<String, Spec> table(Row... rows) {
    Map<String, Spec> byName = new HashMap<>();
    for (Row r : rows) {
      for (String name : r.aliases()) {
        put(byName, name, r.spec());
      }
      put(byName, r.spec().canonical(), r.spec());
    }
    return Map.copyOf(byName);
  }

  private static void put(Map<String, Spec> byName, String name, Spec spec) {
    if (byName.put(name, spec) != null) {
      throw new IllegalStateException("keyword listed twice: " + name);
    }
  }
}
