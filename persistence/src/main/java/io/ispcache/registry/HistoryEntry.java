package io.ispcache.registry;

import io.ispcache.serialization.CborSerializable;
import java.time.Instant;

/**
 * One change to a cache node: when, by whom, and what. {@code cause} is, for a change the registry
 * made on its own (a re-evaluation), the change elsewhere that led to it: operators see it,
 * customers do not (it may name another customer). Null in journals from before it existed.
 */
public record HistoryEntry(Instant at, String actor, String change, String cause) implements CborSerializable {
  /** The actor of changes the registry makes itself. */
  public static final String REGISTRY = "registry";
}
