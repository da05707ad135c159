package io.ispcache.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.pattern.StatusReply;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The purge commands, event and state through the event-sourced behaviour test kit, which also
 * round-trips each of them through the CBOR serializer (journal and network use the same).
 */
class RegistryPurgeEventsTest {
  static ActorTestKit kit;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create(
        EventSourcedBehaviorTestKit.config()
            .withFallback(ConfigFactory.defaultReference())
            .resolve());
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void recordedPurgeIsOneSerializableEventAndPartOfTheState() {
    EventSourcedBehaviorTestKit<Registry.Command, Registry.Event, RegistryState> registry =
        EventSourcedBehaviorTestKit.create(kit.system(), Registry.create(s -> {}, false));

    var first = registry.<StatusReply<Purge>>runCommand(r -> new Registry.RecordPurge("http://h.example/a/", "h.example/a/", true, "operator", r));
    Purge recorded = first.reply().getValue();
    assertEquals(new Registry.PurgeRecorded(recorded), first.event());
    assertEquals(List.of(recorded), first.state().purges());
    assertTrue(recorded.prefix());

    var listed = registry.<StatusReply<Registry.PurgeList>>runCommand(r -> new Registry.ListPurges(0, 10, r));
    assertTrue(listed.hasNoEvents());
    assertEquals(new Registry.PurgeList(List.of(recorded), 1), listed.reply().getValue());

    registry.restart();
    assertEquals(List.of(recorded), registry.getState().purges(), "rebuilt from the event");
  }

  @Test
  void snapshotWrittenBeforePurgesExistedReadsAsNoPurges() throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper cbor =
        akka.serialization.jackson.JacksonObjectMapperProvider.get(kit.system()).getOrCreate("jackson-cbor", java.util.Optional.empty());
    byte[] old = cbor.writeValueAsBytes(java.util.Map.of("customers", java.util.Map.of(), "resources", java.util.Map.of(),
        "nodes", java.util.Map.of(), "history", java.util.Map.of()));
    RegistryState read = cbor.readValue(old, RegistryState.class);
    assertEquals(List.of(), read.purges());
    assertEquals(0, read.lastPurge());
  }
}
