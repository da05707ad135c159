package io.ispcache.content;

import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpRequest;
import io.ispcache.freshness.CacheControl;
import io.ispcache.freshness.Freshness;
import io.ispcache.freshness.FreshnessSettings;
import io.ispcache.freshness.HopByHop;
import io.ispcache.freshness.ResponseHeaders;
import io.ispcache.object.ObjectAddress;
import io.ispcache.store.ObjectMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a client's request says about using the cache (RFC 9111 §5.2.1, §3.5): its Cache-Control
 * directives, whether it carries credentials, and which of its fields go upstream when it is
 * relayed.
 *
 * <p>Honoured: {@code no-cache} (and {@code Pragma: no-cache} without Cache-Control),
 * {@code max-age}, {@code only-if-cached}. Ignored, as a shared cache in front of many clients may:
 * {@code max-stale} (a stale object is served only where the origin allows it, whatever a client
 * would accept), {@code min-fresh} (a client cannot make a fresh object stale for everyone) and
 * {@code no-store} (nothing of a request is stored; the response is stored as its origin allows).
 * For origins declared {@code immutable} no request directive causes a revalidation: the operator
 * said the bytes under a URL never change.
 */
final class RequestCaching {
  private RequestCaching() {}

  /**
   * Request fields never sent upstream (RFC 9110 §7.6.1 hop-by-hop, and Host, set per origin);
   * Content-Length is set for the body as it is sent, and Expect was met by the content server,
   * which answered 100 Continue itself before it read the body.
   */
  private static final Set<String> NOT_FORWARDED =
      Set.of("connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade", "host",
          "proxy-authorization", "proxy-connection", "content-length", "timeout-access", "remote-address", "expect");

  /**
   * Whether the request carries credentials that make its answer the client's own: Authorization
   * (RFC 9111 §3.5), and Cookie in front of a web application (reverse-proxy mode, where sessions
   * live in cookies, as Varnish passes them by default). A CDN's downloads do not depend on the
   * cookies a browser happens to hold for its domain: those are served from the cache, and the
   * cookies are not sent upstream.
   */
  static boolean personal(HttpRequest request, io.ispcache.origin.Origin origin) {
    return request.getHeader("Authorization").isPresent()
        || origin.reverseProxy() && request.getHeader("Cookie").isPresent();
  }

  /** The request's Cache-Control directives; {@code Pragma: no-cache} counts only without them (RFC 9111 §5.4). */
  static CacheControl directives(HttpRequest request) {
    List<String> lines = new ArrayList<>(1);
    List<String> pragma = new ArrayList<>(1);
    for (HttpHeader h : request.getHeaders()) {
      if (h.is("cache-control")) {
        lines.add(h.value());
      } else if (h.is("pragma") && h.value().toLowerCase(Locale.ROOT).contains("no-cache")) {
        pragma.add("no-cache");
      }
    }
    return CacheControl.parse(lines.isEmpty() ? pragma : lines);
  }

  /** Whether the request asks for the stored object to be validated before it is used. */
  static boolean wantsValidation(CacheControl asked, long ageMillis, Freshness.Policy policy) {
    if (asked.isEmpty() || policy.kind() == Freshness.Policy.Kind.IMMUTABLE) {
      return false;
    }
    if (asked.has("no-cache")) {
      return true;
    }
    long maxAge = asked.seconds("max-age");
    return maxAge >= 0 && ageMillis > maxAge * 1000;
  }

  /** Whether the stored object is fresh (RFC 9111 §4.2). */
  static boolean fresh(ObjectMeta meta, ObjectAddress address, FreshnessSettings settings, long now) {
    long lifetime =
        Freshness.lifetime(meta.headers(), meta.lastModified(), address.origin().freshness(), settings.heuristic());
    return meta.ageMillis(now) < lifetime;
  }

  /** Whether the stored object may answer this request without the origin. */
  static boolean usable(ObjectMeta meta, ObjectAddress address, FreshnessSettings settings, CacheControl asked) {
    long now = System.currentTimeMillis();
    return fresh(meta, address, settings, now)
        && !wantsValidation(asked, meta.ageMillis(now), address.origin().freshness());
  }

  /**
   * The fields of a client's request sent with the fills it starts: its User-Agent only (as
   * Connected Cache does: some CDNs answer by client software). A fill is shared by every client
   * of the key, so a field an origin could answer differently on (X-Forwarded-Host, Origin,
   * Accept, Cookie…) would let one client choose the bytes or the redirect every other client
   * gets whenever the origin forgets its Vary. Ranges, conditions and Accept-Encoding are the
   * node's own.
   */
  static List<Map.Entry<String, String>> sentWithFills(HttpRequest request) {
    List<Map.Entry<String, String>> fields = new ArrayList<>(1);
    request.getHeader("User-Agent").ifPresent(h -> fields.add(Map.entry("User-Agent", h.value())));
    return fields;
  }

  /**
   * The fields of a request forwarded to its origin (another method than GET and HEAD): its
   * end-to-end fields, with this cache added to {@code Via} (RFC 9110 §7.6.3) and the client's
   * address to {@code X-Forwarded-For} (one field, as web applications behind a reverse proxy read
   * it; what the client put there itself comes first and proves nothing).
   */
  static List<Map.Entry<String, String>> forwardedFrom(HttpRequest request, java.util.Optional<java.net.InetAddress> client) {
    List<Map.Entry<String, String>> fields = new ArrayList<>();
    List<String> chain = new ArrayList<>();
    for (Map.Entry<String, String> f : forwarded(request)) {
      if (f.getKey().equalsIgnoreCase("X-Forwarded-For")) {
        chain.add(f.getValue());
      } else {
        fields.add(f);
      }
    }
    client.ifPresent(a -> chain.add(a.getHostAddress()));
    if (!chain.isEmpty()) {
      fields.add(Map.entry("X-Forwarded-For", String.join(", ", chain)));
    }
    fields.add(Map.entry("Via", ResponseHeaders.VIA));
    return fields;
  }

  /** The request's end-to-end fields, to send upstream when it is relayed. */
  static List<Map.Entry<String, String>> forwarded(HttpRequest request) {
    List<String> connection = new ArrayList<>(1);
    for (HttpHeader h : request.getHeaders()) {
      if (h.is("connection")) {
        connection.add(h.value());
      }
    }
    HopByHop hopByHop = HopByHop.of(connection);
    List<Map.Entry<String, String>> fields = new ArrayList<>();
    for (HttpHeader h : request.getHeaders()) {
      String name = h.lowercaseName();
      if (!NOT_FORWARDED.contains(name) && !hopByHop.contains(name)) {
        fields.add(Map.entry(h.name(), h.value()));
      }
    }
    return fields;
  }
}
