package io.ispcache.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.ispcache.settings.InvalidSettingException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PeerTimeoutsTest {
  static PeerTimeouts read(String overlay) {
    return PeerTimeouts.fromConfig(ConfigFactory.parseString(overlay).withFallback(ConfigFactory.load()));
  }

  @Test
  void theDefaultsBoundAPullToAFewSeconds() {
    PeerTimeouts t = read("");
    assertEquals(Duration.ofSeconds(2), t.connect());
    assertEquals(Duration.ofSeconds(5), t.response());
    assertEquals(Duration.ofSeconds(5), t.idle());
  }

  @Test
  void eachIsSettable() {
    PeerTimeouts t = read("ispcache.peer { connect-timeout = 500ms, response-timeout = 3s, idle-timeout = 4s }");
    assertEquals(new PeerTimeouts(Duration.ofMillis(500), Duration.ofSeconds(3), Duration.ofSeconds(4)), t);
  }

  @Test
  void aZeroNegativeOrUnreadableTimeoutIsRefusedWithItsSettingNamed() {
    for (String bad : new String[] {"0s", "-1s", "soon"}) {
      for (String key : new String[] {"connect-timeout", "response-timeout", "idle-timeout"}) {
        InvalidSettingException e =
            assertThrows(InvalidSettingException.class, () -> read("ispcache.peer." + key + " = \"" + bad + "\""), key + " = " + bad);
        assertTrue(e.getMessage().contains("ispcache.peer." + key), e.getMessage());
      }
    }
  }
}
