package io.ispcache.origin;

import akka.NotUsed;
import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RawHeader;
import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import io.ispcache.freshness.Freshness;
import io.ispcache.freshness.HopByHop;
import io.ispcache.freshness.ResponseHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The one interpretation of an origin's answer to a ranged fetch: the bytes of a chunk (a 206
 * whose Content-Range is exactly the range asked for, or a 200 to cut them from), the object's end
 * (416), or an answer the cache relays as it came (any other status, or content it must not store)
 * with the origin's status, end-to-end headers and body.
 */
final class OriginAnswer {
  /** Relayed bodies up to this size are read whole before the reply, freeing the connection at once. */
  static final int SMALL_RELAY = 64 * 1024;

  private OriginAnswer() {}

  static CompletionStage<OriginReply> interpret(
      OriginRequest request, io.netty.handler.codec.http.HttpResponse head, OriginBody body, Materializer materializer) {
    try {
      return interpretOrFail(request, head, body, materializer);
    } catch (RuntimeException e) {
      body.discard();
      return CompletableFuture.failedFuture(e);
    }
  }

  private static CompletionStage<OriginReply> interpretOrFail(
      OriginRequest request, io.netty.handler.codec.http.HttpResponse head, OriginBody body, Materializer materializer) {
    HttpHeaders h = head.headers();
    int status = head.status().code();
    long length = contentLength(h);
    if (status == 206) {
      String contentRange = h.get("Content-Range");
      Optional<ContentRangeValue> range = ContentRangeValue.parse(contentRange);
      if (range.isEmpty()
          || range.get().first() != request.first()
          || range.get().last() != Math.min(request.last(), range.get().length() - 1)) {
        throw bad(request, "answered bytes=" + request.first() + "-" + request.last() + " with Content-Range " + contentRange);
      }
      ContentRangeValue r = range.get();
      if (length >= 0 && length != r.last() - r.first() + 1) {
        throw bad(request, "Content-Length " + length + " does not match its Content-Range " + contentRange);
      }
      OriginObject object = object(h, r.length());
      if (!object.headers().storable()) {
        throw new UncacheableException(request.host() + request.pathAndQuery());
      }
      return done(new OriginReply.Bytes(object, r.first(), r.last(), body.source(), body));
    }
    if (status == 304 && request.conditional()) {
      body.discard();
      long now = System.currentTimeMillis();
      return done(new OriginReply.NotModified(ResponseHeaders.fromOrigin(h, now), h.get("ETag"), now));
    }
    if (status == 200 && length >= 0 && object(h, length).headers().storable()) {
      if (request.first() >= length && length > 0) {
        body.discard();
        return done(new OriginReply.BeyondEnd(length));
      }
      long last = Math.min(request.last(), length - 1);
      // The origin ignored Range: cut the needed bytes out of the full body.
      Source<ByteString, NotUsed> bytes = body.source().via(ByteSlice.of(request.first(), last - request.first() + 1));
      return done(new OriginReply.Bytes(object(h, length), request.first(), last, bytes));
    }
    if (status == 416) {
      Optional<Long> total = ContentRangeValue.unsatisfiedLength(h.get("Content-Range"));
      body.discard();
      if (total.isEmpty()) {
        throw bad(request, "answered 416 without a Content-Range length");
      }
      if (total.get() == 0) {
        return done(new OriginReply.Bytes(object(h, 0), 0, -1, Source.empty()));
      }
      return done(new OriginReply.BeyondEnd(total.get()));
    }
    return relayed(head, length, body, materializer);
  }

  /**
   * The answer to a HEAD: a storable 200 with a length describes the object (no bytes); any other
   * answer is relayed as it came.
   */
  static CompletionStage<OriginReply> head(
      Origin origin, String what, io.netty.handler.codec.http.HttpResponse head, OriginBody body, Materializer materializer) {
    HttpHeaders h = head.headers();
    long length = contentLength(h);
    if (head.status().code() == 200 && length >= 0) {
      OriginObject object = object(h, length);
      if (object.headers().storable()) {
        body.discard();
        return done(new OriginReply.Bytes(object, 0, -1, Source.empty()));
      }
    }
    return relayed(head, 0, body, materializer); // an answer to HEAD has no body, whatever its length says
  }

  /** Any answer, relayed as it came (the origin forbade storing what the client asked for). */
  static CompletionStage<OriginReply> relay(
      io.netty.handler.codec.http.HttpResponse head, OriginBody body, Materializer materializer) {
    return relayed(head, contentLength(head.headers()), body, materializer);
  }

  /**
   * The answer as the client will get it: the origin's status and end-to-end headers (RFC 9110
   * §7.6.1: without the hop-by-hop fields and those Connection names), and its body, if any.
   */
  private static CompletionStage<OriginReply> relayed(
      io.netty.handler.codec.http.HttpResponse head, long length, OriginBody body, Materializer materializer) {
    HttpHeaders h = head.headers();
    HopByHop hopByHop = HopByHop.of(h.getAll("Connection"));
    List<HttpHeader> headers = new ArrayList<>();
    ContentType type = null;
    for (Map.Entry<String, String> e : h) {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      if (name.equals("content-type")) {
        type = contentType(e.getValue());
      } else if (!hopByHop.contains(name) && !NOT_RELAYED.contains(name)) {
        headers.add(RawHeader.create(e.getKey(), e.getValue()));
      }
    }
    int code = head.status().code();
    HttpResponse r =
        HttpResponse.create()
            .withStatus(StatusCodes.lookup(code).orElseGet(() -> StatusCodes.custom(code, head.status().reasonPhrase(), "", code < 400, true)))
            .addHeaders(headers);
    boolean bodiless = code == 204 || code == 304 || length == 0;
    if (bodiless) {
      body.discard();  // drained: the connection stays reusable
      return done(new OriginReply.Uncacheable(r.withEntity(type == null ? HttpEntities.EMPTY : HttpEntities.create(type, ByteString.emptyByteString()))));
    }
    ContentType t = type == null ? ContentTypes.APPLICATION_OCTET_STREAM : type;
    body.relayed();
    if (length > 0 && length <= SMALL_RELAY) {
      // Error pages and redirects: read now, so the connection is free whatever becomes of them.
      return body.source()
          .runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), materializer)
          .thenApply(bytes -> new OriginReply.Uncacheable(r.withEntity(HttpEntities.create(t, bytes))));
    }
    Source<ByteString, NotUsed> bytes = body.source();
    return done(new OriginReply.Uncacheable(
        length > 0 ? r.withEntity(HttpEntities.create(t, length, bytes)) : r.withEntity(HttpEntities.createChunked(t, bytes))));
  }

  /** Fields the content server writes itself, or the entity carries. */
  private static final Set<String> NOT_RELAYED = Set.of("content-length", "date", "server");

  /** The framed length, or -1 when the body is chunked or ends with the connection. */
  private static long contentLength(HttpHeaders h) {
    String v = h.get("Content-Length");
    if (v == null || h.contains("Transfer-Encoding")) {
      return -1;
    }
    return Long.parseLong(v.trim()); // the decoder accepted only a plain number
  }

  /** The object an answer describes, with the header fields a cache keeps of it. */
  private static OriginObject object(HttpHeaders h, long length) {
    String type = h.get("Content-Type");
    long now = System.currentTimeMillis();
    ResponseHeaders kept = ResponseHeaders.fromOrigin(h, now);
    return new OriginObject(
        length, h.get("ETag"), h.get("Last-Modified"), type == null ? "none/none" : type, kept, now, Freshness.initialAge(kept, now));
  }

  private static ContentType contentType(String value) {
    try {
      return ContentTypes.parse(value);
    } catch (RuntimeException e) {
      return ContentTypes.APPLICATION_OCTET_STREAM;
    }
  }

  private static OriginException bad(OriginRequest request, String what) {
    return new OriginException(OriginException.Kind.BAD_RESPONSE, "origin " + request.origin().name() + " " + what);
  }

  private static CompletionStage<OriginReply> done(OriginReply reply) {
    return CompletableFuture.completedFuture(reply);
  }
}
