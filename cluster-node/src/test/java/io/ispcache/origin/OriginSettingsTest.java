package io.ispcache.origin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ispcache.settings.InvalidSettingException;
import java.io.File;
import org.junit.jupiter.api.Test;

class OriginSettingsTest {

  static Config with(String origins) {
    return ConfigFactory.parseString("ispcache.origins = " + origins)
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  static InvalidSettingException refused(String origins) {
    return assertThrows(InvalidSettingException.class, () -> OriginSettings.fromConfig(with(origins)));
  }

  @Test
  void shippedAllowlistCoversTheMicrosoftCdnHostsAndNothingElse() {
    Config shipped =
        ConfigFactory.parseFile(new File("../config/origins.conf"))
            .withFallback(ConfigFactory.defaultReference())
            .resolve();
    OriginSettings s = OriginSettings.fromConfig(shipped);

    assertEquals("windowsupdate", s.originFor("au.download.windowsupdate.com").orElseThrow().name());
    assertEquals("windowsupdate", s.originFor("download.windowsupdate.com").orElseThrow().name());
    assertTrue(s.originFor("7.tlu.dl.delivery.mp.microsoft.com").isPresent());
    assertTrue(s.originFor("officecdn.microsoft.com").isPresent());
    assertTrue(s.originFor("assets1.xboxlive.com").isEmpty(), "*.x matches below x only");
    assertTrue(s.originFor("xvcf1.xboxlive.com.evil.com").isEmpty());
    assertTrue(s.originFor("example.com").isEmpty());
    assertTrue(s.originFor("evilwindowsupdate.com").isEmpty());
  }

  @Test
  void onlyHostsListedByNameShareTheShippedKeySpaces() {
    OriginSettings s =
        OriginSettings.fromConfig(
            ConfigFactory.parseFile(new File("../config/origins.conf")).withFallback(ConfigFactory.defaultReference()).resolve());

    Origin wu = s.originFor("download.windowsupdate.com").orElseThrow();
    assertTrue(wu.sharesKeysOf("download.windowsupdate.com"));
    assertTrue(wu.sharesKeysOf("au.download.windowsupdate.com"));
    assertFalse(wu.sharesKeysOf("4.au.download.windowsupdate.com"), "matched by a wildcard only");
    Origin xbox = s.originFor("cdn.assets1.xboxlive.com").orElseThrow();
    assertFalse(xbox.sharesKeysOf("cdn.assets1.xboxlive.com"));
    assertFalse(xbox.sharesKeysOf("anything.assets1.xboxlive.com"));
    assertFalse(s.originFor("ctldl.windowsupdate.com").orElseThrow().sharesKeysOf("ctldl.windowsupdate.com"), "share-cache-keys = false");
  }

  @Test
  void suffixPatternMatchesOnlyWholeLabels() {
    HostPattern p = new HostPattern("*.download.windowsupdate.com");
    assertTrue(p.matches("au.download.windowsupdate.com"));
    assertTrue(p.matches("a.b.download.windowsupdate.com"));
    assertFalse(p.matches("download.windowsupdate.com"));
    assertFalse(p.matches("xdownload.windowsupdate.com"));
  }

  @Test
  void upstreamAddressAndPolicyFlagsAreRead() {
    OriginSettings s =
        OriginSettings.fromConfig(
            with("[{name = a, hosts = [\"a.example.net\"], upstream-address = \"127.0.0.1:8081\", share-cache-keys = false, query-in-cache-key = true}]"));
    Origin o = s.originFor("a.example.net").orElseThrow();
    assertEquals(8081, o.upstreamAddress().orElseThrow().getPort());
    assertFalse(o.shareCacheKeys());
    assertTrue(o.queryInCacheKey());
  }

  @Test
  void maxObjectSizeDefaultsToOneTebibyte() {
    Origin o = OriginSettings.fromConfig(with("[{name = a, hosts = [\"a.example.net\"]}]")).origins().get(0);
    assertEquals(1L << 40, o.maxObjectSize());
  }

  @Test
  void maxObjectSizeIsReadAsASize() {
    Origin o =
        OriginSettings.fromConfig(with("[{name = a, hosts = [\"a.example.net\"], max-object-size = 150GiB}]")).origins().get(0);
    assertEquals(150L << 30, o.maxObjectSize());
  }

  @Test
  void maxObjectSizeThatIsZeroNegativeOrNotASizeIsRefusedNamingTheSettingValueAndRule() {
    InvalidSettingException zero = refused("[{name = a, hosts = [\"a.example.net\"], max-object-size = 0}]");
    assertEquals("ispcache.origins[0].max-object-size", zero.setting());
    assertEquals("invalid setting ispcache.origins[0].max-object-size = \"0\": must be positive", zero.getMessage());
    InvalidSettingException negative = refused("[{name = a, hosts = [\"a.example.net\"], max-object-size = -1}]");
    assertEquals("ispcache.origins[0].max-object-size", negative.setting());
    assertEquals("-1", negative.value());
    InvalidSettingException word = refused("[{name = a, hosts = [\"a.example.net\"], max-object-size = huge}]");
    assertEquals("ispcache.origins[0].max-object-size", word.setting());
    assertEquals("huge", word.value());
    assertEquals("must be a size such as 1TiB", word.rule());
    assertEquals("ispcache.origins[1].max-object-size",
        refused("[{name = a, hosts = [\"a.example.net\"]}, {name = b, hosts = [\"b.example.net\"], max-object-size = \"-2GiB\"}]").setting());
  }

  @Test
  void badOriginSettingsAreRefusedNamingTheSetting() {
    assertEquals("ispcache.origins", refused("[]").setting());
    assertEquals("ispcache.origins[0].name", refused("[{name = \"Bad Name\", hosts = [\"a.example.net\"]}]").setting());
    assertEquals("ispcache.origins[1].name", refused("[{name = a, hosts = [\"a.example.net\"]}, {name = a, hosts = [\"b.example.net\"]}]").setting());
    assertEquals("ispcache.origins[0].hosts", refused("[{name = a, hosts = []}]").setting());
    assertEquals("ispcache.origins[0].hosts[1]", refused("[{name = a, hosts = [\"a.example.net\", \"http://x\"]}]").setting());
    assertEquals("ispcache.origins[0].hosts", refused("[{name = a, hosts = [\"*\"]}]").setting(), "* needs upstream-address");
    assertEquals("ispcache.origins[0].upstream-address", refused("[{name = a, hosts = [\"a.example.net\"], upstream-address = \"127.0.0.1\"}]").setting());
    assertEquals("ispcache.origins[0].upstream-address", refused("[{name = a, hosts = [\"a.example.net\"], upstream-address = \"127.0.0.1:99999\"}]").setting());
    assertEquals("ispcache.origins[0].upstream-proxy", refused("[{name = a, hosts = [\"a.example.net\"], upstream-proxy = \"proxy:http\"}]").setting());
  }

  @Test
  void refusalMessageIsOneLineWithSettingValueAndRule() {
    InvalidSettingException e = refused("[{name = a, hosts = [\"a.example.net\"], upstream-address = \"127.0.0.1:0x50\"}]");
    assertEquals(
        "invalid setting ispcache.origins[0].upstream-address = \"127.0.0.1:0x50\": port must be a number 1-65535",
        e.getMessage());
  }

  @Test
  void freshnessIsOriginImmutableOrADurationAndNothingElse() {
    assertEquals(io.ispcache.freshness.Freshness.Policy.ORIGIN,
        OriginSettings.fromConfig(with("[{name = a, hosts = [\"a.example.net\"]}]")).origins().get(0).freshness());
    assertEquals(io.ispcache.freshness.Freshness.Policy.IMMUTABLE,
        OriginSettings.fromConfig(with("[{name = a, hosts = [\"a.example.net\"], freshness = immutable}]")).origins().get(0).freshness());
    assertEquals(java.time.Duration.ofHours(6),
        OriginSettings.fromConfig(with("[{name = a, hosts = [\"a.example.net\"], freshness = 6h}]")).origins().get(0).freshness().ttl());
    assertTrue(refused("[{name = a, hosts = [\"a.example.net\"], freshness = sometimes}]").getMessage().contains("freshness"));
    assertTrue(refused("[{name = a, hosts = [\"a.example.net\"], freshness = -5s}]").getMessage().contains("freshness"));
  }

  @Test
  void theShippedDeliveryOptimizationOriginIsImmutableAndTheTrustListsFollowTheirOrigin() {
    OriginSettings s =
        OriginSettings.fromConfig(
            ConfigFactory.parseFile(new File("../config/origins.conf")).withFallback(ConfigFactory.defaultReference()).resolve());

    assertEquals(io.ispcache.freshness.Freshness.Policy.IMMUTABLE, s.originFor("7.tlu.dl.delivery.mp.microsoft.com").orElseThrow().freshness());
    assertEquals(io.ispcache.freshness.Freshness.Policy.ORIGIN, s.originFor("ctldl.windowsupdate.com").orElseThrow().freshness());
  }
}
