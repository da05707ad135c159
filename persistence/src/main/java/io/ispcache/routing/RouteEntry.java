package io.ispcache.routing;

import io.ispcache.serialization.CborSerializable;

/** One CIDR block of a routable node, as published to every cluster member. */
public record RouteEntry(String block, NodeRoute route) implements CborSerializable {}
