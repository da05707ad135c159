package io.ispcache.registry;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv4.IPv4Address;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * CIDR lists as cache node owners write them ({@code 2.21.234.0/24, 3.22.235.0/24}), parsed with
 * the ipaddress library; the blocks' space is counted with overlapping blocks counted once.
 */
public final class CidrBlocks {
  /** IPv6 space is counted in /64 networks, the unit an ISP gives one subscriber line. */
  public static final int IPV6_COUNTING_PREFIX = 64;

  private CidrBlocks() {}

  /**
   * Parses a comma-separated list as a customer writes it, in {@link IpText}'s strict spelling;
   * throws IllegalArgumentException naming the bad element. Repeats of one block are kept once.
   */
  public static List<IPAddress> parse(String list) {
    List<IPAddress> blocks = new ArrayList<>();
    if (list == null || list.isBlank()) {
      return blocks;
    }
    for (String raw : list.split(",", -1)) {
      String s = raw.strip();
      if (s.isEmpty()) {
        throw new IllegalArgumentException("the CIDR list has an empty element");
      }
      IPAddress block = IpText.block(s);
      if (!blocks.contains(block)) {
        blocks.add(block);
      }
    }
    return blocks;
  }

  /**
   * Re-reads a list the registry stored ({@link #canonical}). Not held to the customer's spelling
   * rules: journals written before those rules hold only the library's canonical text, and they
   * must replay whatever a later version accepts from customers.
   */
  public static List<IPAddress> parseStored(String list) {
    List<IPAddress> blocks = new ArrayList<>();
    if (list == null || list.isBlank()) {
      return blocks;
    }
    for (String raw : list.split(",")) {
      String text = raw.strip();
      IPAddress quick = storedIpv4Block(text);
      blocks.add(quick != null ? quick : new IPAddressString(text).getAddress().toPrefixBlock());
    }
    return blocks;
  }

  /**
   * An IPv4 block written as a dotted quad and a decimal prefix length, read without the library's
   * parser (recovery reads every stored list, and that parser costs seconds for 10,000 of them in a
   * fresh JVM); null for any other text, which the library reads.
   */
  static IPAddress storedIpv4Block(String text) {
    int slash = text.indexOf('/');
    if (slash < 0 || text.length() - slash < 2 || text.length() - slash > 3) {
      return null;
    }
    long quad = IpText.dottedQuad(text.substring(0, slash));
    if (quad < 0 || (text.charAt(slash + 1) == '0' && text.length() - slash > 2)) {
      return null;
    }
    int length = 0;
    for (int i = slash + 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
      length = length * 10 + (c - '0');
    }
    return length > 32 ? null : new IPv4Address((int) quad, length).toPrefixBlock();
  }

  /** IPv4 addresses in the blocks, overlaps counted once. */
  public static long ipv4Addresses(List<IPAddress> blocks) {
    return merged(blocks, true).stream().map(IPAddress::getCount).reduce(BigInteger.ZERO, BigInteger::add).longValueExact();
  }

  /** IPv6 /64 networks in the blocks (a longer prefix counts as one), overlaps counted once. */
  public static BigInteger ipv6Networks(List<IPAddress> blocks) {
    BigInteger total = BigInteger.ZERO;
    for (IPAddress b : merged(blocks, false)) {
      int prefix = b.getNetworkPrefixLength();
      total = total.add(prefix >= IPV6_COUNTING_PREFIX ? BigInteger.ONE : BigInteger.ONE.shiftLeft(IPV6_COUNTING_PREFIX - prefix));
    }
    return total;
  }

  private static List<IPAddress> merged(List<IPAddress> blocks, boolean v4) {
    List<IPAddress> family = blocks.stream().filter(b -> b.isIPv4() == v4).toList();
    if (family.isEmpty()) {
      return List.of();
    }
    IPAddress first = family.get(0);
    return List.of(first.mergeToPrefixBlocks(family.subList(1, family.size()).toArray(new IPAddress[0])));
  }

  /** Whether two CIDR blocks share any address (prefix blocks either nest or are disjoint). */
  public static boolean overlap(IPAddress a, IPAddress b) {
    return a.isIPv4() == b.isIPv4() && (a.contains(b) || b.contains(a));
  }

  public static String canonical(List<IPAddress> blocks) {
    return String.join(", ", blocks.stream().map(IPAddress::toCanonicalString).toList());
  }
}
