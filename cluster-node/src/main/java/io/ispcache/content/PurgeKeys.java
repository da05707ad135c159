package io.ispcache.content;

import io.ispcache.api.PurgeTargets;
import io.ispcache.origin.OriginSettings;
import java.util.Optional;

/**
 * The admin plane's purge requests mapped to cache keys by {@link ContentTarget} itself, so a purge
 * names exactly the key a client's request for the same URL is stored under.
 */
public final class PurgeKeys implements PurgeTargets {
  private final OriginSettings origins;

  public PurgeKeys(OriginSettings origins) {
    this.origins = origins;
  }

  @Override
  public String cacheKey(String host, String rawPath, String rawQuery) {
    try {
      String target = rawQuery == null || rawQuery.isEmpty() ? rawPath : rawPath + "?" + rawQuery;
      return ContentTarget.resolve(origins, target, Optional.of(host)).key();
    } catch (ContentError e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }
}
