package io.ispcache.registry;

import inet.ipaddr.IPAddress;
import java.math.BigInteger;
import java.util.List;
import java.util.regex.Pattern;

/** The cache node rules of Microsoft Connected Cache, as pure functions over the state. */
final class NodeRules {
  static final long VALID_LIMIT = 50_000;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]{1,64}");

  /** Parsed block lists of stored nodes, so overlap checks over all IP space do not re-parse them. */
  private static final java.util.Map<String, List<IPAddress>> PARSED = new java.util.concurrent.ConcurrentHashMap<>();

  private NodeRules() {}

  static List<IPAddress> stored(String canonicalBlocks) {
    if (PARSED.size() > 200_000) {
      PARSED.clear();
    }
    return PARSED.computeIfAbsent(canonicalBlocks, CidrBlocks::parse);
  }

  static String checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw Rejection.badRequest("name", "the name must be 1-64 letters or digits, without spaces");
    }
    return name;
  }

  /** The evaluated IP space of {@code blocks} for a node of {@code customerId}. */
  record Evaluation(IpSpaceStatus status, String reason, long ipv4, BigInteger ipv6) {}

  static Evaluation evaluate(
      RegistryState state, String nodeId, String customerId, List<IPAddress> blocks, boolean approved) {
    long v4 = CidrBlocks.ipv4Addresses(blocks);
    BigInteger v6 = CidrBlocks.ipv6Networks(blocks);
    if (approved) {
      // An operator approved exactly these blocks (large space, or an overlap such as a reseller's sub-block).
      return new Evaluation(IpSpaceStatus.VALID, null, v4, v6);
    }
    for (CacheNode other : state.nodes().values()) {
      if (other.id().equals(nodeId) || other.customerId().equals(customerId)) {
        continue;
      }
      for (IPAddress mine : blocks) {
        for (IPAddress theirs : stored(other.cidrBlocks())) {
          if (CidrBlocks.overlap(mine, theirs)) {
            return new Evaluation(
                IpSpaceStatus.ATTENTION_REQUIRED,
                mine.toCanonicalString() + " overlaps " + theirs.toCanonicalString() + " of another customer's cache node",
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
          v4,
          v6);
    }
    return new Evaluation(IpSpaceStatus.VALID, null, v4, v6);
  }

  /** Same-customer uniqueness: no other node of the customer uses the server IP or a block. */
  static void checkOwnUniqueness(RegistryState state, String nodeId, String customerId, String serverIp, List<IPAddress> blocks) {
    for (CacheNode other : state.nodes().values()) {
      if (other.id().equals(nodeId) || !other.customerId().equals(customerId)) {
        continue;
      }
      if (serverIp != null && serverIp.equals(other.serverIp())) {
        throw Rejection.conflict("serverIp", "server IP " + serverIp + " is already used by cache node " + other.name());
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

  static List<IPAddress> parseBlocks(String cidrs) {
    try {
      List<IPAddress> blocks = CidrBlocks.parse(cidrs);
      for (int i = 0; i < blocks.size(); i++) {
        for (int j = i + 1; j < blocks.size(); j++) {
          if (CidrBlocks.overlap(blocks.get(i), blocks.get(j))) {
            throw Rejection.badRequest(
                "cidrBlocks",
                "the CIDR list is incorrect: " + blocks.get(i).toCanonicalString() + " and " + blocks.get(j).toCanonicalString() + " overlap");
          }
        }
      }
      return blocks;
    } catch (IllegalArgumentException e) {
      throw Rejection.badRequest("cidrBlocks", "the CIDR notation is incorrect: " + e.getMessage());
    }
  }
}
