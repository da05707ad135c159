package io.ispcache.freshness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.ispcache.settings.InvalidSettingException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FreshnessSettingsTest {

  static FreshnessSettings with(String hocon) {
    return FreshnessSettings.fromConfig(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference()).resolve());
  }

  @Test
  void theDefaultsAreATenthCappedAtADayAndADayOfStaleOnError() {
    FreshnessSettings s = with("");

    assertEquals(0.1, s.heuristic().fraction());
    assertEquals(Duration.ofDays(1), s.heuristic().max());
    assertEquals(Duration.ofDays(1), s.staleOnError());
    assertTrue(s.clientDirectives());
  }

  @Test
  void badValuesAreRefusedNamingTheSetting() {
    assertTrue(assertThrows(InvalidSettingException.class, () -> with("ispcache.freshness.heuristic-fraction = 1.5"))
        .getMessage().contains("ispcache.freshness.heuristic-fraction"));
    assertTrue(assertThrows(InvalidSettingException.class, () -> with("ispcache.freshness.heuristic-fraction = lots"))
        .getMessage().contains("heuristic-fraction"));
    assertTrue(assertThrows(InvalidSettingException.class, () -> with("ispcache.freshness.stale-on-error = -1s"))
        .getMessage().contains("stale-on-error"));
    assertTrue(assertThrows(InvalidSettingException.class, () -> with("ispcache.freshness.heuristic-max = forever"))
        .getMessage().contains("heuristic-max"));
    assertTrue(assertThrows(InvalidSettingException.class, () -> with("ispcache.freshness.client-directives = maybe"))
        .getMessage().contains("client-directives"));
  }
}
