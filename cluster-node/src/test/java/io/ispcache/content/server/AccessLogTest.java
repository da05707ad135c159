package io.ispcache.content.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ispcache.node.NodeAndOrigin;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class AccessLogTest {
  static final String PATH = "/updates/access.cab";
  static final long LENGTH = 300_000;
  @TempDir static Path dataDir;
  static NodeAndOrigin setup;
  static final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  static final Logger access = (Logger) LoggerFactory.getLogger("ispcache.access");

  @BeforeAll
  static void start() throws Exception {
    access.setLevel(Level.INFO);
    access.setAdditive(false);
    lines.start();
    access.addAppender(lines);
    setup = NodeAndOrigin.start(dataDir, "");
    setup.origin().put(PATH, LENGTH, 31, "application/octet-stream", "\"a1\"", null);
    setup.origin().headers(PATH, "Cache-Control: max-age=3600");
  }

  @AfterAll
  static void stop() {
    setup.close();
    access.detachAppender(lines);
    access.setLevel(null);
    access.setAdditive(true);
  }

  static List<String> logged() {
    synchronized (lines) {
      return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  @Test
  void everyResponseIsOneCombinedFormatLineWithTheCacheStatus() throws Exception {
    int before = logged().size();
    HttpResponse<byte[]> miss = setup.send("GET", setup.node().url(PATH), "User-Agent", "Windows-Update-Agent/10.0 \"x\"");
    HttpResponse<byte[]> hit = setup.send("GET", setup.node().url(PATH), "User-Agent", "Windows-Update-Agent/10.0");
    assertEquals(200, hit.statusCode());
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> logged().size() >= before + 2);
    List<String> mine = logged().subList(before, before + 2);
    String target = setup.node().url(PATH).getRawPath() + "?" + setup.node().url(PATH).getRawQuery();
    String pattern =
        "127\\.0\\.0\\.1 - - \\[\\d\\d/[A-Z][a-z]{2}/\\d{4}:\\d\\d:\\d\\d:\\d\\d \\+0000] \"GET "
            + java.util.regex.Pattern.quote(target)
            + " HTTP/1\\.1\" 200 (\\d+) \"-\" \"%s\" %s \\d+\\.\\d{3}";
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(String.format(pattern, "Windows-Update-Agent/10\\.0 \\\\x22x\\\\x22", "MISS")).matcher(mine.get(0));
    assertTrue(m.matches(), mine.get(0));
    assertTrue(Long.parseLong(m.group(1)) > LENGTH, "bytes sent count the head and the whole body: " + mine.get(0));
    assertTrue(mine.get(1).matches(String.format(pattern, "Windows-Update-Agent/10\\.0", "HIT")), mine.get(1));
    assertEquals(LENGTH, miss.body().length);
  }

  @Test
  void aRequestThatCannotBeReadIsLoggedWithoutARequestLine() throws Exception {
    int before = logged().size();
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", setup.node().url("/").getPort()), 5000);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write("GET /x HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      assertTrue(status.startsWith("HTTP/1.1 400"), status);
    }
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> logged().size() > before);
    String line = logged().get(before);
    assertTrue(line.matches("127\\.0\\.0\\.1 - - \\[.*] \"-\" 400 \\d+ \"-\" \"-\" - \\d+\\.\\d{3}"), line);
  }

  @Test
  void linesEscapeQuotesAndControlCharacters() {
    RequestHead request =
        new RequestHead(
            "GET", "/a\"b", true, List.of(new RequestHead.Header("User-Agent", "ua\\\u0007é"), new RequestHead.Header("Referer", "http://r/")), false);
    String line =
        AccessLog.line(
            new InetSocketAddress("192.0.2.7", 1234),
            ZonedDateTime.of(2026, 12, 3, 16, 20, 0, 0, ZoneOffset.UTC),
            request,
            206,
            1024,
            "STALE; origin unreachable",
            12_345_678);
    assertEquals(
        "192.0.2.7 - - [03/Dec/2026:16:20:00 +0000] \"GET /a\\x22b HTTP/1.1\" 206 1024 \"http://r/\" \"ua\\x5C\\x07\\xE9\" STALE;_origin_unreachable 0.012",
        line);
  }
}
