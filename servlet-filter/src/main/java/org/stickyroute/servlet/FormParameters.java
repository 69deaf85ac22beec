package org.stickyroute.servlet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The request's parameters (query string, then an {@code application/x-www-form-urlencoded} body), parsed
 * here when the filter has read the beginning of the body ({@link BodyPrefix}) and the container therefore
 * can no longer: names and values percent-decoded (and {@code +} as a space) in the request's character
 * encoding, UTF-8 when it has none; a malformed escape keeps the text as it is. Built on the application's
 * first parameter call; immutable.
 */
final class FormParameters {
  private final Map<String, String[]> map;

  private FormParameters(Map<String, String[]> map) {
    this.map = Collections.unmodifiableMap(map);
  }

  /** Parses {@code query} and the whole of {@code body}. */
  static FormParameters parse(String query, InputStream body, String encoding) {
    Charset cs;
    try {
      cs = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
    } catch (RuntimeException e) {
      cs = StandardCharsets.UTF_8;
    }
    Map<String, List<String>> acc = new LinkedHashMap<>();
    if (query != null) {
      add(acc, query, cs);
    }
    if (body != null) {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      byte[] chunk = new byte[4096];
      try {
        for (int n; (n = body.read(chunk)) >= 0; ) {
          all.write(chunk, 0, n);
        }
      } catch (IOException e) {
        // a body cut short: the parameters read so far
      }
      add(acc, all.toString(StandardCharsets.ISO_8859_1), cs);
    }
    Map<String, String[]> map = new LinkedHashMap<>();
    acc.forEach((k, v) -> map.put(k, v.toArray(new String[0])));
    return new FormParameters(map);
  }

  private static void add(Map<String, List<String>> acc, String raw, Charset cs) {
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq), cs);
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1), cs);
      acc.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
  }

  /** Percent-decoding of text whose chars are bytes (ISO-8859-1) into {@code cs}. */
  private static String decode(String latin1, Charset cs) {
    String bytesAsCs = new String(latin1.getBytes(StandardCharsets.ISO_8859_1), cs);
    try {
      return URLDecoder.decode(bytesAsCs, cs);
    } catch (IllegalArgumentException e) {
      return bytesAsCs;
    }
  }

  String get(String name) {
    String[] v = map.get(name);
    return v == null ? null : v[0];
  }

  String[] values(String name) {
    String[] v = map.get(name);
    return v == null ? null : v.clone();
  }

  Map<String, String[]> map() {
    return map;
  }
}
