package io.ispcache.registry;

import io.ispcache.serialization.CborSerializable;
import java.time.Instant;
import java.util.List;

/** An ISP tenant. API keys are kept only as SHA-256 hashes. */
public record Customer(String id, String name, List<String> apiKeyHashes, Instant createdAt) implements CborSerializable {}
