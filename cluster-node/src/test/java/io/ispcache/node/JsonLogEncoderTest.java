package io.ispcache.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonLogEncoderTest {
  final LoggerContext context = new LoggerContext();
  final Logger logger = context.getLogger("io.ispcache.store.ChunkStore");

  @Test
  void anEventIsOneLineOfJsonWithItsFields() throws Exception {
    LoggingEvent event =
        new LoggingEvent("x", logger, Level.WARN, "drive {} is \"full\"\nsecond line\t\\ end", null, new Object[] {"/srv/c1"});
    event.setTimeStamp(1_767_225_600_000L);
    event.setThreadName("io-1");
    String line = new String(new JsonLogEncoder().encode(event), StandardCharsets.UTF_8);

    assertTrue(line.endsWith("\n"), line);
    assertEquals(1, line.split("\n", -1).length - 1, "exactly one line: " + line);
    JsonNode json = new ObjectMapper().readTree(line);
    assertEquals("2026-01-01T00:00:00Z", json.get("time").asText());
    assertEquals("WARN", json.get("level").asText());
    assertEquals("io.ispcache.store.ChunkStore", json.get("logger").asText());
    assertEquals("io-1", json.get("thread").asText());
    assertEquals("drive /srv/c1 is \"full\"\nsecond line\t\\ end", json.get("message").asText());
    assertFalse(json.has("exception"));
  }

  @Test
  void anExceptionTravelsWithItsStackTraceInTheSameLine() throws Exception {
    LoggingEvent event = new LoggingEvent("x", logger, Level.ERROR, "fill failed", new IllegalStateException("disk gone"), null);
    String line = new String(new JsonLogEncoder().encode(event), StandardCharsets.UTF_8);
    assertEquals(1, line.split("\n", -1).length - 1, line);
    String exception = new ObjectMapper().readTree(line).get("exception").asText();
    assertTrue(exception.startsWith("java.lang.IllegalStateException: disk gone"), exception);
    assertTrue(exception.contains("JsonLogEncoderTest"), exception);
  }
}
