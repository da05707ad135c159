package io.ispcache.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.pattern.StatusReply;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Deleting a cache node leaves a tombstone: who owned it, its name, who deleted it and when, and
 * its history ending in the deletion, also after a restart and in a snapshot (CBOR round trips
 * by the test kit).
 */
class RegistryTombstoneTest {
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
  void aDeletedNodeKeepsItsOwnerAndHistoryEndingInTheDeletion() {
    EventSourcedBehaviorTestKit<Registry.Command, Registry.Event, RegistryState> registry =
        EventSourcedBehaviorTestKit.create(kit.system(), Registry.create(s -> {}, false));
    Customer customer = registry.<StatusReply<Customer>>runCommand(r -> new Registry.CreateCustomer("Tomb ISP", "operator", r)).reply().getValue();
    Resource resource = registry.<StatusReply<Resource>>runCommand(r -> new Registry.CreateResource(customer.id(), "main", "customer:" + customer.id(), r)).reply().getValue();
    Registry.NodeSpec spec = new Registry.NodeSpec(customer.id(), resource.id(), "tomb1", null, null, null, null, null);
    CacheNode node = registry.<StatusReply<CacheNode>>runCommand(r -> new Registry.CreateCacheNode(spec, "hash", "customer:" + customer.id(), r)).reply().getValue();

    var deleted = registry.<StatusReply<Done>>runCommand(r -> new Registry.DeleteCacheNode(node.id(), "operator", r));
    assertEquals(Done.getInstance(), deleted.reply().getValue());
    for (RegistryState s : List.of(deleted.state(), restarted(registry))) {
      assertFalse(s.nodes().containsKey(node.id()));
      DeletedNode tomb = s.deletedNode(node.id()).orElseThrow();
      assertEquals(customer.id(), tomb.customerId());
      assertEquals("tomb1", tomb.name());
      assertEquals("operator", tomb.deletedBy());
      List<HistoryEntry> history = s.history().get(node.id());
      assertEquals(List.of("created", "deleted"), history.stream().map(HistoryEntry::change).toList());
      assertEquals("operator", history.get(1).actor());
      assertEquals(tomb.deletedAt(), history.get(1).at());
    }
  }

  private static RegistryState restarted(EventSourcedBehaviorTestKit<Registry.Command, Registry.Event, RegistryState> registry) {
    registry.restart();
    return registry.getState();
  }

  @Test
  void snapshotWrittenBeforeTombstonesExistedReadsAsNone() throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper cbor =
        akka.serialization.jackson.JacksonObjectMapperProvider.get(kit.system()).getOrCreate("jackson-cbor", java.util.Optional.empty());
    byte[] old = cbor.writeValueAsBytes(Map.of("customers", Map.of(), "resources", Map.of(), "nodes", Map.of(), "history", Map.of(), "purges", List.of()));
    assertEquals(Map.of(), cbor.readValue(old, RegistryState.class).deleted());
  }
}
