package io.ispcache.freshness;

import java.time.Duration;

/**
 * How long a stored response may be used without asking the origin (RFC 9111 §4.2), and what a
 * stale one may still be used for. Pure arithmetic over the stored header fields, the origin's
 * {@link Policy} and the clock; no I/O.
 */
public final class Freshness {
  /** A lifetime that never ends. */
  public static final long FOREVER = Long.MAX_VALUE;

  /** What an origin entry's {@code freshness} setting says. */
  public record Policy(Kind kind, Duration ttl) {
    public enum Kind {
      /** What the response header fields say (RFC 9111 §4.2.1); the default. */
      ORIGIN,
      /** Never stale: content-addressed hosts whose URLs change when the bytes do. */
      IMMUTABLE,
      /** Fresh for {@code ttl} after each validation, whatever the origin says. */
      FIXED
    }

    public static final Policy ORIGIN = new Policy(Kind.ORIGIN, Duration.ZERO);
    public static final Policy IMMUTABLE = new Policy(Kind.IMMUTABLE, Duration.ZERO);

    public Policy {
      if (kind == Kind.FIXED && (ttl == null || ttl.isNegative())) {
        throw new IllegalArgumentException("a fixed freshness needs a duration of zero or more");
      }
    }

    public static Policy fixed(Duration ttl) {
      return new Policy(Kind.FIXED, ttl);
    }
  }

  /**
   * Heuristic freshness (RFC 9111 §4.2.2) for responses with a Last-Modified and no explicit
   * lifetime: {@code fraction} of the time since Last-Modified, at most {@code max}. Zero fraction
   * turns it off.
   */
  public record Heuristic(double fraction, Duration max) {
    public static final Heuristic OFF = new Heuristic(0, Duration.ZERO);

    public Heuristic {
      if (!(fraction >= 0 && fraction <= 1)) {
        throw new IllegalArgumentException("the heuristic fraction must lie in [0, 1], was " + fraction);
      }
      if (max == null || max.isNegative()) {
        throw new IllegalArgumentException("the heuristic cap must be zero or more");
      }
    }
  }

  private Freshness() {}

  /**
   * The freshness lifetime in milliseconds (§4.2.1): for a shared cache {@code s-maxage}, else
   * {@code max-age}, else Expires − Date, else the heuristic where Last-Modified allows one; 0 for
   * {@code no-cache} (stored, but validated before each use) and for invalid values.
   */
  public static long lifetime(ResponseHeaders h, String lastModified, Policy policy, Heuristic heuristic) {
    switch (policy.kind()) {
      case IMMUTABLE:
        return FOREVER;
      case FIXED:
        return policy.ttl().toMillis();
      default:
        break;
    }
    CacheControl cc = h.control();
    if (cc.has("no-cache")) {
      return 0;
    }
    long s = cc.seconds("s-maxage");
    if (s == -1) {
      s = cc.seconds("max-age");
    }
    if (s >= 0) {
      return s * 1000;
    }
    if (s == -2) {
      return 0; // present but invalid: stale (§4.2.1)
    }
    if (h.hasExpires()) {
      if (h.expires() == HttpDate.INVALID) {
        return 0; // an invalid Expires is a time in the past (§5.3)
      }
      long date = h.date() == HttpDate.INVALID ? h.expires() : h.date();
      return Math.max(0, h.expires() - date);
    }
    long modified = HttpDate.millis(lastModified);
    if (modified == HttpDate.INVALID || heuristic.fraction() == 0) {
      return 0;
    }
    long date = h.date() == HttpDate.INVALID ? System.currentTimeMillis() : h.date();
    long age = Math.max(0, date - modified);
    return Math.min((long) (age * heuristic.fraction()), heuristic.max().toMillis());
  }

  /**
   * The Age the origin's answer had on arrival (§4.2.3, corrected_initial_age): the larger of its
   * Age field and the time its Date lies behind {@code receivedAt}.
   */
  public static long initialAge(ResponseHeaders h, long receivedAt) {
    long apparent = h.date() == HttpDate.INVALID ? 0 : Math.max(0, receivedAt - h.date());
    long stated = h.age() < 0 ? 0 : h.age() * 1000;
    return Math.max(apparent, stated);
  }

  /** The response's current age in milliseconds (§4.2.3). */
  public static long currentAge(long initialAge, long validatedAt, long now) {
    return initialAge + Math.max(0, now - validatedAt);
  }

  /** Whether a stale response may be sent at all when the origin fails (§4.2.4, RFC 5861 §4). */
  public static boolean mayServeStaleOnError(ResponseHeaders h, long staleForMillis, Duration unboundedLimit) {
    CacheControl cc = h.control();
    if (cc.has("must-revalidate") || cc.has("proxy-revalidate") || cc.has("no-cache")) {
      return false; // explicit in-protocol prohibitions (§4.2.4)
    }
    long window = cc.seconds("stale-if-error");
    if (window >= 0) {
      return staleForMillis <= window * 1000; // the origin's own permission (RFC 5861 §4)
    }
    // s-maxage implies proxy-revalidate (§5.2.2.10): without an explicit permission, no stale.
    return !cc.has("s-maxage") && staleForMillis <= unboundedLimit.toMillis();
  }

  /** Whether a stale response may be sent while it is revalidated in the background (RFC 5861 §3). */
  public static boolean mayServeWhileRevalidating(ResponseHeaders h, long staleForMillis) {
    CacheControl cc = h.control();
    if (cc.has("must-revalidate") || cc.has("proxy-revalidate") || cc.has("no-cache")) {
      return false;
    }
    long window = cc.seconds("stale-while-revalidate");
    return window >= 0 && staleForMillis <= window * 1000;
  }
}
