package org.stickyroute.servlet;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.stickyroute.config.StatsConfig;

class BasicAuthTest {
  private static String basic(String userPass) {
    return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void acceptsOnlyConfiguredCredentials() {
    BasicAuth auth = new BasicAuth(List.of(new StatsConfig.Credential("user", "pass"),
        new StatsConfig.Credential("ops", "s3cr:et")));
    assertTrue(auth.accepts(basic("user:pass")));
    assertTrue(auth.accepts(basic("ops:s3cr:et")));
    assertTrue(auth.accepts("basic " + Base64.getEncoder().encodeToString("user:pass".getBytes())));
    assertFalse(auth.accepts(basic("user:pas")));
    assertFalse(auth.accepts(basic("user:passs")));
    assertFalse(auth.accepts(basic("User:pass")));
    assertFalse(auth.accepts(null));
    assertFalse(auth.accepts("Bearer abc"));
    assertFalse(auth.accepts("Basic !!!not-base64"));
    assertFalse(auth.accepts("Basic"));
    assertFalse(new BasicAuth(List.of()).accepts(basic("user:pass")));
  }
}
