package io.ispcache.registry;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.ispcache.settings.InvalidSettingException;
import java.math.BigInteger;

/**
 * The most IP space one customer's cache nodes may cover together; a request beyond it is refused
 * outright rather than queued for review. IPv4 in addresses, IPv6 in /64 networks (the unit
 * {@link CidrBlocks} counts).
 */
public record IpSpaceCeiling(long ipv4Addresses, BigInteger ipv6Networks) {
  /** A /8 of IPv4 and a /32 of IPv6 (2^32 /64s, the usual first allocation to an ISP). */
  public static final IpSpaceCeiling DEFAULT = new IpSpaceCeiling(1L << 24, BigInteger.ONE.shiftLeft(32));

  public static IpSpaceCeiling fromConfig(Config root) {
    String v4Key = "ispcache.registry.max-customer-ipv4-addresses";
    String v6Key = "ispcache.registry.max-customer-ipv6-networks";
    long v4;
    BigInteger v6;
    try {
      v4 = root.getLong(v4Key);
    } catch (ConfigException e) {
      throw new InvalidSettingException(v4Key, null, "must be a whole number of IPv4 addresses");
    }
    try {
      v6 = new BigInteger(root.getString(v6Key).strip());
    } catch (ConfigException | NumberFormatException e) {
      throw new InvalidSettingException(v6Key, null, "must be a whole number of IPv6 /64 networks");
    }
    if (v4 < 1 || v4 > (1L << 32)) {
      throw new InvalidSettingException(v4Key, v4, "must be 1 to 4294967296");
    }
    if (v6.signum() < 1 || v6.bitLength() > 65) {
      throw new InvalidSettingException(v6Key, v6, "must be 1 to 2^64");
    }
    return new IpSpaceCeiling(v4, v6);
  }
}
