package io.ispcache.registry;

import inet.ipaddr.IPAddress;
import java.math.BigInteger;
import java.util.ArrayList;
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
    List<CacheNode> holders = new ArrayList<>();
    for (CacheNode other : state.nodes().values()) {
      if (!other.id().equals(nodeId) && !other.customerId().equals(customerId) && other.holdsSpace()) {
        holders.add(other);
      }
    }
    holders.sort(ASKING_ORDER);
    for (CacheNode holder : holders) {
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
    List<IPAddress> all = new ArrayList<>(blocks);
    for (CacheNode other : state.nodes().values()) {
      if (!other.id().equals(nodeId) && other.customerId().equals(customerId)) {
        all.addAll(stored(other.cidrBlocks()));
      }
    }
    long v4 = CidrBlocks.ipv4Addresses(all);
    if (v4 > ceiling.ipv4Addresses()) {
      throw Rejection.badRequest(
          "cidrBlocks",
          "the customer's cache nodes would cover " + v4 + " IPv4 addresses, more than the ceiling of " + ceiling.ipv4Addresses()
              + " per customer; a request this large is refused, not reviewed (an operator sets the ceiling)");
    }
    BigInteger v6 = CidrBlocks.ipv6Networks(all);
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
    for (CacheNode other : state.nodes().values()) {
      if (!other.id().equals(nodeId) && serverIp.equals(other.serverIp())) {
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
    for (CacheNode other : state.nodes().values()) {
      if (other.id().equals(nodeId) || !other.customerId().equals(customerId)) {
        continue;
      }
      for (IPAddress mine : blocks) {
        for (IPAddress theirs : stored(other.cidrBlocks())) {
          if (CidrBlocks.overlap(mine, theirs)) {
            throw Rejection.conflict(
                "cidrBlocks", "CIDR block " + mine.toCanonicalString() + " is already used by cache node " + other.name());
          }
        }
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
