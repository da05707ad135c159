package io.ispcache.object;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.SerializationTestKit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The messages an invalidation sends across the cluster survive serialization (jackson-cbor). */
class InvalidationMessagesTest {
  static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void invalidationMessagesRoundTrip() {
    SerializationTestKit serialization = new SerializationTestKit(kit.system());
    Object[] messages = {
      new Invalidations.Invalidate(List.of("www.example.org/a", "www.example.org/b?x=1"), 1_764_000_000_000L, "node-1"),
      new ContentObject.Invalidated("node-1")
    };
    for (Object m : messages) {
      assertEquals(m, serialization.verifySerialization(m, false));
    }
  }
}
