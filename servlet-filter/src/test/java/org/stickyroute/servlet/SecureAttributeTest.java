package org.stickyroute.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;

/** {@code secure-cookie}: core's Set-Cookie with {@code ; Secure} added or removed at HAProxy's position. */
class SecureAttributeTest {
  private static Engine.BackendInfo info(String cookieLine) {
    Router r = Router.create(ConfigLoader.parse(
        "backend b\n    " + cookieLine + "\n    server s1 127.0.0.1:1 cookie s1\n", "t.cfg", true));
    return new Engine.BackendInfo(r.backend("b"));
  }

  @Test
  void addedBeforeTheAttrsAndRemovedFromThere() {
    Engine.BackendInfo plain = info("cookie SERVERID insert indirect domain .example.com httponly attr SameSite=Lax attr Partitioned");
    String core = "SERVERID=s1; path=/; domain=.example.com; HttpOnly; SameSite=Lax; Partitioned";
    assertEquals("SERVERID=s1; path=/; domain=.example.com; HttpOnly; Secure; SameSite=Lax; Partitioned",
        plain.secure(core, true));
    assertEquals(core, plain.secure(core, false));

    Engine.BackendInfo secure = info("cookie SERVERID insert httponly secure attr SameSite=Lax");
    String withSecure = "SERVERID=s1; path=/; HttpOnly; Secure; SameSite=Lax";
    assertEquals("SERVERID=s1; path=/; HttpOnly; SameSite=Lax", secure.secure(withSecure, false));
    assertEquals(withSecure, secure.secure(withSecure, true));

    Engine.BackendInfo bare = info("cookie SERVERID insert");
    assertEquals("SERVERID=s1; path=/; Secure", bare.secure("SERVERID=s1; path=/", true));
    String deletion = "SERVERID=; Expires=Thu, 01-Jan-1970 00:00:01 GMT; path=/";
    assertEquals(deletion + "; Secure", bare.secure(deletion, true));
  }
}
