package org.stickyroute.examples.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.stickyroute.cli.Main;

/** The example as its contract says: the Gateway on 127.0.0.1 routes like the {@code route} tool. */
class GatewayExampleTest {
  @Test
  void routesLikeTheRouteTool() throws Exception {
    List<Instance> instances = new ArrayList<>();
    for (String n : GatewayExample.NAMES) {
      instances.add(Instance.start(n));
    }
    ConfigurableApplicationContext context = GatewayExample.start(instances, "--server.port=0");
    try {
      int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
      List<String> targets = List.of("/project/123/compile", "/project/5f3c0a/file/1", "/PROJECT/abc/x?y=1", "/project/9");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int status = Main.run(new String[] {"route", "--config", "../overleaf.cfg"},
          new ByteArrayInputStream(String.join("\n", targets).getBytes(StandardCharsets.ISO_8859_1)), out,
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      assertEquals(0, status);
      String[] expected = out.toString(StandardCharsets.ISO_8859_1).split("\n");
      HttpClient client = HttpClient.newHttpClient();
      for (int i = 0; i < targets.size(); i++) {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + targets.get(i))).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals(expected[i], "sharelatex_project " + r.headers().firstValue("X-Served-By").orElse("-"), targets.get(i));
      }
      HttpResponse<String> login = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals("SERVERID=" + login.headers().firstValue("X-Served-By").orElseThrow() + "; path=/",
          login.headers().firstValue("Set-Cookie").orElseThrow());
    } finally {
      context.close();
      instances.forEach(Instance::close);
    }
  }
}
