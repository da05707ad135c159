package io.ispcache.object;

import io.ispcache.origin.Origin;
import java.util.List;
import java.util.Map;

/**
 * Where an object comes from and what it is stored under.
 *
 * @param host the CDN host the client named
 * @param pathAndQuery the request target sent upstream
 * @param key the cache key: origin (or its shared key space) and path, query only by policy
 * @param forwarded the end-to-end request fields of the client whose request fetches it, sent
 *     upstream with its fills (never credentials, conditionals, Range or Accept-Encoding: see
 *     {@code RequestCaching}); a response that varies on any of them is not stored
 */
public record ObjectAddress(Origin origin, String host, String pathAndQuery, String key, List<Map.Entry<String, String>> forwarded) {

  public ObjectAddress {
    forwarded = forwarded == null ? List.of() : List.copyOf(forwarded);
  }

  public ObjectAddress(Origin origin, String host, String pathAndQuery, String key) {
    this(origin, host, pathAndQuery, key, List.of());
  }

  /** The same object, fetched with {@code fields} of the client's request. */
  public ObjectAddress forwarding(List<Map.Entry<String, String>> fields) {
    return new ObjectAddress(origin, host, pathAndQuery, key, fields);
  }
}
