package org.stickyroute.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.stickyroute.ServerStatusWord;
import org.stickyroute.ServerStatsRow;
import org.stickyroute.testsupport.RequiresProgram;

/**
 * The stats page in a real browser: Debian's headless Chromium, driven by Debian's chromedriver through
 * Selenium, opens the demo's page behind Basic authentication (the {@code Authorization} header set with a
 * CDP call), drains docker-1 through HAProxy's admin form (check its box, "Set state to DRAIN", Apply: a POST
 * with the page's CSRF token, then HAProxy's redirect to {@code ;st=DONE}), and reads the new state on the
 * page. It saves a screenshot to {@code target/stats-page.png} ({@code docs/images/stats-page.png} is one).
 */
@RequiresProgram(value = "chromium", install = "apt-get install -y chromium")
@RequiresProgram(value = "chromedriver", install = "apt-get install -y chromium-driver")
class StatsPageBrowserTest {
  static Demo demo;
  static Path profile;
  static ChromeDriver browser;

  @BeforeAll
  static void start() throws Exception {
    demo = Demo.start(0, 300);
    profile = Files.createTempDirectory("stickyroute-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(org.stickyroute.testsupport.Programs.find("chromium", "--version").orElseThrow().path()
        .toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile, "--window-size=1600,1000");
    File driver = org.stickyroute.testsupport.Programs.find("chromedriver", "--version").orElseThrow().path().toFile();
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver).usingAnyFreePort()
        .build();
    browser = new ChromeDriver(service, options);
    browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    String up = demo.credential().user() + ":" + demo.credential().password();
    browser.executeCdpCommand("Network.enable", Map.of());
    browser.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", Map.of("Authorization",
        "Basic " + Base64.getEncoder().encodeToString(up.getBytes(StandardCharsets.UTF_8)))));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (browser != null) {
        browser.quit();
      }
    } finally {
      demo.close();
      if (profile != null) {
        try (Stream<Path> files = Files.walk(profile)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  static ServerStatusWord status(String server) {
    for (ServerStatsRow s : demo.router().backend(Demo.COOKIE_BACKEND).stats().servers()) {
      if (s.name().equals(server)) {
        return s.status();
      }
    }
    throw new AssertionError(server);
  }

  @Test
  void drainAServerThroughTheAdminFormAndSeeIt() throws Exception {
    String base = "http://127.0.0.1:" + demo.port();
    for (int i = 0; i < 12; i++) {
      Http.get(base + "/project/" + (100 + i) + "/compile");
      Http.get(base + "/page" + i);
    }
    demo.instance("docker-2").setState(DemoInstance.State.DOWN);
    new WebDriverWait(browser, Duration.ofSeconds(30)).pollingEvery(Duration.ofMillis(200))
        .until(d -> status("docker-2") == ServerStatusWord.DOWN);

    browser.get(base + "/stickyroute/stats;norefresh");
    assertTrue(browser.getTitle().startsWith("Statistics Report"), browser.getTitle());
    WebElement table = form(Demo.COOKIE_BACKEND);
    table.findElement(By.cssSelector("input[name=s][value='docker-1']")).click();
    new Select(table.findElement(By.name("action"))).selectByValue("drain");
    table.findElement(By.cssSelector("input[type=submit]")).click();

    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.getCurrentUrl().contains(";st="));
    assertTrue(browser.getCurrentUrl().endsWith("/stickyroute/stats;norefresh;st=DONE"), browser.getCurrentUrl());
    assertTrue(browser.findElement(By.tagName("body")).getText().contains("Action processed successfully."));
    WebElement row = row(Demo.COOKIE_BACKEND, "docker-1");
    assertEquals("active_draining", row.getAttribute("class"));
    assertTrue(row.getText().contains("DRAIN"), row.getText());
    assertEquals(ServerStatusWord.DRAIN, status("docker-1"), "the router has it draining");
    assertEquals("active_down", row(Demo.COOKIE_BACKEND, "docker-2").getAttribute("class"));

    long height = (Long) browser.executeScript("return document.documentElement.scrollHeight");
    browser.manage().window().setSize(new Dimension(1600, (int) Math.min(3000, Math.max(1000, height + 160))));
    Path shot = Path.of("target", "stats-page.png");
    Files.createDirectories(shot.getParent());
    Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
    assertTrue(Files.size(shot) > 10_000, "a screenshot was taken: " + shot.toAbsolutePath());
  }

  /** The admin form around a backend's table (HAProxy wraps each backend's table in one). */
  static WebElement form(String backend) {
    return browser.findElement(By.xpath("//form[.//a[@name='" + backend + "']]"));
  }

  /** A server's row in a backend's table. */
  static WebElement row(String backend, String server) {
    return browser.findElement(By.xpath("//tr[.//a[@name='" + backend + "/" + server + "']]"));
  }

  /** Plain GETs for some traffic on the counters. */
  static final class Http {
    static final java.net.http.HttpClient CLIENT = java.net.http.HttpClient.newHttpClient();

    static void get(String url) throws Exception {
      CLIENT.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
          java.net.http.HttpResponse.BodyHandlers.discarding());
    }
  }
}
