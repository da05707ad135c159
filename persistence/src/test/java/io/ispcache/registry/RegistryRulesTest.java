package io.ispcache.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Microsoft Connected Cache's cache node rules, through the event-sourced registry on H2. */
class RegistryRulesTest {
  @TempDir static Path dir;
  static RegistryHarness h;

  @BeforeAll
  static void start() throws Exception {
    h = new RegistryHarness(RegistryHarness.h2(dir));
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  @Test
  void fiftyThousandAddressesAreValidFiftyThousandAndOneGoToReview() {
    Customer c = h.customer("Boundary ISP");
    Resource r = h.resource(c, "main");
    // /17 = 32768, /18 = 16384, /22 = 1024, /24 = 256, /25 = 128, /28 = 16, /29 = 8 -> 50,584; build exactly 50,000:
    // 32768 + 16384 + 512 + 256 + 64 + 16 = 50,000
    CacheNode valid = h.node(c, r, "valid", "20.1.1.1", "11.0.0.0/17, 11.0.128.0/18, 11.0.192.0/23, 11.0.194.0/24, 11.0.195.0/26, 11.0.195.64/28");
    assertEquals(50_000, valid.ipv4Addresses());
    assertEquals(IpSpaceStatus.VALID, valid.status());

    CacheNode over = h.node(c, r, "over", "20.1.1.2", "12.0.0.0/17, 12.0.128.0/18, 12.0.192.0/23, 12.0.194.0/24, 12.0.195.0/26, 12.0.195.64/28, 12.0.196.1/32");
    assertEquals(50_001, over.ipv4Addresses());
    assertEquals(IpSpaceStatus.IN_REVIEW, over.status());
  }

  @Test
  void overlappingBlocksWithinOneListAreCountedOnce() {
    Customer c = h.customer("Overlap counting ISP");
    Resource r = h.resource(c, "main");
    CacheNode nested = h.node(c, r, "nested", "20.2.1.1", "13.0.0.0/24, 13.0.0.128/25, 13.0.0.0/24");
    assertEquals(256, nested.ipv4Addresses());
    assertEquals("13.0.0.0/24, 13.0.0.128/25", nested.cidrBlocks(), "a repeated block is kept once");
    assertEquals(IpSpaceStatus.VALID, nested.status());
    CacheNode issue = h.node(c, r, "issue", "20.2.1.2", "14.200.0.0/16, 14.200.5.0/24");
    assertEquals(65_536, issue.ipv4Addresses());
    assertEquals(IpSpaceStatus.IN_REVIEW, issue.status());
  }

  @Test
  void overlapWithOwnNodeIsRefusedButWithAnotherCustomerNeedsAttention() {
    Customer a = h.customer("Customer A");
    Customer b = h.customer("Customer B");
    Resource ra = h.resource(a, "main");
    Resource rb = h.resource(b, "main");
    h.node(a, ra, "first", "20.3.1.1", "14.0.0.0/24");

    Rejection own = h.nodeRefused(a, ra, "second", "20.3.1.2", "14.0.0.128/25");
    assertEquals(409, own.status());
    assertEquals("cidrBlocks", own.field());
    Rejection ownIp = h.nodeRefused(a, ra, "third", "20.3.1.1", "15.0.0.0/24");
    assertEquals(409, ownIp.status());
    assertEquals("serverIp", ownIp.field());

    CacheNode other = h.node(b, rb, "theirs", "20.3.2.1", "14.0.0.0/25");
    assertEquals(IpSpaceStatus.ATTENTION_REQUIRED, other.status());
    assertTrue(other.statusReason().contains("overlaps"), other.statusReason());
  }

  @Test
  void deletingFreesTheSpaceForARecreatedNodeAndForOthersWaitingOnIt() {
    Customer a = h.customer("Deleter A");
    Customer b = h.customer("Deleter B");
    Resource ra = h.resource(a, "main");
    Resource rb = h.resource(b, "main");
    CacheNode first = h.node(a, ra, "gone", "20.4.1.1", "16.0.0.0/24");
    CacheNode waiting = h.node(b, rb, "waiting", "20.4.2.1", "16.0.0.0/24");
    assertEquals(IpSpaceStatus.ATTENTION_REQUIRED, waiting.status());

    h.<akka.Done>ok(rep -> new Registry.DeleteCacheNode(first.id(), "customer", rep));

    assertEquals(IpSpaceStatus.VALID, h.state().nodes().get(waiting.id()).status());
    assertFalse(h.state().nodes().containsKey(first.id()));
    assertEquals(IpSpaceStatus.ATTENTION_REQUIRED, h.node(a, ra, "gone", "20.4.1.1", "16.0.0.0/24").status(), "now B holds it");
  }

  @Test
  void ipv6BlocksAreAcceptedAndCountedInSlash64s() {
    Customer c = h.customer("Six ISP");
    Resource r = h.resource(c, "main");
    CacheNode n = h.node(c, r, "six", "20.6.1.1", "2a01:4f8::/48, 17.0.0.0/24");
    assertEquals("65536", n.ipv6Networks());
    assertEquals(256, n.ipv4Addresses());
    assertEquals(IpSpaceStatus.IN_REVIEW, n.status(), "a /48 is 65,536 /64 networks");
    CacheNode small = h.node(c, r, "sixsmall", "20.6.1.2", "2a01:4f9::/52");
    assertEquals("4096", small.ipv6Networks());
    assertEquals(IpSpaceStatus.VALID, small.status());
  }

  @Test
  void operatorApprovesOrRejectsReviewAndEditsAreEvaluatedAgain() {
    Customer c = h.customer("Review ISP");
    Resource r = h.resource(c, "main");
    CacheNode big = h.node(c, r, "big", "20.5.1.1", "18.0.0.0/15");
    assertEquals(IpSpaceStatus.IN_REVIEW, big.status());

    CacheNode approved = h.<CacheNode>ok(rep -> new Registry.ReviewIpSpace(big.id(), true, null, "operator", rep));
    assertEquals(IpSpaceStatus.VALID, approved.status());
    CacheNode egressOnly = h.<CacheNode>ok(rep -> new Registry.UpdateCacheNode(big.id(), new Registry.NodeChanges(null, null, 5000, null), "customer", rep));
    assertEquals(IpSpaceStatus.VALID, egressOnly.status(), "approval stands while the blocks do");
    CacheNode edited = h.<CacheNode>ok(rep -> new Registry.UpdateCacheNode(big.id(), new Registry.NodeChanges(null, "18.0.0.0/14", null, null), "customer", rep));
    assertEquals(IpSpaceStatus.IN_REVIEW, edited.status(), "new blocks need a new review");

    Rejection noReason = h.<CacheNode>refused(rep -> new Registry.ReviewIpSpace(big.id(), false, " ", "operator", rep));
    assertEquals("reason", noReason.field());
    CacheNode rejected = h.<CacheNode>ok(rep -> new Registry.ReviewIpSpace(big.id(), false, "not your space", "operator", rep));
    assertEquals(IpSpaceStatus.ATTENTION_REQUIRED, rejected.status());
    assertTrue(rejected.statusReason().contains("not your space"));

    var history = h.state().history().get(big.id());
    assertEquals("created", history.get(0).change());
    assertTrue(history.stream().anyMatch(e -> e.change().equals("IP space approved") && e.actor().equals("operator")));
    assertTrue(history.stream().anyMatch(e -> e.change().contains("maxEgressMbps 1000 -> 5000")));
  }

  @Test
  void everyCreationErrorNamesItsField() {
    Customer c = h.customer("Errors ISP");
    Resource r = h.resource(c, "main");
    h.node(c, r, "taken", null, null);
    assertEquals("name", h.nodeRefused(c, r, "taken", null, null).field());
    assertEquals("name", h.nodeRefused(c, r, "has space", null, null).field());
    assertEquals("name", h.nodeRefused(c, r, "", null, null).field());
    assertEquals("cidrBlocks", h.nodeRefused(c, r, "bad1", null, "1.2.3.0").field());
    assertEquals("cidrBlocks", h.nodeRefused(c, r, "bad2", null, "1.2.3.0/33").field());
    assertEquals("cidrBlocks", h.nodeRefused(c, r, "bad3", null, "1.2.3.4/24").field());
    assertEquals("cidrBlocks", h.nodeRefused(c, r, "bad4", null, "1.2.3.0/24,,4.5.6.0/24").field());
    assertEquals("serverIp", h.nodeRefused(c, r, "bad5", "10.0.0.1", null).field());
    assertEquals("serverIp", h.nodeRefused(c, r, "bad6", "224.0.0.1", null).field());
    assertEquals("serverIp", h.nodeRefused(c, r, "bad7", "not-an-ip", null).field());
    assertEquals("serverIp", h.nodeRefused(c, r, "bad8", "20.0.0.0/24", null).field());
    assertEquals("serverIp", h.nodeRefused(c, r, "bad10", "2a00:1450:4001::1", null).field());
    assertEquals(404, h.nodeRefused(c, new Resource("nope", c.id(), "x"), "bad9", null, null).status());
    CacheNode bare = h.node(c, r, "bare", null, null);
    assertNull(bare.serverIp());
    assertFalse(bare.routable(), "a node without server IP or blocks receives no traffic");
  }
}
