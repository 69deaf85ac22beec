package org.stickyroute.config;

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
  static final Map<String, Spec> FETCHES = Map.ofEntries(
      Map.entry("req.hdr", new Spec("req.hdr", "SI", 0, ANY, STR)),
      Map.entry("hdr", new Spec("req.hdr", "SI", 0, ANY, STR)),
      Map.entry("req.fhdr", new Spec("req.fhdr", "SI", 0, ANY, STR)),
      Map.entry("req.cook", new Spec("req.cook", "S", 0, ANY, STR)),
      Map.entry("cook", new Spec("req.cook", "S", 0, ANY, STR)),
      Map.entry("cookie", new Spec("req.cook", "S", 0, ANY, STR)),
      Map.entry("url_param", new Spec("url_param", "SS", 0, ANY, STR)),
      Map.entry("urlp", new Spec("url_param", "SS", 0, ANY, STR)),
      Map.entry("path", new Spec("path", "", 0, ANY, STR)),
      Map.entry("pathq", new Spec("pathq", "", 0, ANY, STR)),
      Map.entry("base", new Spec("base", "", 0, ANY, STR)),
      Map.entry("baseq", new Spec("baseq", "", 0, ANY, STR)),
      Map.entry("url", new Spec("url", "", 0, ANY, STR)),
      Map.entry("query", new Spec("query", "", 0, ANY, STR)),
      Map.entry("src", new Spec("src", "", 0, ANY, IPV4)));

  /**
   * Fetches of a response ({@code stick store-response}): {@code res.cook(name)} / {@code scook} (the last
   * {@code Set-Cookie} that sets {@code name}) and {@code res.hdr(name[,occ])} / {@code shdr}, plus {@code src}.
   */
  static final Map<String, Spec> RESPONSE_FETCHES = Map.ofEntries(
      Map.entry("res.cook", new Spec("res.cook", "S", 0, ANY, STR)),
      Map.entry("scook", new Spec("res.cook", "S", 0, ANY, STR)),
      Map.entry("res.hdr", new Spec("res.hdr", "SI", 0, ANY, STR)),
      Map.entry("shdr", new Spec("res.hdr", "SI", 0, ANY, STR)),
      Map.entry("src", new Spec("src", "", 0, ANY, IPV4)));

  /** Supported converters. */
  static final Map<String, Spec> CONVERTERS = Map.ofEntries(
      Map.entry("lower", new Spec("lower", "", 0, STR, STR)),
      Map.entry("upper", new Spec("upper", "", 0, STR, STR)),
      Map.entry("field", new Spec("field", "ISI", 2, STR, STR)),
      Map.entry("word", new Spec("word", "ISI", 2, STR, STR)),
      Map.entry("bytes", new Spec("bytes", "II", 1, BIN, BIN)),
      Map.entry("ltrim", new Spec("ltrim", "S", 1, STR, STR)),
      Map.entry("rtrim", new Spec("rtrim", "S", 1, STR, STR)),
      Map.entry("cut_crlf", new Spec("cut_crlf", "", 0, STR, STR)),
      Map.entry("url_dec", new Spec("url_dec", "I", 0, STR, STR)),
      Map.entry("length", new Spec("length", "", 0, STR, SINT)),
      Map.entry("hex", new Spec("hex", "", 0, BIN, STR)),
      Map.entry("base64", new Spec("base64", "", 0, BIN, STR)),
      Map.entry("ipmask", new Spec("ipmask", "46", 1, ADDR, IPV4)),
      Map.entry("crc32", new Spec("crc32", "I", 0, BIN, SINT)),
      Map.entry("djb2", new Spec("djb2", "I", 0, BIN, SINT)),
      Map.entry("sdbm", new Spec("sdbm", "I", 0, BIN, SINT)),
      Map.entry("wt6", new Spec("wt6", "I", 0, BIN, SINT)));
}
