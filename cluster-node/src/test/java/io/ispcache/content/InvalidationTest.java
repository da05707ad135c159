package io.ispcache.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.ispcache.object.ObjectAddress;
import io.ispcache.origin.OriginSettings;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InvalidationTest {
  static final OriginSettings ORIGINS =
      OriginSettings.fromConfig(
          ConfigFactory.parseString(
                  "ispcache.origins = [ { name = web, hosts = [\"*\"], upstream-address = \"127.0.0.1:8081\" },"
                      + " { name = wu, hosts = [\"download.windowsupdate.com\"], methods = [GET, HEAD, POST] } ]")
              .withFallback(ConfigFactory.defaultReference())
              .resolve());

  static ObjectAddress target(String host, String target) {
    return ContentTarget.resolve(ORIGINS, target, Optional.of(host));
  }

  static Set<String> keys(ObjectAddress target, String location, String contentLocation) {
    return Invalidation.keys(ORIGINS, target, Optional.ofNullable(location), Optional.ofNullable(contentLocation));
  }

  @Test
  void aForwardedRequestKeepsItsQueryUpstreamUnderTheSameKey() {
    ObjectAddress wu = ContentTarget.resolveForwarded(ORIGINS, "/upload?id=7&cacheHostOrigin=download.windowsupdate.com", Optional.empty());
    assertEquals("/upload?id=7", wu.pathAndQuery(), "sent with its query, without cacheHostOrigin");
    assertEquals("wu/upload", wu.key(), "the key drops it, as a GET's does for this origin");
    ObjectAddress web = ContentTarget.resolveForwarded(ORIGINS, "/search?q=x", Optional.of("www.example.org"));
    assertEquals("/search?q=x", web.pathAndQuery());
    assertEquals("www.example.org/search?q=x", web.key(), "in reverse-proxy mode the query is in the key");
  }

  @Test
  void onlyNonErrorAnswersToUnsafeMethodsInvalidate() {
    for (String m : List.of("POST", "PUT", "DELETE", "PATCH", "PROPPATCH")) {
      assertTrue(Invalidation.invalidates(m, 200), m);
      assertTrue(Invalidation.invalidates(m, 303), m);
      assertFalse(Invalidation.invalidates(m, 404), m);
      assertFalse(Invalidation.invalidates(m, 503), m);
    }
    for (String m : List.of("GET", "HEAD", "OPTIONS", "TRACE")) {
      assertFalse(Invalidation.invalidates(m, 200), m + " is safe");
    }
  }

  @Test
  void theTargetAndSameHostLocationsAreDroppedUnderTheKeysTheyAreStoredUnder() {
    ObjectAddress t = target("www.example.org", "/a/b/form?x=1");

    assertEquals(
        List.of("www.example.org/a/b/form?x=1", "www.example.org/a/b/created/7", "www.example.org/list"),
        List.copyOf(keys(t, "created/7", "http://WWW.example.org/a/../list")));
  }

  @Test
  void locationsOnAnotherHostAreNeverDropped() {
    ObjectAddress t = target("www.example.org", "/form");

    assertEquals(Set.of("www.example.org/form"), keys(t, "http://other.example.org/x", "//evil.example.net/y"));
    assertEquals(Set.of("www.example.org/form"), keys(t, "mailto:a@www.example.org", "http://[::1/broken"));
  }

  @Test
  void anAllowlistedHostNamedByCacheHostOriginResolvesItsLocationsOnThatHost() {
    ObjectAddress t = ContentTarget.resolve(ORIGINS, "/upload?cacheHostOrigin=download.windowsupdate.com", Optional.of("127.0.0.1"));

    assertEquals(
        List.of("wu/upload", "wu/files/1"), List.copyOf(keys(t, "/files/1", null)));
  }
}
