package io.ispcache.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * IP-space arbitration between customers as sequences of steps, with the expected status of every
 * node after each step, on embedded H2 and on PostgreSQL. After every step, whatever a customer
 * can read about its nodes (status reason, history actors) names no other customer's blocks or ids.
 */
class RegistryArbitrationTest {
  static final String V = "VALID";
  static final String R = "IN_REVIEW";
  static final String A = "ATTENTION_REQUIRED";

  /** One step: what happens, and then every node's status ("gone" once deleted). */
  record Step(String what, Consumer<World> action, String expected) {}

  static Step step(String what, Consumer<World> action, String expected) {
    return new Step(what, action, expected);
  }

  /** Customers and nodes of one scenario by their labels (node "b2" belongs to customer "B"). */
  static final class World {
    static final AtomicInteger SERVER = new AtomicInteger();
    final RegistryHarness h;
    final String scenario;
    final Map<String, Customer> customers = new HashMap<>();
    final Map<String, Resource> resources = new HashMap<>();
    final Map<String, String> nodes = new LinkedHashMap<>();

    World(RegistryHarness h, String scenario) {
      this.h = h;
      this.scenario = scenario;
    }

    Customer customer(String label) {
      return customers.computeIfAbsent(label, l -> {
        Customer c = h.customer(scenario + " " + l + " " + System.nanoTime());
        resources.put(l, h.resource(c, "main"));
        return c;
      });
    }

    static String actor(Customer c) {
      return "customer:" + c.id();
    }

    String owner(String node) {
      return node.substring(0, 1).toUpperCase();
    }

    CacheNode create(String node, String cidrs) {
      Customer c = customer(owner(node));
      int n = SERVER.incrementAndGet();
      String ip = "20.99." + (n / 250) + "." + (1 + n % 250);
      CacheNode created = h.<CacheNode>ok(r -> new Registry.CreateCacheNode(
          new Registry.NodeSpec(c.id(), resources.get(owner(node)).id(), node, ip, cidrs, 1000, true, null), "hash", actor(c), r));
      nodes.put(node, created.id());
      return created;
    }

    Rejection createRefused(String node, String cidrs) {
      Customer c = customer(owner(node));
      return h.<CacheNode>refused(r -> new Registry.CreateCacheNode(
          new Registry.NodeSpec(c.id(), resources.get(owner(node)).id(), node, null, cidrs, 1000, true, null), "hash", actor(c), r));
    }

    CacheNode edit(String node, Registry.NodeChanges changes) {
      Customer c = customers.get(owner(node));
      return h.<CacheNode>ok(r -> new Registry.UpdateCacheNode(nodes.get(node), changes, actor(c), r));
    }

    void delete(String node) {
      Customer c = customers.get(owner(node));
      h.<akka.Done>ok(r -> new Registry.DeleteCacheNode(nodes.get(node), actor(c), r));
    }

    void review(String node, boolean approve) {
      h.<CacheNode>ok(r -> new Registry.ReviewIpSpace(nodes.get(node), approve, approve ? null : "not this customer's space", "operator", r));
    }
  }

  static Registry.NodeChanges enabled(boolean on) {
    return new Registry.NodeChanges(null, null, null, on);
  }

  static Registry.NodeChanges egress(int mbps) {
    return new Registry.NodeChanges(null, null, mbps, null);
  }

  static Registry.NodeChanges blocks(String cidrs) {
    return new Registry.NodeChanges(null, cidrs, null, null);
  }

  static void run(RegistryHarness h, String scenario, List<Step> steps) {
    World w = new World(h, scenario);
    for (Step s : steps) {
      s.action().accept(w);
      RegistryState state = h.state();
      for (String pair : s.expected().split(",\\s*")) {
        String[] kv = pair.split("=");
        CacheNode n = state.nodes().get(w.nodes.get(kv[0]));
        String actual = n == null ? "gone" : n.status().name();
        assertEquals(kv[1], actual, scenario + ", after \"" + s.what() + "\": node " + kv[0] + " (" + (n == null ? "" : n.statusReason()) + ")");
      }
      assertNothingDisclosed(w, state, scenario + ", after \"" + s.what() + "\"");
    }
  }

  /** What a customer reads of its own nodes names no other customer's id or blocks. */
  static void assertNothingDisclosed(World w, RegistryState state, String where) {
    for (CacheNode n : state.nodes().values()) {
      List<String> foreign = new ArrayList<>();
      for (CacheNode other : state.nodes().values()) {
        if (!other.customerId().equals(n.customerId())) {
          foreign.add(other.customerId());
          foreign.add(other.id());
          for (String block : other.cidrBlocks().split(",\\s*")) {
            if (!block.isEmpty() && !List.of(n.cidrBlocks().split(",\\s*")).contains(block)) {
              foreign.add(block);
            }
          }
        }
      }
      String reason = n.statusReason() == null ? "" : n.statusReason();
      for (String f : foreign) {
        assertFalse(reason.contains(f), where + ": the reason of " + n.name() + " discloses " + f + ": " + reason);
      }
      for (HistoryEntry e : state.history().getOrDefault(n.id(), List.of())) {
        assertTrue(
            e.actor().equals("operator") || e.actor().equals(HistoryEntry.REGISTRY) || e.actor().equals("customer:" + n.customerId()),
            where + ": history of " + n.name() + " shows actor " + e.actor());
        if (e.actor().equals(HistoryEntry.REGISTRY)) {
          // The customer's own entries quote its own edits; the registry's must not quote others.
          for (String f : foreign) {
            assertFalse(e.change().contains(f), where + ": history of " + n.name() + " discloses " + f + ": " + e.change());
          }
        }
      }
    }
  }

  abstract static class Scenarios {
    abstract RegistryHarness h();

    @Test
    void aHolderKeepsItsSpaceThroughEditsAndWaitingNodesTakeItInTheOrderTheyAsked() {
      run(h(), "holder", List.of(
          step("A registers a /24", w -> w.create("a1", "2.21.234.0/24"), "a1=" + V),
          step("B registers a /25 inside it", w -> w.create("b1", "2.21.234.128/25"), "a1=" + V + ", b1=" + A),
          step("A disables its node", w -> w.edit("a1", enabled(false)), "a1=" + V + ", b1=" + A),
          step("A enables its node", w -> w.edit("a1", enabled(true)), "a1=" + V + ", b1=" + A),
          step("A changes its egress", w -> w.edit("a1", egress(5000)), "a1=" + V + ", b1=" + A),
          step("A adds a block", w -> w.edit("a1", blocks("2.21.234.0/24, 2.21.235.0/24")), "a1=" + V + ", b1=" + A),
          step("A sends the same blocks in another order", w -> w.edit("a1", blocks("2.21.235.0/24,2.21.234.0/24")), "a1=" + V + ", b1=" + A),
          step("A sends the same blocks with a repeat while disabling, then enables", w -> {
            CacheNode before = w.h.state().nodes().get(w.nodes.get("a1"));
            CacheNode after = w.edit("a1", new Registry.NodeChanges(null, "2.21.234.0/24, 2.21.235.0/24, 2.21.234.0/24", null, false));
            assertEquals(before.requestedAt(), after.requestedAt(), "the same blocks are not asked for again");
            assertEquals(before.cidrBlocks(), after.cidrBlocks());
            w.edit("a1", enabled(true));
          }, "a1=" + V + ", b1=" + A),
          step("an operator rejects B", w -> w.review("b1", false), "a1=" + V + ", b1=" + A),
          step("A changes its egress again", w -> w.edit("a1", egress(6000)), "a1=" + V + ", b1=" + A),
          step("C asks for the same /25", w -> w.create("c1", "2.21.234.128/25"), "a1=" + V + ", b1=" + A + ", c1=" + A),
          step("B asks again with other blocks, after C", w -> w.edit("b1", blocks("2.21.234.128/26")), "a1=" + V + ", b1=" + A + ", c1=" + A),
          step("A gives up the /24 by a block edit", w -> w.edit("a1", blocks("2.21.235.0/24")), "a1=" + V + ", b1=" + A + ", c1=" + V),
          step("the operator's view of B's conflict names C's node now", w -> {
            String conflict = w.h.state().nodes().get(w.nodes.get("b1")).conflict();
            assertTrue(conflict.contains(w.nodes.get("c1")) && conflict.contains(w.customers.get("C").id()), conflict);
          }, "a1=" + V + ", b1=" + A + ", c1=" + V),
          step("C deletes its node", w -> w.delete("c1"), "a1=" + V + ", b1=" + V + ", c1=gone"),
          step("A asks for the /24 again", w -> w.edit("a1", blocks("2.21.234.0/24")), "a1=" + A + ", b1=" + V),
          step("B deletes its node", w -> w.delete("b1"), "a1=" + V + ", b1=gone")));
    }

    @Test
    void spaceInReviewWaitingOrRejectedHoldsNothing() {
      run(h(), "holds nothing", List.of(
          step("A asks for a /15 (review)", w -> w.create("a1", "50.0.0.0/15"), "a1=" + R),
          step("B registers a /24 inside it", w -> w.create("b1", "50.0.1.0/24"), "a1=" + R + ", b1=" + V),
          step("C registers the same /24", w -> w.create("c1", "50.0.1.0/24"), "a1=" + R + ", b1=" + V + ", c1=" + A),
          step("D registers the same /24", w -> w.create("d1", "50.0.1.0/24"), "a1=" + R + ", b1=" + V + ", c1=" + A + ", d1=" + A),
          step("an operator rejects C", w -> w.review("c1", false), "a1=" + R + ", b1=" + V + ", c1=" + A + ", d1=" + A),
          step("B deletes: D, the first still waiting, takes it", w -> w.delete("b1"), "a1=" + R + ", b1=gone, c1=" + A + ", d1=" + V),
          step("an operator rejects D: nobody waits", w -> w.review("d1", false), "a1=" + R + ", c1=" + A + ", d1=" + A),
          step("E registers the /24 over rejected space", w -> w.create("e1", "50.0.1.0/24"), "a1=" + R + ", c1=" + A + ", d1=" + A + ", e1=" + V),
          step("an operator approves A's overlap; E is not demoted", w -> w.review("a1", true), "a1=" + V + ", e1=" + V),
          step("F asks for space inside A's approved /15", w -> w.create("f1", "50.1.0.0/24"), "a1=" + V + ", e1=" + V + ", f1=" + A)));
    }

    @Test
    void aSquatterOnTheSlashOnesIsRefusedAndNobodyElseIsHeldBack() {
      run(h(), "squatter", List.of(
          step("A registers a /24", w -> w.create("a1", "60.0.0.0/24"), "a1=" + V),
          step("C asks for 0.0.0.0/1 and 128.0.0.0/1", w -> {
            Rejection r = w.createRefused("c1", "0.0.0.0/1, 128.0.0.0/1");
            assertEquals(400, r.status());
            assertEquals("cidrBlocks", r.field());
            assertTrue(r.message().contains("ceiling"), r.message());
          }, "a1=" + V),
          step("C asks for a whole /8 (at the ceiling): review", w -> w.create("c2", "61.0.0.0/8"), "a1=" + V + ", c2=" + R),
          step("C asks for one more /24: past the ceiling", w -> assertEquals(400, w.createRefused("c3", "62.0.0.0/24").status()), "c2=" + R),
          step("B registers inside C's /8", w -> w.create("b1", "61.0.1.0/24"), "a1=" + V + ", b1=" + V + ", c2=" + R),
          step("A edits its blocks", w -> w.edit("a1", blocks("60.0.0.0/24, 60.0.1.0/24")), "a1=" + V + ", b1=" + V),
          step("an operator rejects C", w -> w.review("c2", false), "a1=" + V + ", b1=" + V + ", c2=" + A),
          step("B registers more inside the rejected /8", w -> w.create("b2", "61.0.2.0/24"), "b1=" + V + ", b2=" + V + ", c2=" + A)));
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class OnH2 extends Scenarios {
    Path dir;
    RegistryHarness h;

    @BeforeAll
    void start() throws Exception {
      dir = Files.createTempDirectory("arbitration-h2");
      h = new RegistryHarness(RegistryHarness.h2(dir));
    }

    @AfterAll
    void stop() {
      h.close();
    }

    @Override
    RegistryHarness h() {
      return h;
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class OnPostgreSql extends Scenarios {
    String db;
    RegistryHarness h;

    @BeforeAll
    void start() throws Exception {
      db = RegistryHarness.createPostgresDatabase();
      h = new RegistryHarness(RegistryHarness.postgres(db));
    }

    @AfterAll
    void stop() throws Exception {
      h.close();
      RegistryHarness.dropPostgresDatabase(db);
    }

    @Override
    RegistryHarness h() {
      return h;
    }
  }

}
