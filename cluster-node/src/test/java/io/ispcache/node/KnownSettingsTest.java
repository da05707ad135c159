package io.ispcache.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.ispcache.settings.InvalidSettingException;
import java.io.File;
import org.junit.jupiter.api.Test;

class KnownSettingsTest {
  static final KnownSettings KNOWN = KnownSettings.ofClasspath();

  static Config load(String overlay) {
    return NodeConfig.load(ConfigFactory.parseString(overlay));
  }

  @Test
  void aMisspeltKeyIsRefusedNamingTheNearestValidKey() {
    InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> KNOWN.check(load("ispcache.content.prot = 8080")));
    assertEquals(
        "invalid setting ispcache.content.prot = \"8080\": is not a setting of ispcache; did you mean ispcache.content.port?",
        e.getMessage());
  }

  @Test
  void aKeyInTheWrongSectionIsRefusedNamingWhereItBelongs() {
    InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> KNOWN.check(load("ispcache.content.chunk-size = 4MiB")));
    assertEquals("ispcache.content.chunk-size", e.setting());
    assertEquals("is not a setting of ispcache; did you mean ispcache.store.chunk-size?", e.rule());
  }

  @Test
  void aTypoInALongKeyIsRefusedNamingTheKeyMeant() {
    InvalidSettingException e =
        assertThrows(InvalidSettingException.class, () -> KNOWN.check(load("ispcache.content.max-conections = 100")));
    assertEquals("is not a setting of ispcache; did you mean ispcache.content.max-connections?", e.rule());
  }

  @Test
  void aKeyLikeNoneIsRefusedPointingAtTheTemplate() {
    InvalidSettingException e =
        assertThrows(InvalidSettingException.class, () -> KNOWN.check(load("ispcache.turbo-boost-everything = yes")));
    assertEquals("is not a setting of ispcache (config/production.conf lists every setting)", e.rule());
  }

  @Test
  void settingsOfOtherModulesAndDispatcherTuningAreAccepted() {
    KNOWN.check(
        load(
            String.join(
                "\n",
                "ispcache.admin.port = 9091",
                "ispcache.registry.max-customer-ipv4-addresses = 1000",
                "ispcache.blocking-io-dispatcher.thread-pool-executor.fixed-pool-size = 32",
                "ispcache.origins = [ { name = x, hosts = [\"a.example\"], share-cache-keys = false } ]",
                "some-other-library.setting = 1")));
  }

  @Test
  void theShippedConfigsHoldOnlyKnownSettings() {
    for (String file :
        new String[] {"single-node.conf", "production.conf", "registry-postgres.conf", "cluster-3/node-1.conf", "cluster-3/node-2.conf", "cluster-3/node-3.conf"}) {
      Config c =
          ConfigFactory.parseFile(new File("../config/" + file), ConfigParseOptions.defaults().setAllowMissing(false));
      KNOWN.check(NodeConfig.load(c));
    }
  }

  @Test
  void distanceCountsEdits() {
    assertEquals(0, KnownSettings.distance("port", "port"));
    assertEquals(2, KnownSettings.distance("prot", "port"));
    assertEquals(3, KnownSettings.distance("", "abc"));
  }
}
