package io.ispcache.api;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * An operator's purge request checked and mapped to the cache key (one object) or key prefix
 * (every object under it) that the cache nodes drop.
 */
record PurgeRequest(String target, String key, boolean prefix) {

  /** Longest URL a purge may name: a request path is at most 4096 characters, plus a host. */
  static final int MAX_URL = 4400;

  static PurgeRequest of(ApiTypes.NewPurge body, PurgeTargets targets) {
    boolean hasUrl = body.url() != null;
    boolean hasPrefix = body.prefix() != null;
    if (hasUrl == hasPrefix) {
      throw ApiException.badRequest(hasUrl ? "prefix" : "url", "give either \"url\" (one object) or \"prefix\" (every object under it)");
    }
    boolean all = Boolean.TRUE.equals(body.all());
    if (hasUrl && body.all() != null) {
      throw ApiException.badRequest("all", "\"all\" confirms a prefix of a whole host; it does not go with \"url\"");
    }
    String field = hasUrl ? "url" : "prefix";
    String raw = (hasUrl ? body.url() : body.prefix()).strip();
    if (raw.isEmpty() || raw.length() > MAX_URL) {
      throw ApiException.badRequest(field, field + " must be an absolute http:// URL of at most " + MAX_URL + " characters");
    }
    URI uri;
    try {
      uri = new URI(raw);
    } catch (URISyntaxException e) {
      throw ApiException.badRequest(field, field + " is not a valid URL: " + e.getReason());
    }
    if (uri.getScheme() == null || !uri.getScheme().matches("(?i)https?") || uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw ApiException.badRequest(field, field + " must be an absolute http:// URL of an allowlisted origin host, such as http://download.windowsupdate.com/c/msdownload/x.cab");
    }
    if (uri.getRawFragment() != null) {
      throw ApiException.badRequest(field, field + " must not have a #fragment: clients never send one, so no object is stored under it");
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (hasPrefix && path.equals("/") && uri.getRawQuery() == null && !all) {
      throw ApiException.badRequest(
          "all", "the prefix " + raw + " names every object of " + uri.getHost() + "; send \"all\": true with it to confirm");
    }
    String key;
    try {
      key = targets.cacheKey(uri.getHost(), path, uri.getRawQuery());
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(field, e.getMessage());
    }
    return new PurgeRequest(raw, key, hasPrefix);
  }
}
