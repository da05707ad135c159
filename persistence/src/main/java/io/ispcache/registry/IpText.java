package io.ispcache.registry;

import inet.ipaddr.AddressStringException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv4.IPv4Address;
import java.util.regex.Pattern;

/**
 * The one accepted spelling of addresses and CIDR blocks that customers and clients send: IPv4 as
 * canonical dotted quad (four decimal numbers 0-255, no leading zeros), IPv6 as RFC 4291 §2.2 text
 * without a zone (RFC 4007 §11), a block as either with {@code /len} in decimal. Everything the
 * ipaddress library would also read (inet_aton forms such as {@code 5.0}, {@code 0x05000000},
 * {@code 134744065}; masks; wildcards; leading zeros that inet_aton reads as octal) is refused,
 * so one text never means two different networks to two readers. The values themselves are
 * built by the ipaddress library once the text passed.
 */
public final class IpText {
  /** The rule, as a sentence that 400 answers quote. */
  public static final String ADDRESS_RULE =
      "write IPv4 as four decimal numbers 0-255 without leading zeros (198.51.100.7) and IPv6 as RFC 4291 text without a zone (2001:db8::7)";

  public static final String BLOCK_RULE =
      "write a CIDR block as an address and a prefix length: IPv4 as four decimal numbers 0-255 without leading zeros"
          + " (198.51.100.0/24), IPv6 as RFC 4291 text without a zone (2001:db8::/32)";

  private static final String OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9][0-9]|[0-9])";
  private static final Pattern IPV4 = Pattern.compile(OCTET + "(?:\\." + OCTET + "){3}");
  private static final Pattern HEX16 = Pattern.compile("[0-9A-Fa-f]{1,4}");
  private static final Pattern PREFIX = Pattern.compile("0|[1-9][0-9]{0,2}");

  private IpText() {}

  /** One address; IllegalArgumentException with the rule for anything else. */
  public static IPAddress address(String text) {
    long quad = text == null ? -1 : dottedQuad(text);
    if (quad >= 0) {
      return new IPv4Address((int) quad); // the common case, steering's client addresses, without the library's parser
    }
    if (text == null || !(isIpv4(text) || isIpv6(text))) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address: " + ADDRESS_RULE);
    }
    return library(text);
  }

  /**
   * One CIDR block whose address is the block's first address; IllegalArgumentException with the
   * rule, or naming the block when host bits are set.
   */
  public static IPAddress block(String text) {
    int slash = text == null ? -1 : text.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("'" + text + "' is not a CIDR block: " + BLOCK_RULE);
    }
    String address = text.substring(0, slash);
    String prefix = text.substring(slash + 1);
    boolean v4 = isIpv4(address);
    if (!(v4 || isIpv6(address)) || !PREFIX.matcher(prefix).matches() || Integer.parseInt(prefix) > (v4 ? 32 : 128)) {
      throw new IllegalArgumentException("'" + text + "' is not a CIDR block: " + BLOCK_RULE);
    }
    IPAddress a = library(text);
    IPAddress block = a.toPrefixBlock();
    if (!a.getLower().equals(block.getLower())) {
      throw new IllegalArgumentException("'" + text + "' has host bits set; the block is " + block.toCanonicalString());
    }
    return block;
  }

  /** The value of {@code s} if it is a canonical dotted quad (as {@link #isIpv4}), else -1. */
  static long dottedQuad(String s) {
    int length = s.length();
    if (length < 7 || length > 15) {
      return -1;
    }
    long value = 0;
    int octet = 0;
    int digits = 0;
    int dots = 0;
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (c == '.') {
        if (digits == 0 || dots == 3) {
          return -1;
        }
        value = value << 8 | octet;
        octet = 0;
        digits = 0;
        dots++;
      } else if (c >= '0' && c <= '9') {
        if (digits > 0 && octet == 0) {
          return -1; // a leading zero, which inet_aton reads as octal
        }
        octet = octet * 10 + (c - '0');
        digits++;
        if (octet > 255) {
          return -1;
        }
      } else {
        return -1;
      }
    }
    return dots == 3 && digits > 0 ? value << 8 | octet : -1;
  }

  static boolean isIpv4(String s) {
    return IPV4.matcher(s).matches();
  }

  /** RFC 4291 §2.2: eight groups of 1-4 hex digits, one "::" for one or more zero groups, a dotted quad in the last 32 bits. */
  static boolean isIpv6(String s) {
    if (s.isEmpty() || s.length() > 45) {
      return false;
    }
    int gap = s.indexOf("::");
    if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
      return false;
    }
    String[] halves = gap >= 0 ? new String[] {s.substring(0, gap), s.substring(gap + 2)} : new String[] {s};
    int groups = 0;
    for (int h = 0; h < halves.length; h++) {
      if (halves[h].isEmpty()) {
        if (gap < 0) {
          return false;
        }
        continue;
      }
      String[] parts = halves[h].split(":", -1);
      for (int i = 0; i < parts.length; i++) {
        boolean last = h == halves.length - 1 && i == parts.length - 1;
        if (last && parts[i].indexOf('.') >= 0) {
          if (!isIpv4(parts[i])) {
            return false;
          }
          groups += 2;
        } else if (HEX16.matcher(parts[i]).matches()) {
          groups++;
        } else {
          return false;
        }
      }
    }
    return gap >= 0 ? groups <= 7 : groups == 8;
  }

  private static IPAddress library(String text) {
    try {
      return new IPAddressString(text).toAddress();
    } catch (AddressStringException e) {
      // The grammar above is narrower than the library's, so this is not reached for text that passed it.
      throw new IllegalArgumentException("'" + text + "' is not an IP address: " + ADDRESS_RULE);
    }
  }
}
