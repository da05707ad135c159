package io.ispcache.registry;

import inet.ipaddr.IPAddress;
import java.math.BigInteger;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The cache node rules of Microsoft Connected Cache and the arbitration of IP space between
 * customers, as pure functions over the state. Space is held by VALID nodes (operator-approved
 * space is VALID); a later overlapping request of another customer waits as ATTENTION_REQUIRED and
 * never takes the space from its holder. Space IN_REVIEW, ATTENTION_REQUIRED or rejected holds
 * nothing.
 */
final class NodeRules {
  static final long VALID_LIMIT = 50_000;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]{1,64}");

  /** Parsed block lists of stored nodes, so overlap checks over all IP space do not re-parse them. */
  private static final java.util.Map<String, List<IPAddress>> PARSED = new java.util.concurrent.ConcurrentHashMap<>();

  /** Oldest request first; the id breaks ties so every replay picks the same order. */
  static final Comparator<CacheNode> ASKING_ORDER = Comparator.comparing(CacheNode::askedAt).thenComparing(CacheNode::id);

  private NodeRules() {}

  static List<IPAddress> stored(String canonicalBlocks) {
    if (PARSED.size() > 200_000) {
      PARSED.clear();
    }
    return PARSED.computeIfAbsent(canonicalBlocks, CidrBlocks::parseStored);
  }

  static String checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw Rejection.badRequest("name", "the name must be 1-64 letters or digits, without spaces");
    }
    return name;
  }

  /**
   * The evaluated IP space of {@code blocks} for a node of {@code customerId}: {@code reason} is for
   * the customer, {@code conflict} for operators only.
   */
  record Evaluation(IpSpaceStatus status, String reason, String conflict, long ipv4, BigInteger ipv6) {}

  static Evaluation evaluate(
      RegistryState state, String nodeId, String customerId, List<IPAddress> blocks, boolean approved) {
    long v4 = CidrBlocks.ipv4Addresses(blocks);
    BigInteger v6 = CidrBlocks.ipv6Networks(blocks);
    if (approved) {
      // An operator approved exactly these blocks (large space, or an overlap such as a reseller's sub-block).
      return new Evaluation(IpSpaceStatus.VALID, null, null, v4, v6);
    }
    // The first holder in asking order whose space overlaps, from the index of held space.
    CacheNode holder = null;
    for (IPAddress mine : blocks) {
      CacheNode first = state.indexedNodes().held().first(mine, other -> !other.id().equals(nodeId) && !other.customerId().equals(customerId));
      if (first != null && (holder == null || ASKING_ORDER.compare(first, holder) < 0)) {
        holder = first;
      }
    }
    if (holder != null) {
      for (IPAddress mine : blocks) {
        for (IPAddress theirs : stored(holder.cidrBlocks())) {
          if (CidrBlocks.overlap(mine, theirs)) {
            return new Evaluation(
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
    if (v4 > VALID_LIMIT || v6.compareTo(BigInteger.valueOf(VALID_LIMIT)) > 0) {
      return new Evaluation(
          IpSpaceStatus.IN_REVIEW,
          "more than " + VALID_LIMIT + " addresses (IPv4) or /64 networks (IPv6): waits for an operator",
          null,
          v4,
          v6);
    }
    return new Evaluation(IpSpaceStatus.VALID, null, null, v4, v6);
  }

  /**
   * Refuses a request that would take the customer's nodes, together, past the ceiling: such space
   * is never queued for review, so one customer cannot park a claim on most of the address space.
   */
  static void checkCeiling(RegistryState state, String nodeId, String customerId, List<IPAddress> blocks, IpSpaceCeiling ceiling) {
    // The customer's space as it would be: the other nodes' blocks and these, counted from the index.
    CacheNode current = state.nodes().get(nodeId);
    BlockIndex space = state.indexedNodes().space(customerId);
    if (current != null && current.customerId().equals(customerId)) {
      space = space.without(stored(current.cidrBlocks()), nodeId);
    }
    space = space.with(blocks, null);
    long v4 = space.ipv4Addresses();
    if (v4 > ceiling.ipv4Addresses()) {
      throw Rejection.badRequest(
          "cidrBlocks",
          "the customer's cache nodes would cover " + v4 + " IPv4 addresses, more than the ceiling of " + ceiling.ipv4Addresses()
              + " per customer; a request this large is refused, not reviewed (an operator sets the ceiling)");
    }
    BigInteger v6 = space.ipv6Networks();
    if (v6.compareTo(ceiling.ipv6Networks()) > 0) {
      throw Rejection.badRequest(
          "cidrBlocks",
          "the customer's cache nodes would cover " + v6 + " IPv6 /64 networks, more than the ceiling of " + ceiling.ipv6Networks()
              + " per customer; a request this large is refused, not reviewed (an operator sets the ceiling)");
    }
  }

  /** A server IP belongs to one cache node of all customers': clients of one are never steered to another's server. */
  static void checkServerIp(RegistryState state, String nodeId, String customerId, String serverIp) {
    if (serverIp == null) {
      return;
    }
    for (String id : state.indexedNodes().withServerIp(serverIp)) {
      CacheNode other = state.nodes().get(id);
      if (!other.id().equals(nodeId)) {
        throw Rejection.conflict(
            "serverIp",
            other.customerId().equals(customerId)
                ? "server IP " + serverIp + " is already used by cache node " + other.name()
                : "server IP " + serverIp + " is registered to another customer's cache node");
      }
    }
  }

  /** No other node of the same customer uses a block that overlaps these. */
  static void checkOwnBlocks(RegistryState state, String nodeId, String customerId, List<IPAddress> blocks) {
    BlockIndex space = state.indexedNodes().space(customerId);
    for (IPAddress mine : blocks) {
      CacheNode other = space.first(mine, n -> !n.id().equals(nodeId));
      if (other != null) {
        throw Rejection.conflict("cidrBlocks", "CIDR block " + mine.toCanonicalString() + " is already used by cache node " + other.name());
      }
    }
  }

  /** A customer's list; blocks of the list that overlap each other are fine and counted once. */
  static List<IPAddress> parseBlocks(String cidrs) {
    try {
      return CidrBlocks.parse(cidrs);
    } catch (IllegalArgumentException e) {
      throw Rejection.badRequest("cidrBlocks", "the CIDR list is incorrect: " + e.getMessage());
    }
  }
}
