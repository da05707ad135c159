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
 * (Microsoft Connected Cache's convention) or else from {@code Host} (when DNS points CDN names at
 * the cache), the upstream request target, and the cache key.
 */
final class ContentTarget {
  static final String ORIGIN_PARAMETER = "cacheHostOrigin";
  private static final int MAX_PATH = 4096;

  private ContentTarget() {}

  static ObjectAddress resolve(
      OriginSettings origins, String path, Optional<String> rawQuery, Optional<String> hostHeader) {
    String[] query = rawQuery.filter(q -> !q.isEmpty()).map(q -> q.split("&", -1)).orElse(new String[0]);
    String named = null;
    StringJoiner upstreamQuery = new StringJoiner("&");
    for (String part : query) {
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
    String host = named != null ? named : hostHeader.map(ContentTarget::withoutPort).orElse("");
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
    if (path.isEmpty() || path.charAt(0) != '/' || path.length() > MAX_PATH) {
      throw new ContentError(400, "bad_path", "the request path must start with / and be at most " + MAX_PATH + " characters");
    }
    String q = upstreamQuery.toString();
    String pathAndQuery = q.isEmpty() ? path : path + "?" + q;
    String space = origin.shareCacheKeys() ? origin.name() : host;
    String key = space + (origin.queryInCacheKey() ? pathAndQuery : path);
    return new ObjectAddress(origin, host, pathAndQuery, key);
  }

  private static String withoutPort(String host) {
    if (host.startsWith("[")) {
      return host; // an IPv6 literal never matches the allowlist, and is refused as such
    }
    int colon = host.lastIndexOf(':');
    return colon < 0 ? host : host.substring(0, colon);
  }
}
