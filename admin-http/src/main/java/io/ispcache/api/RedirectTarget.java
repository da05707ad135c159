package io.ispcache.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The CDN URL a steering redirect may send a client to: an absolute {@code http://} URL without
 * userinfo or a port other than 80, whose host the origin allowlist admits and whose path a cache
 * node would serve. Anything else would make the public redirect endpoint an open redirect.
 */
record RedirectTarget(String host, String rawPath, String rawQuery) {

  /**
   * @throws ApiException 400 naming {@code url} when the URL is not one the cache serves
   */
  static RedirectTarget of(String url, PurgeTargets keys) {
    // A Location is ASCII (RFC 3986): anything else must come percent-encoded.
    for (int i = 0; i < url.length(); i++) {
      if (url.charAt(i) <= 0x20 || url.charAt(i) >= 0x7f) {
        throw refused("url must be ASCII without blanks or controls (percent-encode the rest)");
      }
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw refused("url is not a valid URI");
    }
    if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getRawAuthority() == null) {
      throw refused("url must be an absolute http:// URL of a CDN host");
    }
    // "http://cdn.example@evil.example/" names evil.example; a Location must not carry userinfo.
    if (uri.getRawUserInfo() != null || uri.getHost() == null) {
      throw refused("url must name a host without user information");
    }
    if (uri.getPort() != -1 && uri.getPort() != 80) {
      throw refused("url must use the default HTTP port");
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    try {
      keys.cacheKey(host, path, uri.getRawQuery());
    } catch (IllegalArgumentException e) {
      throw refused(e.getMessage());
    }
    return new RedirectTarget(host, path, uri.getRawQuery());
  }

  /** The URL itself, rebuilt from the checked parts (no fragment). */
  String cdnUrl() {
    return "http://" + host + rawPath + (rawQuery == null ? "" : "?" + rawQuery);
  }

  /** The same object on a cache node at {@code nodeBase} (MCC's {@code cacheHostOrigin} convention). */
  String onNode(String nodeBase) {
    return nodeBase + rawPath + "?" + (rawQuery == null ? "" : rawQuery + "&") + "cacheHostOrigin=" + host;
  }

  private static ApiException refused(String why) {
    return ApiException.badRequest("url", why);
  }
}
