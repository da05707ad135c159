package io.ispcache.object;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.SerializationTestKit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The messages invalidations and revalidations send across the cluster survive serialization (jackson-cbor). */
class InvalidationMessagesTest {
  static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  /** An object with stored header fields, confirmed once: what revalidation messages carry. */
  static io.ispcache.store.ObjectMeta revalidated() {
    io.ispcache.freshness.ResponseHeaders fields =
        io.ispcache.freshness.ResponseHeaders.fromOrigin(
            List.of(java.util.Map.entry("Cache-Control", "max-age=60"), java.util.Map.entry("Content-Encoding", "gzip")), 1_764_000_000_000L);
    return new io.ispcache.store.ObjectMeta("www.example.org/a", 123, "\"a\"", "Tue, 03 Nov 2026 10:00:00 GMT", "text/plain", 1_764_000_000_000L)
        .validated(fields, 1_764_000_060_000L, 2_000);
  }

  @Test
  void invalidationMessagesRoundTrip() {
    SerializationTestKit serialization = new SerializationTestKit(kit.system());
    Object[] messages = {
      new Invalidations.Invalidate(List.of("www.example.org/a", "www.example.org/b?x=1"), 1_764_000_000_000L, "node-1"),
      new ContentObject.Invalidated("node-1"),
      new ContentObject.RevalidationDone("node-1", revalidated()),
      new ContentObject.RevalidationDone("node-1", null),
      new ContentObject.Validated(revalidated()),
      new ContentObject.Validated(null),
      new ContentObject.YouRevalidate(),
      new ContentObject.Revalidate("0123456789abcdef", 1_764_000_000_000L, 1_764_000_030_000L, "node-1", kit.<ContentObject.Revalidation>createTestProbe().getRef())
    };
    for (Object m : messages) {
      assertEquals(m, serialization.verifySerialization(m, false));
    }
  }
}
