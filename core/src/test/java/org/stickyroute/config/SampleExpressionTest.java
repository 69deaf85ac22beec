package org.stickyroute.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.stickyroute.testsupport.HaproxyProcess;
import org.stickyroute.testsupport.RequiresHaproxy;

class SampleExpressionTest {
  @Test
  void parsesArgumentsAsMakeArgList() {
    SampleExpression e = SampleExpression.parse("req.hdr(host),lower,,field(1,:),word(-2,'.,'),ltrim(\\ ),");
    assertEquals("req.hdr", SampleExpression.canonical(e.fetch().keyword()));
    assertEquals(List.of("host"), e.fetch().args());
    assertEquals(4, e.converters().size());
    assertEquals(List.of("1", ":"), e.converters().get(1).args());
    assertEquals(List.of("-2", ".,"), e.converters().get(2).args());
    assertEquals(List.of(" "), e.converters().get(3).args());
    assertEquals(List.of("1", "."), SampleExpression.parse("path,field(1,.,)").converters().get(0).args());
    assertEquals(List.of(), SampleExpression.parse("req.cook()").fetch().args().subList(1, 1));
    assertEquals(List.of(""), SampleExpression.parse("req.cook()").fetch().args());
    assertEquals(List.of(), SampleExpression.parse("path,crc32()").converters().get(0).args());
    assertEquals(List.of(""), SampleExpression.parse("path,ltrim").converters().get(0).args());
  }

  @Test
  void errorsNameTheWord() {
    assertWord("nosuch", "nosuch(x)");
    assertWord("req.payload", "req.payload(0,10)");
    assertWord("nosuchconv", "path,nosuchconv");
    assertWord("regsub", "path,regsub(a,b)");
    assertWord("0", "path,field(0,.)");
    assertWord("field", "path,field(1,)");
    assertWord("field", "path,field");
    assertWord("-11", "req.hdr(x,-11)");
    assertWord("x", "path,crc32(x)");
    assertWord(",3)", "path,bytes(1,2,3)");
    assertWord("ipmask", "path,bytes(1),ipmask(8)");
    assertWord("req.hdr()", "req.hdr()");
    assertWord("[x]", "path[x]");
  }

  private static void assertWord(String word, String expr) {
    SampleExpression.Invalid e = assertThrows(SampleExpression.Invalid.class, () -> SampleExpression.parse(expr),
        expr);
    assertEquals(word, e.word(), expr + ": " + e.getMessage());
  }

  @Test
  void aNamelessHeaderFetchIsNotedAsNeverFound() {
    assertEquals(1, SampleExpression.parse("req.hdr").notes().size());
    assertEquals(0, SampleExpression.parse("req.hdr(x)").notes().size());
  }

  /**
   * Everything stickyroute accepts, {@code haproxy -c} accepts; everything it refuses, stickyroute refuses;
   * what only stickyroute refuses is refused as "not supported".
   */
  @Test
  @RequiresHaproxy
  void acceptsExactlyWhatHaproxyAcceptsAmongTheSupportedKeywords() throws Exception {
    String[] exprs = {
      "path", "path,", "path,,lower", "path()", "path(x)", "req.hdr(host)", "req.hdr(host,2)", "req.hdr(host,-10)",
      "req.hdr(host,-11)", "req.hdr(host,x)", "req.hdr(host,1,2)", "hdr", "req.hdr", "req.cook", "cook(a,b)",
      "url_param(a,;)", "urlp()", "src,lower", "src,ipmask(24)", "src,ipmask(24,64)", "src,ipmask(33)",
      "src,ipmask(255.255.0.0)", "src,ipmask(24,129)", "src,ipmask(24,ffff::)", "src,ipmask()", "path,ipmask(8)",
      "path,length,ipmask(8)", "path,bytes(1)", "path,bytes()", "path,bytes(,2)", "path,bytes(1,)",
      "path,field(1,.)", "path,field(0,.)", "path,field(1,)", "path,field(1,.,)", "path,field(1,.,x)",
      "path,word(-1,/,2)", "path,lower(x)", "path,lower()", "path,crc32(1)", "path,crc32()", "path,djb2,hex",
      "path,sdbm(1),base64", "path,wt6(0),length", "path,url_dec(1)", "path,url_dec(x)", "path,ltrim", "path,rtrim()",
      "path,cut_crlf", "path,hex,lower", "src,hex", "src,base64", "src,bytes(1)", "path lower", "path,lower,",
      "path,'lower'", "path,field(1,'.)", "path,field(1,\".\")", "path,field(1,\\,)", "base", "baseq", "pathq",
      "query", "url", "req.fhdr(a,-1)", "cookie(a)", "path,length,length", "path,length,lower", "path,hex,ipmask(8)",
    };
    boolean[] haproxyValid = haproxyValidity(exprs);
    List<String> mismatches = new ArrayList<>();
    for (int i = 0; i < exprs.length; i++) {
      String e = exprs[i];
      boolean haproxy = haproxyValid[i];
      String ours;
      try {
        SampleExpression.parse(e);
        ours = "valid";
      } catch (SampleExpression.Invalid x) {
        ours = x.getMessage().contains("not supported") ? "unsupported" : "invalid";
      }
      if (ours.equals("valid") != haproxy && !(ours.equals("unsupported") && haproxy)) {
        mismatches.add(e + ": haproxy " + (haproxy ? "valid" : "invalid") + ", ours " + ours);
      }
    }
    assertTrue(mismatches.isEmpty(), String.join("\n", mismatches));
  }

  /**
   * {@code haproxy -c} over one backend per expression. A syntax error of a line stops HAProxy before it
   * compiles any expression, so the expressions it names are set aside and the rest checked again.
   */
  private static boolean[] haproxyValidity(String[] exprs) throws Exception {
    boolean[] valid = new boolean[exprs.length];
    java.util.Arrays.fill(valid, true);
    boolean[] pending = valid.clone();
    while (true) {
      StringBuilder cfg = new StringBuilder("defaults\n  mode http\n  timeout connect 1s\n  timeout client 1s\n"
          + "  timeout server 1s\nfrontend f\n  bind 127.0.0.1:1\n  default_backend b0\n");
      int line = 8;
      java.util.Map<Integer, Integer> byLine = new java.util.HashMap<>();
      for (int i = 0; i < exprs.length; i++) {
        if (pending[i]) {
          cfg.append("backend b").append(i).append("\n  balance hash ").append(exprs[i])
              .append("\n  server s1 127.0.0.1:1\n");
          byLine.put(line + 2, i);
          line += 3;
        }
      }
      String out = HaproxyProcess.validate(cfg.toString()).output();
      boolean syntax = false;
      for (String l : out.split("\n")) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("parsing \\[[^:]*:(\\d+)\\]").matcher(l);
        if (l.contains("ALERT") && m.find() && byLine.containsKey(Integer.parseInt(m.group(1)))) {
          int i = byLine.get(Integer.parseInt(m.group(1)));
          valid[i] = false;
          pending[i] = false;
          syntax = true;
        }
      }
      if (syntax) {
        continue;
      }
      for (int i = 0; i < exprs.length; i++) {
        for (String l : out.split("\n")) {
          if (pending[i] && l.contains("ALERT") && l.contains("'b" + i + "'")) {
            valid[i] = false;
          }
        }
      }
      return valid;
    }
  }
}
