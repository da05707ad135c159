package io.ispcache.peer;

import akka.NotUsed;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import io.ispcache.origin.OriginObject;

/** A chunk streaming in from a peer, with what the peer knows of the whole object. */
public record PeerChunk(OriginObject object, Source<ByteString, NotUsed> body) {}
