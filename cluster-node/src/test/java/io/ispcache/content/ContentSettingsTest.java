package io.ispcache.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.ispcache.settings.InvalidSettingException;
import org.junit.jupiter.api.Test;

class ContentSettingsTest {
  static ContentSettings with(String content) {
    return ContentSettings.fromConfig(
        ConfigFactory.parseString("ispcache.content { " + content + " }").withFallback(ConfigFactory.defaultReference()).resolve());
  }

  @Test
  void theRequestBodyLimitIsOneMebibyteByDefaultAndMayBeSet() {
    assertEquals(1 << 20, with("").maxRequestBody());
    assertEquals(64L << 20, with("max-request-body = 64MiB").maxRequestBody());
    assertEquals(0, with("max-request-body = 0").maxRequestBody(), "0: every body is refused with 413");
  }

  @Test
  void aRequestBodyLimitThatIsNotASizeOrAboveAGibibyteIsRefused() {
    InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> with("max-request-body = lots"));
    assertEquals("ispcache.content.max-request-body", e.setting());
    assertTrue(e.getMessage().contains("must be a size"), e.getMessage());
    assertTrue(
        assertThrows(InvalidSettingException.class, () -> with("max-request-body = 2GiB")).getMessage().contains("0 to 1GiB"));
  }

  @Test
  void theLimitPerClientIsOnByDefaultAndMayBeSetOrTurnedOff() {
    assertEquals(512, with("").maxConnectionsPerClient());
    assertEquals(16, with("max-connections-per-client = 16").maxConnectionsPerClient());
    assertEquals(1000, with("max-connections-per-client = \" 1000\"").maxConnectionsPerClient(), "as an environment variable gives it");
    assertEquals(0, with("max-connections-per-client = off").maxConnectionsPerClient(), "0: no limit");
  }

  @Test
  void aLimitPerClientThatIsNotAPositiveWholeNumberOrOffIsRefused() {
    for (String bad : new String[] {"0", "-1", "1000001", "9999999999", "\"0\""}) {
      InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> with("max-connections-per-client = " + bad));
      assertEquals("ispcache.content.max-connections-per-client", e.setting());
      assertTrue(e.getMessage().contains("must be 1 to 1000000, or off"), e.getMessage());
    }
    for (String bad : new String[] {"on", "lots", "2.5", "\"\""}) {
      InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> with("max-connections-per-client = " + bad));
      assertTrue(e.getMessage().contains("must be a whole number, or off"), bad + ": " + e.getMessage());
    }
  }

  @Test
  void theDrainTimeIsTenMinutesByDefaultAndMayBeSetDownToZero() {
    assertEquals(java.time.Duration.ofMinutes(10), with("").drainTime());
    assertEquals(java.time.Duration.ofSeconds(3), with("drain-time = 3s").drainTime());
    assertEquals(java.time.Duration.ZERO, with("drain-time = 0s").drainTime(), "0: cut at once, at a chunk boundary");
    assertEquals(java.time.Duration.ofHours(24), with("drain-time = 24h").drainTime());
  }

  @Test
  void aDrainTimeThatIsNotADurationOrIsNegativeOrAboveADayIsRefused() {
    InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> with("drain-time = forever"));
    assertEquals("ispcache.content.drain-time", e.setting());
    assertTrue(e.getMessage().contains("must be a duration"), e.getMessage());
    for (String bad : new String[] {"-1s", "25h"}) {
      InvalidSettingException out = assertThrows(InvalidSettingException.class, () -> with("drain-time = " + bad));
      assertEquals("ispcache.content.drain-time", out.setting());
      assertTrue(out.getMessage().contains("must be 0s to 24h"), bad + ": " + out.getMessage());
    }
  }
}
