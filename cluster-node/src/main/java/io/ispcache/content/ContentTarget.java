package io.ispcache.content;

import io.ispcache.object.ObjectAddress;
import io.ispcache.origin.HostPattern;
import io.ispcache.origin.Origin;
import io.ispcache.origin.OriginSettings;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Works out which origin object a client request names: the CDN host from {@code cacheHostOrigin}
 * (Microsoft Connected Cache's convention), else from an absolute-form target's authority, else
 * from {@code Host} (when DNS points CDN names at the cache); the upstream request target; and the
 * cache key. The path is made canonical ({@link CanonicalPath}) before either is built, so every
 * spelling of one path is one object fetched once.
 *
 * <p>The query: with {@code query-in-cache-key} (off by default) it is part of the key and goes
 * upstream without {@code cacheHostOrigin}. Without it the key drops the query, and so does the
 * upstream request: what is stored is the answer for the path alone, the object the key names.
 * Sending the client's query upstream while keying without it let one {@code GET /obj?token=x}
 * decide the bytes every later {@code GET /obj} gets.
 */
public final class ContentTarget {
  static final String ORIGIN_PARAMETER = "cacheHostOrigin";
  private static final int MAX_PATH = 4096;

  private ContentTarget() {}

  /**
   * The object {@code target} (the request target as the client sent it: origin-form or
   * absolute-form) names, with the {@code Host} header's value if any.
   *
   * @throws ContentError the request names no origin, one not allowed, or a path that cannot be
   *     made safe
   */
  static ObjectAddress resolve(OriginSettings origins, String target, Optional<String> hostHeader) {
    return resolve(origins, target, hostHeader, false);
  }

  /**
   * The object a peer names by {@code host} and {@code pathAndQuery} (an address it resolved from
   * its client's request), or empty when this node's origins do not serve it.
   */
  public static Optional<ObjectAddress> forPeer(OriginSettings origins, String host, String pathAndQuery) {
    try {
      return Optional.of(resolve(origins, pathAndQuery, Optional.of(host)));
    } catch (ContentError e) {
      return Optional.empty();
    }
  }

  /**
   * As {@link #resolve}, for a request forwarded to the origin rather than answered from the
   * store (another method than GET and HEAD): its key is the same, and its upstream target keeps
   * the client's query (without {@code cacheHostOrigin}) whatever {@code query-in-cache-key} says,
   * as nothing of its answer is stored under the key.
   */
  static ObjectAddress resolveForwarded(OriginSettings origins, String target, Optional<String> hostHeader) {
    return resolve(origins, target, hostHeader, true);
  }

  private static ObjectAddress resolve(OriginSettings origins, String target, Optional<String> hostHeader, boolean forwarded) {
    String authority = null;
    int pathStart = 0;
    if (!target.startsWith("/")) {
      if (startsWithIgnoreCase(target, "https://")) {
        throw new ContentError(
            400, "https_target", "this port serves plain HTTP: an https:// target is not fetched here");
      }
      if (!startsWithIgnoreCase(target, "http://")) {
        throw new ContentError(400, "bad_path", "the request target is neither a path nor an absolute http URI");
      }
      // RFC 9112 §3.2.2: the authority of an absolute-form target replaces the Host header.
      int end = 7;
      while (end < target.length() && target.charAt(end) != '/' && target.charAt(end) != '?') {
        end++;
      }
      authority = target.substring(7, end);
      if (authority.isEmpty() || authority.indexOf('@') >= 0) {
        throw new ContentError(400, "bad_origin", "the target's authority is not a host (and port)");
      }
      pathStart = end;
    }
    int q = target.indexOf('?', pathStart);
    String rawPath = target.substring(pathStart, q < 0 ? target.length() : q);
    if (rawPath.isEmpty()) {
      rawPath = "/"; // "http://host" and "http://host?q" name the root (RFC 9112 §3.2.2)
    }
    String named = null;
    StringJoiner upstreamQuery = null;
    if (q >= 0 && q + 1 < target.length()) {
      upstreamQuery = new StringJoiner("&");
      for (String part : target.substring(q + 1).split("&", -1)) {
        int eq = part.indexOf('=');
        String name = eq < 0 ? part : part.substring(0, eq);
        if (name.equalsIgnoreCase(ORIGIN_PARAMETER)) {
          if (named != null) {
            throw new ContentError(400, "bad_origin", "cacheHostOrigin is given more than once");
          }
          named = eq < 0 ? "" : part.substring(eq + 1);
        } else if (!part.isEmpty()) {
          upstreamQuery.add(part);
        }
      }
    }
    String host = named != null ? named : authority != null ? withoutPort(authority) : hostHeader.map(ContentTarget::withoutPort).orElse("");
    host = host.trim().toLowerCase(Locale.ROOT);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    if (host.isEmpty()) {
      throw new ContentError(
          400, "missing_origin", "name the origin with ?cacheHostOrigin=<host> or the Host header");
    }
    if (!HostPattern.isHostName(host)) {
      throw new ContentError(
          400, "bad_origin", "origin host is not a valid host name", Map.of("host", host));
    }
    String originHost = host;
    Origin origin =
        origins
            .originFor(host)
            .orElseThrow(
                () ->
                    new ContentError(
                        403,
                        "origin_not_allowed",
                        "origin host " + originHost + " is not on this cache's allowlist",
                        Map.of("host", originHost)));
    String path = rawPath.length() > MAX_PATH ? rawPath : CanonicalPath.of(rawPath);
    if (path.length() > MAX_PATH) {
      throw new ContentError(400, "bad_path", "the request path must be at most " + MAX_PATH + " characters");
    }
    String keyed = path;
    if (origin.queryInCacheKey() && upstreamQuery != null && upstreamQuery.length() > 0) {
      keyed = path + "?" + upstreamQuery;
    }
    String upstream = forwarded && upstreamQuery != null && upstreamQuery.length() > 0 ? path + "?" + upstreamQuery : keyed;
    String space = origin.sharesKeysOf(host) ? origin.name() : host;
    return new ObjectAddress(origin, host, upstream, space + keyed);
  }

  private static boolean startsWithIgnoreCase(String s, String prefix) {
    return s.regionMatches(true, 0, prefix, 0, prefix.length());
  }

  private static String withoutPort(String host) {
    if (host.startsWith("[")) {
      return host; // an IPv6 literal never matches the allowlist, and is refused as such
    }
    int colon = host.lastIndexOf(':');
    return colon < 0 ? host : host.substring(0, colon);
  }
}
