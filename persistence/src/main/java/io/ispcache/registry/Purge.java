package io.ispcache.registry;

import io.ispcache.serialization.CborSerializable;
import java.time.Instant;

/**
 * An operator's cluster-wide invalidation, as recorded: number {@code seq} (1, 2, 3… in the order
 * recorded), what was asked ({@code target}, the URL or URL prefix as given), the cache key or key
 * prefix it names, who and when. A node drops the objects under {@code key} that it stored at or
 * before {@code at}; an object stored later is a fresh copy and stays.
 */
public record Purge(long seq, String target, String key, boolean prefix, String actor, Instant at) implements CborSerializable {}
