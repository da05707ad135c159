package io.ispcache.peer;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.completeWithFuture;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.handleRejections;
import static akka.http.javadsl.server.Directives.optionalHeaderValueByName;
import static akka.http.javadsl.server.Directives.parameterOptional;
import static akka.http.javadsl.server.Directives.path;
import static akka.http.javadsl.server.PathMatchers.longSegment;
import static akka.http.javadsl.server.PathMatchers.segment;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.server.RejectionHandler;
import akka.http.javadsl.server.Route;
import io.ispcache.content.ErrorResponses;
import io.ispcache.metrics.NodeMetrics;
import io.ispcache.store.ChunkId;
import io.ispcache.store.ChunkStore;
import io.ispcache.store.ObjectMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The chunk transfer port: other cache nodes pull chunks this node holds, or is filling right
 * now (they then receive the bytes as they arrive from the origin). Only members of the cluster,
 * which present its shared {@link PeerSecret}, are served; anyone else gets a 403 before any path
 * is looked at, so the port neither serves nor reveals what is cached (the content port's
 * client ACL is not bypassed through it).
 */
public final class PeerRoutes {
  private final ChunkStore store;
  private final HeldChunks held;
  private final NodeMetrics metrics;
  private final PeerSecret secret;

  public PeerRoutes(ChunkStore store, HeldChunks held, NodeMetrics metrics, PeerSecret secret) {
    this.store = store;
    this.held = held;
    this.metrics = metrics;
    this.secret = secret;
  }

  public Route route() {
    RejectionHandler rejections = ErrorResponses.getOnly("no such peer endpoint");
    return optionalHeaderValueByName(PeerProtocol.SECRET, presented ->
        secret.admits(presented.orElse(null))
            ? chunks(rejections)
            : complete(ErrorResponses.of(403, "not_a_peer", "this port serves the members of its cache cluster only")));
  }

  private Route chunks(RejectionHandler rejections) {
    return handleRejections(
        rejections,
        () ->
            get(
                () ->
                    path(
                        segment("objects").slash(segment()).slash("chunks").slash(longSegment()),
                        (key, index) ->
                            parameterOptional("version", version ->
                                parameterOptional(PeerProtocol.FILL_FOR, fillFor -> completeWithFuture(chunk(key, index, version, fillFor)))))));
  }

  CompletionStage<HttpResponse> chunk(String encodedKey, long index, Optional<String> version, Optional<String> fillFor) {
    String key;
    try {
      key = PeerProtocol.decode(encodedKey);
    } catch (IllegalArgumentException e) {
      return done(ErrorResponses.of(400, "bad_key", "the object key is not URL-safe base64"));
    }
    if (index < 0) {
      return done(ErrorResponses.of(400, "bad_index", "chunk index must not be negative"));
    }
    String[] address = null;
    if (fillFor.isPresent()) {
      try {
        address = PeerProtocol.decode(fillFor.get()).split("\n", 2);
      } catch (IllegalArgumentException e) {
        address = new String[0];
      }
      if (address.length != 2 || !address[1].startsWith("/")) {
        return done(ErrorResponses.of(400, "bad_address", "fill-for must be <host>\\n<path> in URL-safe base64"));
      }
    }
    String[] fillAddress = address;
    return held.await(key, version.orElse(null), index)
        .thenCompose(meta -> meta.isPresent() || fillAddress == null
            ? CompletableFuture.completedFuture(meta)
            : held.fill(key, index, fillAddress[0], fillAddress[1]).thenApply(m -> m.filter(f -> version.isEmpty() || f.version().equals(version.get()))))
        .thenApply(meta -> meta.map(m -> respond(key, index, m)).orElseGet(() -> notHeld(index)))
        .exceptionally(e -> notHeld(index));
  }

  private static HttpResponse notHeld(long index) {
    return ErrorResponses.of(404, "not_held", "this node does not hold chunk " + index);
  }

  private static CompletionStage<HttpResponse> done(HttpResponse r) {
    return CompletableFuture.completedFuture(r);
  }

  private HttpResponse respond(String key, long index, ObjectMeta meta) {
    long chunkSize = store.chunkSize();
    ChunkId id = new ChunkId(key, meta.version(), index);
    long length = Math.min(chunkSize, meta.length() - index * chunkSize);
    List<HttpHeader> headers = new ArrayList<>();
    headers.add(RawHeader.create(PeerProtocol.LENGTH, Long.toString(meta.length())));
    headers.add(RawHeader.create(PeerProtocol.VERSION, meta.version()));
    if (meta.etag() != null) {
      headers.add(RawHeader.create(PeerProtocol.ETAG, meta.etag()));
    }
    if (meta.lastModified() != null) {
      headers.add(RawHeader.create(PeerProtocol.LAST_MODIFIED, meta.lastModified()));
    }
    if (meta.contentType() != null) {
      headers.add(RawHeader.create(PeerProtocol.CONTENT_TYPE, meta.contentType()));
    }
    headers.add(RawHeader.create(PeerProtocol.HEADERS, PeerProtocol.encode(meta.headers().encode())));
    headers.add(RawHeader.create(PeerProtocol.VALIDATED, meta.validatedAtMillis() + " " + meta.initialAgeMillis()));
    return HttpResponse.create()
        .withEntity(
            HttpEntities.create(
                ContentTypes.APPLICATION_OCTET_STREAM,
                length,
                store.read(id, 0, length).map(b -> {
                  metrics.peerServed(b.size());
                  return b;
                })))
        .addHeaders(headers);
  }
}
