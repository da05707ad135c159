package io.ispcache.registry;

/** Whether a cache node's IP space may receive traffic (Microsoft Connected Cache's rules). */
public enum IpSpaceStatus {
  /** At most 50,000 IPv4 addresses and 50,000 IPv6 /64s, overlapping no other customer's node. */
  VALID,
  /** Above the threshold: waits for an operator. */
  IN_REVIEW,
  /** Overlaps another customer's node, or an operator rejected it. */
  ATTENTION_REQUIRED
}
