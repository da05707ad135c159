package io.ispcache.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.ispcache.origin.OriginSettings;
import java.io.File;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A purge names the very key a client's request for the same URL is stored under. */
class PurgeKeysTest {
  static final OriginSettings SHIPPED =
      OriginSettings.fromConfig(
          ConfigFactory.parseFile(new File("../config/origins.conf")).withFallback(ConfigFactory.defaultReference()).resolve());
  static final PurgeKeys KEYS = new PurgeKeys(SHIPPED);

  /** The key of a client's request that names the origin by its Host header. */
  static String clientKey(String host, String path, String query) {
    return ContentTarget.resolve(SHIPPED, query == null ? path : path + "?" + query, Optional.of(host)).key();
  }

  @Test
  void purgeKeyIsTheKeyOfTheClientsRequestForTheSameUrl() {
    assertEquals(clientKey("download.windowsupdate.com", "/c/msdownload/x.cab", null),
        KEYS.cacheKey("download.windowsupdate.com", "/c/msdownload/x.cab", null));
    assertEquals(clientKey("au.download.windowsupdate.com", "/c/msdownload/x.cab", "p=1"),
        KEYS.cacheKey("au.download.windowsupdate.com", "/c/msdownload/x.cab", "p=1"));
    assertEquals(clientKey("ctldl.windowsupdate.com", "/msdownload/update/v3/static/trustedr/en/authrootstl.cab", null),
        KEYS.cacheKey("CTLDL.windowsupdate.com", "/msdownload/update/v3/static/trustedr/en/authrootstl.cab", null));
  }

  @Test
  void hostOffTheAllowlistOrABadPathIsRefusedWithASentence() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KEYS.cacheKey("evil.example.com", "/x.cab", null));
    assertTrue(e.getMessage().contains("allowlist"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> KEYS.cacheKey("download.windowsupdate.com", "/" + "a".repeat(5000), null));
  }
}
