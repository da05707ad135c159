package io.ispcache.registry;

import io.ispcache.serialization.CborSerializable;
import java.time.Instant;

/**
 * What stays of a deleted cache node (a tombstone): whose it was and its name, so that its owner
 * and operators can still read its history, and who deleted it when. Its IP space is free again.
 */
public record DeletedNode(String id, String customerId, String name, Instant deletedAt, String deletedBy)
    implements CborSerializable {}
