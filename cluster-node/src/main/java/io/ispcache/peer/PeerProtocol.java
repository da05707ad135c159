package io.ispcache.peer;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The chunk transfer endpoint's names, shared by {@link PeerRoutes} and {@link PeerClient}. */
final class PeerProtocol {
  static final String LENGTH = "X-Ispcache-Object-Length";
  static final String ETAG = "X-Ispcache-Object-ETag";
  static final String LAST_MODIFIED = "X-Ispcache-Object-Last-Modified";
  static final String CONTENT_TYPE = "X-Ispcache-Object-Content-Type";
  static final String VERSION = "X-Ispcache-Object-Version";
  /** The object's stored origin header fields, URL-safe base64 of their encoded form. */
  static final String HEADERS = "X-Ispcache-Object-Headers";
  /** When the origin last confirmed the revision, and its age then: {@code <epoch ms> <age ms>}. */
  static final String VALIDATED = "X-Ispcache-Object-Validated";

  /**
   * Query parameter of a pull from a stand-in coordinator ({@code io.ispcache.object.PeerDirectory}):
   * {@code <host>\n<path and query>} in URL-safe base64, the object's address. A node that neither
   * holds nor fills the chunk then fills it (from the origin) and sends it as it arrives.
   */
  static final String FILL_FOR = "fill-for";

  /** The cluster's shared secret ({@link PeerSecret}), on every request a node sends a peer. */
  static final String SECRET = "X-Ispcache-Peer-Secret";

  private PeerProtocol() {}

  /** {@code /objects/<key>/chunks/<index>} with the key in URL-safe base64. */
  static String path(String key, long index) {
    return "/objects/" + encode(key) + "/chunks/" + index;
  }

  static String encode(String key) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
  }

  static String decode(String encoded) {
    return new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
  }
}
