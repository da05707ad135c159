package io.ispcache.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.ispcache.settings.InvalidSettingException;
import org.junit.jupiter.api.Test;

/** The transfer port's settings: a port beyond loopback needs the cluster's secret. */
class PeerSettingsTest {
  static final String SECRET = "0123456789abcdefghijklmnopqrstuvwxyz";

  static PeerSettings read(String peer) {
    return PeerSettings.fromConfig(
        ConfigFactory.parseString("ispcache.peer { " + peer + " }")
            .withFallback(ConfigFactory.parseString(
                "ispcache.peer { interface = \"127.0.0.1\", port = 7070, advertised-host = \"\", secret = \"\" }\n"
                    + "akka.remote.artery.canonical.hostname = \"10.0.0.5\""))
            .resolve());
  }

  @Test
  void aLoopbackPortNeedsNoSecret() {
    assertTrue(read("interface = \"127.0.0.1\"").secret().isNone());
    assertTrue(read("interface = \"::1\"").secret().isNone());
  }

  @Test
  void aPortBeyondLoopbackWithoutASecretStopsTheNodeNamingTheSetting() {
    for (String iface : new String[] {"0.0.0.0", "10.0.0.5", "::", "<this node's cluster address>"}) {
      InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> read("interface = \"" + iface + "\""), iface);
      assertEquals("ispcache.peer.secret", e.setting());
    }
    assertFalse(read("interface = \"0.0.0.0\", secret = \"" + SECRET + "\"").secret().isNone());
  }

  @Test
  void aShortOrUnprintableSecretIsRefusedWithoutBeingEchoed() {
    for (String bad : new String[] {"short-secret", SECRET + " with blanks", SECRET + "\\u00e9"}) {
      InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> read("interface = \"0.0.0.0\", secret = \"" + bad + "\""));
      assertEquals("ispcache.peer.secret", e.setting());
      assertFalse(e.getMessage().contains(bad.substring(0, 5)), e.getMessage());
    }
  }

  @Test
  void onlyTheExactSecretIsAdmittedAndItIsNeverPrinted() {
    PeerSecret s = PeerSecret.of(SECRET);
    assertTrue(s.admits(SECRET));
    for (String other : new String[] {null, "", SECRET + "x", SECRET.substring(1), SECRET.toUpperCase()}) {
      assertFalse(s.admits(other), String.valueOf(other));
    }
    assertFalse(read("interface = \"0.0.0.0\", secret = \"" + SECRET + "\"").toString().contains(SECRET));
    assertTrue(PeerSecret.NONE.admits(null), "a loopback-only port admits every local request");
  }
}
