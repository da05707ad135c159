package io.ispcache.freshness;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The hop-by-hop fields of one message (RFC 9110 §7.6.1), which a cache neither stores nor passes
 * on: the fixed ones, every field its Connection fields name, and Proxy-*. Names are compared in
 * lower case.
 */
public final class HopByHop {
  private static final Set<String> FIXED =
      Set.of("connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade");

  private final Set<String> listed;

  private HopByHop(Set<String> listed) {
    this.listed = listed;
  }

  /** The hop-by-hop fields of a message whose Connection field lines are {@code connection}. */
  public static HopByHop of(Iterable<String> connection) {
    Set<String> listed = new HashSet<>();
    for (String line : connection) {
      for (String token : line.split(",")) {
        listed.add(token.trim().toLowerCase(Locale.ROOT));
      }
    }
    return new HopByHop(listed);
  }

  /** Whether the field named {@code lowerCaseName} is hop-by-hop in this message. */
  public boolean contains(String lowerCaseName) {
    return FIXED.contains(lowerCaseName) || listed.contains(lowerCaseName) || lowerCaseName.startsWith("proxy-");
  }
}
