package org.stickyroute.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.stickyroute.http.IpAddress;

/**
 * A sample expression as {@code balance hash <expr>} takes it: a sample fetch followed by comma-separated
 * converters, for example {@code req.hdr(host),lower,field(1,:)}. Parsed as HAProxy 2.6's {@code
 * sample_parse_expr} and {@code make_arg_list} parse it (arguments in parentheses, separated by commas,
 * with single or double quotes and backslash escapes; repeated and trailing commas between terms allowed),
 * and checked as HAProxy checks it (argument types and counts, converter input types).
 *
 * <p>Only what stickyroute evaluates is accepted; anything else is an {@link Invalid} error naming the
 * word, never something evaluated differently. Fetches: {@code req.hdr(name[,occ])} / {@code hdr}, {@code
 * req.fhdr(name[,occ])}, {@code req.cook([name])} / {@code cook} / {@code cookie}, {@code
 * url_param([name[,delim]])} / {@code urlp}, {@code path}, {@code pathq}, {@code base}, {@code baseq}, {@code
 * url}, {@code query}, {@code src}. Converters: {@code lower}, {@code upper}, {@code field}, {@code word},
 * {@code bytes}, {@code ltrim}, {@code rtrim}, {@code cut_crlf}, {@code url_dec}, {@code length}, {@code
 * hex}, {@code base64}, {@code ipmask}, {@code crc32}, {@code djb2}, {@code sdbm}, {@code wt6}. Immutable.
 */
public final class SampleExpression {
  private final String text;
  private final SampleTerm fetch;
  private final List<SampleTerm> converters;
  private final List<String> notes;

  private SampleExpression(String text, SampleTerm fetch, List<SampleTerm> converters, List<String> notes) {
    this.text = text;
    this.fetch = fetch;
    this.converters = Collections.unmodifiableList(converters);
    this.notes = Collections.unmodifiableList(notes);
  }

  /** A sample expression that is not valid, or not supported: {@link #word()} is the offending part. */
  public static final class Invalid extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String word;

    Invalid(String word, String reason) {
      super(reason);
      this.word = word;
    }

    /** The offending keyword or argument (or the whole expression). */
    public String word() {
      return word;
    }
  }

  /** The expression as written. */
  public String text() {
    return text;
  }

  /** The sample fetch. */
  public SampleTerm fetch() {
    return fetch;
  }

  /** The converters, in the order they apply. */
  public List<SampleTerm> converters() {
    return converters;
  }

  /** Remarks about a valid but odd expression (for example a fetch that can never find a value). */
  public List<String> notes() {
    return notes;
  }

  /** The canonical name of a supported fetch or converter keyword ({@code hdr} is {@code req.hdr}). */
  public static String canonical(String keyword) {
    SampleKeywords.Spec s = spec(keyword);
    if (s == null) {
      s = SampleKeywords.CONVERTERS.get(keyword);
    }
    return s == null ? keyword : s.canonical();
  }

  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SampleExpression e && e.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  // ------------------------------------------------------------------------------------------ parsing

  /**
   * Parses and checks one expression (one configuration word).
   *
   * @throws Invalid naming the offending word
   */
  public static SampleExpression parse(String text) {
    return parse(text, false);
  }

  /**
   * Parses and checks one expression evaluated on a response ({@code stick store-response}): the fetches are
   * {@code res.cook}/{@code scook}, {@code res.hdr}/{@code shdr} and {@code src}; converters as usual.
   *
   * @throws Invalid naming the offending word
   */
  public static SampleExpression parseResponse(String text) {
    return parse(text, true);
  }

  /**
   * The sample type the expression produces, statically (HAProxy's {@code smp_expr_output_type}): {@code
   * "str"}, {@code "bin"}, {@code "sint"}, {@code "ipv4"}.
   */
  public String outputType() {
    int t = spec(fetch.keyword()).out();
    for (SampleTerm c : converters) {
      t = SampleKeywords.CONVERTERS.get(c.keyword()).out();
    }
    return switch (t) {
      case SampleKeywords.BIN -> "bin";
      case SampleKeywords.SINT -> "sint";
      case SampleKeywords.IPV4, SampleKeywords.IPV6, SampleKeywords.ADDR -> "ipv4";
      default -> "str";
    };
  }

  private static SampleKeywords.Spec spec(String fetchKeyword) {
    SampleKeywords.Spec s = SampleKeywords.FETCHES.get(fetchKeyword);
    return s != null ? s : SampleKeywords.RESPONSE_FETCHES.get(fetchKeyword);
  }

  private static SampleExpression parse(String text, boolean response) {
    Objects.requireNonNull(text, "text");
    List<String> notes = new ArrayList<>();
    int n = text.length();
    int kwEnd = idEnd(text, 0);
    if (kwEnd == 0) {
      throw new Invalid(text, "missing fetch method");
    }
    String kw = text.substring(0, kwEnd);
    Map<String, SampleKeywords.Spec> fetches = response ? SampleKeywords.RESPONSE_FETCHES : SampleKeywords.FETCHES;
    SampleKeywords.Spec spec = fetches.get(kw);
    if (spec == null) {
      throw new Invalid(kw, "sample fetch not supported by stickyroute" + (response ? " on a response" : "")
          + " (supported: " + String.join(", ", new TreeSet<>(fetches.keySet())) + ")");
    }
    List<String> args = new ArrayList<>();
    int pos = parseArgs(text, kwEnd, spec, kw, args);
    SampleTerm fetch = new SampleTerm(kw, args);
    checkFetch(fetch, spec, notes);
    int type = spec.out();
    List<SampleTerm> converters = new ArrayList<>();
    String last = null;
    while (true) {
      if (pos < n && text.charAt(pos) != ',') {
        throw new Invalid(text.substring(pos), last == null
            ? "missing comma after fetch keyword '" + kw + "'"
            : "missing comma after converter '" + last + "'");
      }
      while (pos < n && text.charAt(pos) == ',') {
        pos++;
      }
      if (pos == n) {
        break;
      }
      int end = idEnd(text, pos);
      String ck = text.substring(pos, end);
      SampleKeywords.Spec cs = SampleKeywords.CONVERTERS.get(ck);
      if (cs == null) {
        throw new Invalid(ck.isEmpty() ? text.substring(pos) : ck,
            "converter not supported by stickyroute (supported: "
                + String.join(", ", new TreeSet<>(SampleKeywords.CONVERTERS.keySet())) + ")");
      }
      if (!SampleKeywords.castable(type, cs.in())) {
        throw new Invalid(ck, "converter '" + ck + "' cannot be applied");
      }
      type = cs.out();
      List<String> cargs = new ArrayList<>();
      pos = parseArgs(text, end, cs, ck, cargs);
      SampleTerm c = new SampleTerm(ck, cargs);
      checkConverter(c);
      converters.add(c);
      last = ck;
    }
    return new SampleExpression(text, fetch, converters, notes);
  }

  /** HAProxy's {@code is_idchar}: letters, digits, {@code . _ - + :}. */
  private static int idEnd(String s, int from) {
    int i = from;
    while (i < s.length()) {
      char c = s.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
          || c == '-' || c == '+' || c == ':') {
        i++;
      } else {
        break;
      }
    }
    return i;
  }

  /** {@code make_arg_list}: returns the position after the arguments (after the closing parenthesis). */
  private static int parseArgs(String s, int at, SampleKeywords.Spec spec, String kw, List<String> out) {
    int n = s.length();
    int p = at;
    boolean empty = p >= n || s.charAt(p) != '(';
    if (!empty) {
      p++;
    }
    String types = spec.argTypes();
    int nbarg = types.length();
    int min = spec.minArgs();
    int pos = 0;
    if (nbarg > 0 && !(empty && min == 0)) {
      while (pos < nbarg) {
        StringBuilder arg = new StringBuilder();
        boolean squote = false;
        boolean dquote = false;
        while (!empty && p < n) {
          char c = s.charAt(p);
          if (c == '"' && !squote) {
            dquote = !dquote;
            p++;
          } else if (c == '\'' && !dquote) {
            squote = !squote;
            p++;
          } else if (c == '\\' && !squote) {
            if (p + 1 >= n) {
              throw new Invalid(kw, "'" + kw + "': unterminated escape in argument " + (pos + 1));
            }
            char d = s.charAt(p + 1);
            if (d == '\\' || d == ' ' || d == '"' || d == '\'') {
              arg.append(d);
              p += 2;
            } else if (d == 'r' || d == 'n' || d == 't') {
              arg.append(d == 'r' ? '\r' : d == 'n' ? '\n' : '\t');
              p += 2;
            } else {
              arg.append('\\');
              p++;
            }
          } else if (!squote && !dquote && (c == ',' || c == ')')) {
            break;
          } else {
            arg.append(c);
            p++;
          }
        }
        char type = types.charAt(pos);
        String a = arg.toString();
        if (a.isEmpty() && type != 'S') {
          if (pos >= min) {
            break; // an empty optional argument ends the list
          }
          throw new Invalid(kw, "'" + kw + "': expected " + typeName(type) + " at position " + (pos + 1)
              + ", but got nothing");
        }
        if ((type == 'I' && !SampleTerm.isInteger(a)) || (type == '4' && !isMask(a, false))
            || (type == '6' && !isMask(a, true))) {
          throw new Invalid(a, "'" + kw + "': failed to parse '" + a + "' as " + typeName(type)
              + " at position " + (pos + 1));
        }
        out.add(a);
        pos++;
        if (empty || p >= n || s.charAt(p) == ')' || pos >= nbarg) {
          break;
        }
        p++; // the comma
      }
    }
    if (pos < min) {
      throw new Invalid(kw, "'" + kw + "': missing arguments (got " + pos + "/" + min + "), "
          + typeName(types.charAt(pos)) + " expected");
    }
    if (empty) {
      return p;
    }
    if (p < n && s.charAt(p) == ')') {
      return p + 1;
    }
    throw new Invalid(p < n ? s.substring(p) : kw, "'" + kw + "': expected ')'"
        + (p < n ? " before '" + s.substring(p) + "'" : ""));
  }

  private static String typeName(char t) {
    switch (t) {
      case 'I':
        return "an integer";
      case '4':
        return "an IPv4 mask";
      case '6':
        return "an IPv6 mask";
      default:
        return "a string";
    }
  }

  /** {@code str2mask} / {@code str2mask6}: an address, or a prefix length. */
  static boolean isMask(String a, boolean v6) {
    if (a.indexOf(v6 ? ':' : '.') >= 0) {
      IpAddress ip = new IpAddress();
      return ip.set(a) && ip.family() == (v6 ? IpAddress.V6 : IpAddress.V4);
    }
    if (a.isEmpty()) {
      return false;
    }
    for (int i = 0; i < a.length(); i++) {
      if (a.charAt(i) < '0' || a.charAt(i) > '9') {
        return false;
      }
    }
    return a.length() <= 3 && Integer.parseInt(a) <= (v6 ? 128 : 32);
  }

  private static void checkFetch(SampleTerm f, SampleKeywords.Spec spec, List<String> notes) {
    String c = spec.canonical();
    if (c.equals("req.hdr") || c.equals("req.fhdr") || c.equals("res.hdr")) {
      if (f.argCount() == 0) {
        notes.add("'" + f.keyword() + "' without a header name never finds a value: every request falls back to"
            + " round robin, as in HAProxy");
      } else if (f.string(0).isEmpty()) {
        throw new Invalid(f.keyword() + "()", "'" + f.keyword() + "' with an empty name (any header) is not"
            + " supported by stickyroute: name the header");
      }
      if (f.has(1) && f.integer(1) < -10) {
        throw new Invalid(f.string(1), "header occurrence must be >= -10");
      }
    }
  }

  private static void checkConverter(SampleTerm c) {
    String k = SampleKeywords.CONVERTERS.get(c.keyword()).canonical();
    if (k.equals("field") || k.equals("word")) {
      if (c.integer(0) == 0) {
        throw new Invalid(c.string(0), "'" + k + "': Unexpected value 0 for index");
      }
      if (c.string(1).isEmpty()) {
        throw new Invalid(c.keyword(), "'" + k + "': Empty separators list");
      }
    }
  }
}
