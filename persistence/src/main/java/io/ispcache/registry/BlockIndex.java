package io.ispcache.registry;

import inet.ipaddr.IPAddress;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * CIDR blocks of cache nodes, IPv4 and IPv6, as binary tries with one level per prefix bit. Never
 * mutated: adding or removing a block copies the path to it and shares the rest, so every registry
 * state keeps its own index cheaply. Each trie node knows, for the blocks at and below it, how many
 * there are, the first of their cache nodes in asking order, and the space they cover, so that
 * "which node holding space overlaps this block first" and "how much space do these blocks cover"
 * cost one walk down a block's prefix (O(prefix length)), not a scan of every stored block.
 *
 * <p>Two CIDR blocks overlap exactly when one contains the other, so the blocks overlapping a block
 * are those on the path from the root to it and those in the subtree below it.
 */
final class BlockIndex {
  /** A stored block and its cache node (null for blocks added only to count space). */
  private record Entry(IPAddress block, CacheNode node) {}

  private static final Entry[] NONE = new Entry[0];

  static final BlockIndex EMPTY = new BlockIndex(null, null);

  private final Trie v4;
  private final Trie v6;

  private BlockIndex(Trie v4, Trie v6) {
    this.v4 = v4;
    this.v6 = v6;
  }

  /** This index with {@code node}'s {@code blocks} added. */
  BlockIndex with(List<IPAddress> blocks, CacheNode node) {
    Trie a = v4;
    Trie b = v6;
    for (IPAddress block : blocks) {
      Key k = Key.of(block);
      if (k.ipv4) {
        a = insert(a, k, 0, new Entry(block, node));
      } else {
        b = insert(b, k, 0, new Entry(block, node));
      }
    }
    return a == v4 && b == v6 ? this : new BlockIndex(a, b);
  }

  /** This index without the entries of node {@code nodeId} for {@code blocks}. */
  BlockIndex without(List<IPAddress> blocks, String nodeId) {
    Trie a = v4;
    Trie b = v6;
    for (IPAddress block : blocks) {
      Key k = Key.of(block);
      if (k.ipv4) {
        a = remove(a, k, 0, block, nodeId);
      } else {
        b = remove(b, k, 0, block, nodeId);
      }
    }
    return a == v4 && b == v6 ? this : new BlockIndex(a, b);
  }

  boolean isEmpty() {
    return v4 == null && v6 == null;
  }

  /**
   * Of the cache nodes with a stored block overlapping {@code block} that {@code eligible} accepts,
   * the first in {@link NodeRules#ASKING_ORDER}; null when there is none.
   */
  CacheNode first(IPAddress block, Predicate<CacheNode> eligible) {
    Key k = Key.of(block);
    Trie t = k.ipv4 ? v4 : v6;
    CacheNode best = null;
    for (int depth = 0; t != null; depth++) {
      best = better(best, t.here, eligible); // a block containing this one, or this one itself
      if (depth == k.length) {
        best = below(t.zero, best, eligible);
        return below(t.one, best, eligible);
      }
      t = k.bit(depth) == 0 ? t.zero : t.one;
    }
    return best;
  }

  /** IPv4 addresses the blocks cover, overlaps counted once (as {@link CidrBlocks#ipv4Addresses}). */
  long ipv4Addresses() {
    return v4 == null ? 0 : v4.full ? 1L << 32 : v4.covered;
  }

  /**
   * IPv6 /64 networks the blocks cover, overlaps counted once (as {@link CidrBlocks#ipv6Networks}:
   * each largest covered block longer than /64 counts as one).
   */
  BigInteger ipv6Networks() {
    if (v6 == null) {
      return BigInteger.ZERO;
    }
    return v6.full ? BigInteger.ONE.shiftLeft(64) : new BigInteger(Long.toUnsignedString(v6.covered));
  }

  private static CacheNode below(Trie t, CacheNode best, Predicate<CacheNode> eligible) {
    if (t == null || t.first == null || (best != null && NodeRules.ASKING_ORDER.compare(t.first, best) >= 0)) {
      return best; // nothing here comes before the best found
    }
    if (eligible.test(t.first)) {
      return t.first;
    }
    best = better(best, t.here, eligible);
    best = below(t.zero, best, eligible);
    return below(t.one, best, eligible);
  }

  private static CacheNode better(CacheNode best, Entry[] entries, Predicate<CacheNode> eligible) {
    for (Entry e : entries) {
      if (e.node != null && eligible.test(e.node) && (best == null || NodeRules.ASKING_ORDER.compare(e.node, best) < 0)) {
        best = e.node;
      }
    }
    return best;
  }

  private static Trie insert(Trie t, Key k, int depth, Entry e) {
    Trie zero = t == null ? null : t.zero;
    Trie one = t == null ? null : t.one;
    Entry[] here = t == null ? NONE : t.here;
    if (depth == k.length) {
      here = Arrays.copyOf(here, here.length + 1);
      here[here.length - 1] = e;
    } else if (k.bit(depth) == 0) {
      zero = insert(zero, k, depth + 1, e);
    } else {
      one = insert(one, k, depth + 1, e);
    }
    return Trie.of(zero, one, here, depth, k.ipv4);
  }

  private static Trie remove(Trie t, Key k, int depth, IPAddress block, String nodeId) {
    if (t == null) {
      return null;
    }
    Trie zero = t.zero;
    Trie one = t.one;
    Entry[] here = t.here;
    if (depth == k.length) {
      here = Arrays.stream(here).filter(e -> !(e.block.equals(block) && e.node != null && e.node.id().equals(nodeId))).toArray(Entry[]::new);
      if (here.length == t.here.length) {
        return t;
      }
    } else if (k.bit(depth) == 0) {
      zero = remove(zero, k, depth + 1, block, nodeId);
      if (zero == t.zero) {
        return t;
      }
    } else {
      one = remove(one, k, depth + 1, block, nodeId);
      if (one == t.one) {
        return t;
      }
    }
    return Trie.of(zero, one, here, depth, k.ipv4);
  }

  /** A block's bits, left-aligned in 128 (IPv4 in the first 32), and its prefix length. */
  private record Key(long hi, long lo, int length, boolean ipv4) {
    static Key of(IPAddress block) {
      byte[] bytes = block.getBytes(); // the block's lowest address
      long hi = 0;
      long lo = 0;
      for (int i = 0; i < bytes.length; i++) {
        long b = bytes[i] & 0xffL;
        if (i < 8) {
          hi |= b << (56 - 8 * i);
        } else {
          lo |= b << (56 - 8 * (i - 8));
        }
      }
      Integer prefix = block.getNetworkPrefixLength();
      return new Key(hi, lo, prefix == null ? block.getBitCount() : prefix, block.isIPv4());
    }

    int bit(int i) {
      return (int) (i < 64 ? hi >>> (63 - i) : lo >>> (127 - i)) & 1;
    }
  }

  /** A trie node: the prefix of its path, with what the blocks at and below it hold. */
  private static final class Trie {
    final Trie zero;
    final Trie one;
    final Entry[] here; // blocks that are exactly this prefix
    final CacheNode first; // of all blocks at and below, the first node in asking order
    final boolean full; // the whole prefix is covered
    final long covered; // unsigned: addresses (IPv4) or /64 networks (IPv6) covered; unused when full at the root

    private Trie(Trie zero, Trie one, Entry[] here, CacheNode first, boolean full, long covered) {
      this.zero = zero;
      this.one = one;
      this.here = here;
      this.first = first;
      this.full = full;
      this.covered = covered;
    }

    static Trie of(Trie zero, Trie one, Entry[] here, int depth, boolean ipv4) {
      if (zero == null && one == null && here.length == 0) {
        return null;
      }
      CacheNode first = null;
      for (Entry e : here) {
        first = earlier(first, e.node);
      }
      first = earlier(earlier(first, zero == null ? null : zero.first), one == null ? null : one.first);
      boolean full = here.length > 0 || (zero != null && zero.full && one != null && one.full);
      long covered;
      if (full) {
        // Counted as CidrBlocks counts a merged block: addresses for IPv4, /64s for IPv6 (a longer block is one).
        int bits = ipv4 ? 32 - depth : Math.max(0, 64 - depth);
        covered = bits >= 64 ? 0 : 1L << bits;
      } else {
        covered = (zero == null ? 0 : zero.covered) + (one == null ? 0 : one.covered);
      }
      return new Trie(zero, one, here, first, full, covered);
    }

    private static CacheNode earlier(CacheNode a, CacheNode b) {
      if (a == null) {
        return b;
      }
      return b == null || NodeRules.ASKING_ORDER.compare(a, b) <= 0 ? a : b;
    }
  }
}
