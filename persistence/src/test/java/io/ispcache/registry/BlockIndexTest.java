package io.ispcache.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import inet.ipaddr.IPAddress;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The index of IP space answers every question of the registry's rules exactly as the scan over
 * all nodes that it replaced: which holder an overlapping request waits on (and what its customer
 * and operators are told), which own node a block collides with, and how much space a customer's
 * nodes cover. Random nodes are put, replaced and removed in small address ranges, so blocks nest,
 * repeat and sit side by side, in both families; the scans below are the rules as they were.
 */
class BlockIndexTest {
  private static final List<String> CUSTOMERS = List.of("c0", "c1", "c2");

  /** A change to the registry's nodes: put {@code node} (replacing its id) or remove its id. */
  record Change(CacheNode node, boolean remove) {}

  @Property(tries = 400)
  void evaluationWaitsOnTheHolderTheScanFinds(
      @ForAll("changes") List<Change> changes, @ForAll("blockLists") List<IPAddress> mine, @ForAll("ids") String nodeId,
      @ForAll("customers") String customerId) {
    RegistryState state = apply(changes);
    net.jqwik.api.statistics.Statistics.label("status").collect(scanEvaluate(state.nodes(), nodeId, customerId, mine).status());
    assertEquals(scanEvaluate(state.nodes(), nodeId, customerId, mine), NodeRules.evaluate(state, nodeId, customerId, mine, false));
  }

  @Property(tries = 400)
  void ownBlocksCollideWhereTheScanFindsACollision(
      @ForAll("changes") List<Change> changes, @ForAll("blockLists") List<IPAddress> mine, @ForAll("ids") String nodeId,
      @ForAll("customers") String customerId) {
    RegistryState state = apply(changes);
    List<String> collisions = scanOwnCollisions(state.nodes(), nodeId, customerId, mine);
    if (collisions.isEmpty()) {
      NodeRules.checkOwnBlocks(state, nodeId, customerId, mine);
    } else {
      Rejection.RejectedException e =
          assertThrows(Rejection.RejectedException.class, () -> NodeRules.checkOwnBlocks(state, nodeId, customerId, mine));
      String message = e.rejection.encode();
      // The scan met the nodes in the map's (unspecified) order; the index names the first in asking order.
      assertEquals(1, collisions.stream().filter(message::contains).count(), message + " names one of " + collisions);
    }
  }

  @Property(tries = 400)
  void aCustomersSpaceIsCountedAsTheMergedBlocksCountIt(
      @ForAll("changes") List<Change> changes, @ForAll("blockLists") List<IPAddress> mine, @ForAll("ids") String nodeId,
      @ForAll("customers") String customerId) {
    RegistryState state = apply(changes);
    List<IPAddress> all = new ArrayList<>(mine);
    for (CacheNode other : state.nodes().values()) {
      if (!other.id().equals(nodeId) && other.customerId().equals(customerId)) {
        all.addAll(CidrBlocks.parseStored(other.cidrBlocks()));
      }
    }
    long v4 = CidrBlocks.ipv4Addresses(all);
    BigInteger v6 = CidrBlocks.ipv6Networks(all);
    IpSpaceCeiling exact = new IpSpaceCeiling(Math.max(1, v4), v6.max(BigInteger.ONE));
    NodeRules.checkCeiling(state, nodeId, customerId, mine, exact);
    if (v4 > 1) {
      assertThrows(Rejection.RejectedException.class,
          () -> NodeRules.checkCeiling(state, nodeId, customerId, mine, new IpSpaceCeiling(v4 - 1, v6.max(BigInteger.ONE))));
    }
    if (v6.compareTo(BigInteger.ONE) > 0) {
      assertThrows(Rejection.RejectedException.class,
          () -> NodeRules.checkCeiling(state, nodeId, customerId, mine, new IpSpaceCeiling(Math.max(1, v4), v6.subtract(BigInteger.ONE))));
    }
  }

  @Property(tries = 300)
  void indexKeptThroughChangesAnswersAsOneBuiltAfresh(
      @ForAll("changes") List<Change> changes, @ForAll("blockLists") List<IPAddress> mine, @ForAll("customers") String customerId) {
    RegistryState kept = apply(changes);
    RegistryState fresh = new RegistryState(Map.of(), Map.of(), new HashMap<>(kept.nodes()), Map.of(), List.of());
    for (IPAddress block : mine) {
      assertEquals(
          fresh.indexedNodes().held().first(block, n -> true), kept.indexedNodes().held().first(block, n -> true), block.toString());
    }
    assertEquals(fresh.indexedNodes().space(customerId).ipv4Addresses(), kept.indexedNodes().space(customerId).ipv4Addresses());
    assertEquals(fresh.indexedNodes().space(customerId).ipv6Networks(), kept.indexedNodes().space(customerId).ipv6Networks());
  }

  @Property(tries = 300)
  void serverIpsAndNamesAreFoundAsTheScanFindsThem(
      @ForAll("changes") List<Change> changes, @ForAll("serverIps") String serverIp, @ForAll("ids") String name) {
    RegistryState state = apply(changes);
    List<String> withIp = state.nodes().values().stream().filter(n -> serverIp.equals(n.serverIp())).map(CacheNode::id).sorted().toList();
    assertEquals(withIp, state.indexedNodes().withServerIp(serverIp).stream().sorted().toList());
    String asked = "NAME" + name + "Z"; // names are compared without case
    List<String> named = state.nodes().values().stream()
        .filter(n -> n.resourceId().equals("r") && n.name().equalsIgnoreCase(asked)).map(CacheNode::id).sorted().toList();
    assertEquals(named, state.indexedNodes().named("r", asked).stream().sorted().toList());
    assertEquals(List.of(), state.indexedNodes().named("other", asked));
  }

  @Test
  void wholeAddressSpacesAreCounted() {
    BlockIndex all = BlockIndex.EMPTY.with(List.of(IpText.block("0.0.0.0/0"), IpText.block("::/0")), null);
    assertEquals(1L << 32, all.ipv4Addresses());
    assertEquals(BigInteger.ONE.shiftLeft(64), all.ipv6Networks());
    BlockIndex halves = BlockIndex.EMPTY.with(List.of(IpText.block("::/1"), IpText.block("8000::/1")), null);
    assertEquals(BigInteger.ONE.shiftLeft(64), halves.ipv6Networks());
    BlockIndex oneHalf = BlockIndex.EMPTY.with(List.of(IpText.block("8000::/1"), IpText.block("::/2")), null);
    assertEquals(BigInteger.ONE.shiftLeft(63).add(BigInteger.ONE.shiftLeft(62)), oneHalf.ipv6Networks());
    assertNull(all.first(IpText.block("10.0.0.0/8"), n -> true), "blocks added only to count name no node");
  }

  // --- the rules as scans over every node, as they were before the index ---------------------------

  static NodeRules.Evaluation scanEvaluate(Map<String, CacheNode> nodes, String nodeId, String customerId, List<IPAddress> blocks) {
    long v4 = CidrBlocks.ipv4Addresses(blocks);
    BigInteger v6 = CidrBlocks.ipv6Networks(blocks);
    List<CacheNode> holders = new ArrayList<>();
    for (CacheNode other : nodes.values()) {
      if (!other.id().equals(nodeId) && !other.customerId().equals(customerId) && other.holdsSpace()) {
        holders.add(other);
      }
    }
    holders.sort(NodeRules.ASKING_ORDER);
    for (CacheNode holder : holders) {
      for (IPAddress mine : blocks) {
        for (IPAddress theirs : CidrBlocks.parseStored(holder.cidrBlocks())) {
          if (CidrBlocks.overlap(mine, theirs)) {
            return new NodeRules.Evaluation(
                IpSpaceStatus.ATTENTION_REQUIRED,
                mine.toCanonicalString() + " overlaps IP space another customer holds; the node waits until that space is"
                    + " freed or an operator approves it",
                mine.toCanonicalString() + " overlaps " + theirs.toCanonicalString() + " of cache node " + holder.name()
                    + " (" + holder.id() + ") of customer " + holder.customerId(),
                v4,
                v6);
          }
        }
      }
    }
    if (v4 > NodeRules.VALID_LIMIT || v6.compareTo(BigInteger.valueOf(NodeRules.VALID_LIMIT)) > 0) {
      return new NodeRules.Evaluation(
          IpSpaceStatus.IN_REVIEW, "more than " + NodeRules.VALID_LIMIT + " addresses (IPv4) or /64 networks (IPv6): waits for an operator",
          null, v4, v6);
    }
    return new NodeRules.Evaluation(IpSpaceStatus.VALID, null, null, v4, v6);
  }

  /** Every "block X is already used by cache node Y" the old scan could have answered. */
  static List<String> scanOwnCollisions(Map<String, CacheNode> nodes, String nodeId, String customerId, List<IPAddress> blocks) {
    List<String> found = new ArrayList<>();
    for (IPAddress mine : blocks) {
      for (CacheNode other : nodes.values()) {
        if (other.id().equals(nodeId) || !other.customerId().equals(customerId)) {
          continue;
        }
        for (IPAddress theirs : CidrBlocks.parseStored(other.cidrBlocks())) {
          if (CidrBlocks.overlap(mine, theirs)) {
            found.add("CIDR block " + mine.toCanonicalString() + " is already used by cache node " + other.name());
          }
        }
      }
    }
    return found.stream().distinct().sorted(Comparator.naturalOrder()).toList();
  }

  // --- generators --------------------------------------------------------------------------------

  static RegistryState apply(List<Change> changes) {
    RegistryState s = RegistryState.empty();
    for (Change c : changes) {
      s = c.remove() ? s.withoutNode(c.node().id()) : s.withNode(c.node(), new HistoryEntry(Instant.EPOCH, "test", "put", null));
    }
    return s;
  }

  @Provide
  Arbitrary<String> ids() {
    return Arbitraries.integers().between(0, 15).map(i -> "n" + i);
  }

  @Provide
  Arbitrary<String> serverIps() {
    return Arbitraries.integers().between(1, 4).map(i -> "20.0.0." + i);
  }

  @Provide
  Arbitrary<String> customers() {
    return Arbitraries.of(CUSTOMERS);
  }

  /**
   * Blocks in 10.0.0.0/16 and 2001:db8::/32, their bits mostly zeros (each one with probability
   * 1/4), so that blocks nest, repeat and sit side by side often.
   */
  @Provide
  Arbitrary<IPAddress> blocks() {
    Arbitrary<Long> sparse = Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as((a, b) -> a & b);
    Arbitrary<IPAddress> v4 = Combinators.combine(sparse, Arbitraries.integers().between(14, 30))
        .as((bits, len) -> (IPAddress) new IPv4Address((10 << 24) | (int) (bits >>> 48), len).toPrefixBlock());
    Arbitrary<IPAddress> v6 = Combinators.combine(sparse, Arbitraries.integers().between(36, 72))
        .as((bits, len) -> {
          byte[] bytes = new byte[16];
          long hi = 0x20010db800000000L | (bits >>> 32); // 2001:db8: then 32 sparse bits up to /64
          long lo = bits << 32; // and 32 more past it
          for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (hi >>> (56 - 8 * i));
            bytes[8 + i] = (byte) (lo >>> (56 - 8 * i));
          }
          return (IPAddress) new IPv6Address(bytes, len).toPrefixBlock();
        });
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, v4), net.jqwik.api.Tuple.of(1, v6));
  }

  @Provide
  Arbitrary<List<IPAddress>> blockLists() {
    return blocks().list().ofMinSize(0).ofMaxSize(4).uniqueElements();
  }

  @Provide
  Arbitrary<List<Change>> changes() {
    Arbitrary<CacheNode> nodes = Combinators.combine(
            ids(), customers(), blockLists(), Arbitraries.of(IpSpaceStatus.values()), Arbitraries.integers().between(0, 5),
            Arbitraries.of(true, false), serverIps().injectNull(0.3), ids())
        .as((id, customer, blocks, status, asked, legacy, serverIp, name) -> new CacheNode(
            id, customer, "r", "name" + name + "z", serverIp, CidrBlocks.canonical(blocks), 0, true, List.of(), status, null, false, 0, "0", "h",
            Instant.ofEpochSecond(asked), null, legacy ? null : Instant.ofEpochSecond(5 - asked)));
    Arbitrary<Change> change = Combinators.combine(nodes, Arbitraries.integers().between(0, 4)).as((n, r) -> new Change(n, r == 0));
    return change.list().ofMinSize(0).ofMaxSize(30);
  }
}
