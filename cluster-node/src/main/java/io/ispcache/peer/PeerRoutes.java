package io.ispcache.peer;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.handleRejections;
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

/**
 * The chunk transfer port: other cache nodes pull chunks this node holds, or is filling right
 * now (they then receive the bytes as they arrive from the origin).
 */
public final class PeerRoutes {
  private final ChunkStore store;
  private final NodeMetrics metrics;

  public PeerRoutes(ChunkStore store, NodeMetrics metrics) {
    this.store = store;
    this.metrics = metrics;
  }

  public Route route() {
    RejectionHandler rejections =
        RejectionHandler.newBuilder()
            .handleNotFound(complete(ErrorResponses.of(404, "not_found", "no such peer endpoint")))
            .handleAll(
                akka.http.javadsl.server.MethodRejection.class,
                r -> complete(ErrorResponses.of(405, "method_not_allowed", "only GET is served here")))
            .build();
    return handleRejections(
        rejections,
        () ->
            get(
                () ->
                    path(
                        segment("objects").slash(segment()).slash("chunks").slash(longSegment()),
                        (key, index) ->
                            parameterOptional("version", version -> complete(chunk(key, index, version))))));
  }

  HttpResponse chunk(String encodedKey, long index, Optional<String> version) {
    String key;
    try {
      key = PeerProtocol.decode(encodedKey);
    } catch (IllegalArgumentException e) {
      return ErrorResponses.of(400, "bad_key", "the object key is not URL-safe base64");
    }
    Optional<ObjectMeta> stored = store.meta(key);
    if (stored.isEmpty()) {
      return ErrorResponses.of(404, "not_held", "this node holds nothing of that object");
    }
    ObjectMeta meta = stored.get();
    if (version.isPresent() && !version.get().equals(meta.version())) {
      return ErrorResponses.of(409, "other_version", "this node holds version " + meta.version());
    }
    long chunkSize = store.chunkSize();
    long chunks = (meta.length() + chunkSize - 1) / chunkSize;
    if (index < 0 || index >= chunks) {
      return ErrorResponses.of(404, "not_held", "the object has no chunk " + index);
    }
    ChunkId id = new ChunkId(key, meta.version(), index);
    if (!store.has(id) && store.fillInProgress(id).isEmpty()) {
      return ErrorResponses.of(404, "not_held", "this node does not hold chunk " + index);
    }
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
    return HttpResponse.create()
        .withEntity(
            HttpEntities.create(
                ContentTypes.APPLICATION_OCTET_STREAM,
                length,
                store.read(id, 0, length).map(b -> {
                  metrics.peerServedBytes.add(b.size());
                  return b;
                })))
        .addHeaders(headers);
  }
}
