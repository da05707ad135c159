package io.ispcache.content;

import io.ispcache.object.ObjectAddress;
import io.ispcache.origin.OriginSettings;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which stored objects a forwarded request makes invalid (RFC 9111 §4.4): after a non-error
 * answer (2xx or 3xx) to an unsafe method, the target URI's, and those of the answer's
 * {@code Location} and {@code Content-Location} when they name the same host. Keys are worked out
 * by {@link ContentTarget}, so they are exactly those the same URIs are stored under.
 */
final class Invalidation {
  /** Safe methods (RFC 9110 §9.2.1); any other method, unknown ones included, is unsafe. */
  private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

  private Invalidation() {}

  /** Whether an answer with {@code status} to {@code method} invalidates what is stored. */
  static boolean invalidates(String method, int status) {
    return !SAFE.contains(method) && status >= 200 && status < 400;
  }

  /** The cache keys to drop for the request to {@code target} and the answer's location fields. */
  static Set<String> keys(OriginSettings origins, ObjectAddress target, Optional<String> location, Optional<String> contentLocation) {
    Set<String> keys = new LinkedHashSet<>();
    keys.add(target.key());
    location.flatMap(l -> sameHost(origins, target, l)).ifPresent(keys::add);
    contentLocation.flatMap(l -> sameHost(origins, target, l)).ifPresent(keys::add);
    return keys;
  }

  /**
   * The key of {@code reference} (absolute or relative to the target) when its host is the
   * target's (§4.4: never another host's: an origin could otherwise drop objects of hosts it does
   * not serve); empty when it names another host or is not a usable URI.
   */
  private static Optional<String> sameHost(OriginSettings origins, ObjectAddress target, String reference) {
    URI resolved;
    try {
      resolved = URI.create("http://" + target.host() + target.pathAndQuery()).resolve(reference.trim());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    String scheme = resolved.getScheme() == null ? "" : resolved.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https"))
        || resolved.getHost() == null
        || !resolved.getHost().equalsIgnoreCase(target.host())
        || resolved.getRawPath() == null
        || resolved.getRawPath().isEmpty()) {
      return Optional.empty();
    }
    String pathAndQuery = resolved.getRawPath() + (resolved.getRawQuery() == null ? "" : "?" + resolved.getRawQuery());
    try {
      return Optional.of(ContentTarget.resolve(origins, pathAndQuery, Optional.of(target.host())).key());
    } catch (ContentError e) {
      return Optional.empty();
    }
  }
}
