package io.ispcache.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import io.ispcache.settings.InvalidSettingException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Telemetry settings: the defaults, and each bad value stopping the start with the setting named. */
class TelemetrySettingsTest {
  static TelemetrySettings with(String overrides) {
    return TelemetrySettings.fromConfig(ConfigFactory.parseString(overrides).withFallback(ConfigFactory.defaultReference()).resolve());
  }

  @Test
  void defaultsKeepMinutesTwoDaysAndHoursNinetyDays() {
    TelemetrySettings s = with("");
    assertEquals(Duration.ofHours(48), s.minuteRetention());
    assertEquals(Duration.ofDays(90), s.hourRetention());
    assertEquals(Duration.ofMinutes(5), s.rollUpInterval());
  }

  static void refused(String setting, String value, String rule) {
    InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> with("ispcache.admin.telemetry." + setting + " = " + value));
    assertEquals("ispcache.admin.telemetry." + setting, e.setting());
    assertEquals(rule, e.rule());
  }

  @Test
  void eachBadValueIsRefusedNamingTheSetting() {
    refused("minute-retention", "24h", "must be at least 25h (the 24h report is drawn from minutes)");
    refused("minute-retention", "lots", "must be a duration such as 48h");
    refused("minute-retention", "-1h", "must be positive");
    refused("hour-retention", "30d", "must be at least 31d (the 30d report is drawn from hours)");
    refused("roll-up-interval", "2h", "must be at most 1h");
    refused("roll-up-interval", "0s", "must be positive");
    refused("max-pending-samples", "10", "must be at least 1000");
    refused("max-pending-samples", "many", "must be a whole number");
  }
}
