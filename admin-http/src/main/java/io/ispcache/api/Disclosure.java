package io.ispcache.api;

import io.ispcache.registry.CacheNode;
import io.ispcache.registry.HistoryEntry;
import java.util.regex.Pattern;

/**
 * What of a cache node's IP-space arbitration its customer may read: never another customer's
 * blocks, node or id. Operators read everything. New reasons and history entries are written that
 * way by the registry; this also covers what journals from before arbitration hold.
 */
final class Disclosure {
  /** The reason an older registry wrote, quoting the other customer's block. */
  private static final Pattern OLD_OVERLAP = Pattern.compile("(\\S+) overlaps \\S+ of another customer's cache node");

  private Disclosure() {}

  static String reason(CacheNode n, boolean operator) {
    String r = n.statusReason();
    if (operator || r == null) {
      return r;
    }
    var old = OLD_OVERLAP.matcher(r);
    return old.matches() ? old.group(1) + " overlaps IP space another customer holds" : r;
  }

  static String conflict(CacheNode n, boolean operator) {
    return operator ? n.conflict() : null;
  }

  static ApiTypes.HistoryView history(HistoryEntry e, String ownerCustomerId, boolean operator) {
    if (operator) {
      return new ApiTypes.HistoryView(e.at().toString(), e.actor(), e.change(), e.cause());
    }
    // An older registry recorded the customer whose edit led to a re-evaluation as its actor.
    boolean foreign = e.actor() != null && e.actor().startsWith("customer:") && !e.actor().equals("customer:" + ownerCustomerId);
    return new ApiTypes.HistoryView(e.at().toString(), foreign ? HistoryEntry.REGISTRY : e.actor(), e.change(), null);
  }
}
