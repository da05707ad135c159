package io.ispcache.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.SerializationTestKit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The membership view's messages cross the network between members: they survive jackson-cbor. */
class MemberHealthMessagesTest {
  static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void membershipMessagesRoundTrip() {
    SerializationTestKit serialization = new SerializationTestKit(kit.system());
    Object[] messages = {
      new MemberHealth.Ask(kit.<MemberHealth.Answer>createTestProbe().getRef()),
      new MemberHealth.Answer(true, List.of(), 12, 340),
      new MemberHealth.Answer(false, List.of("leaving the cluster: new requests are refused, 3 downloads in flight finish"), 0, 0),
      new MemberHealth.Answer(true, List.of(), null, null)
    };
    for (Object m : messages) {
      assertEquals(m, serialization.verifySerialization(m, false));
    }
  }
}
