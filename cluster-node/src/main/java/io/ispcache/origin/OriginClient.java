package io.ispcache.origin;

import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Ranged GETs against upstream CDNs over Netty: one event-loop group for every origin, a bounded
 * pool of keep-alive connections per destination (an origin's host, its upstream address, maybe
 * through a CONNECT proxy), exact framing, and a deadline on every wait. Bodies are handed on as
 * they arrive, only as fast as their consumer takes them ({@link OriginBody}); what an answer
 * means is decided in one place ({@link OriginAnswer}).
 */
public final class OriginClient implements AutoCloseable {
  static final String USER_AGENT = "ispcache/0.1";

  private final OriginSettings settings;
  private final Upstreams upstreams;
  private final Executor fillThreads;
  private final akka.stream.Materializer materializer;

  /**
   * @param fillThreads where bodies are handed to chunk fills (which write to disk): a bounded
   *     executor for blocking I/O
   */
  public OriginClient(ActorSystem<?> system, OriginSettings settings, Executor fillThreads) {
    this(settings, fillThreads, akka.stream.Materializer.matFromSystem(system));
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "close-origin-connections",
            () -> CompletableFuture.supplyAsync(
                () -> {
                  close();
                  return akka.Done.getInstance();
                },
                fillThreads));
  }

  OriginClient(OriginSettings settings, Executor fillThreads, akka.stream.Materializer materializer) {
    this.settings = settings;
    this.fillThreads = fillThreads;
    this.materializer = materializer;
    this.upstreams = new Upstreams(settings, Runtime.getRuntime().availableProcessors(), fillThreads);
  }

  /**
   * Fetches {@code [first, last]}; the stage fails with {@link OriginException} when upstream
   * fails, and completes on an event loop of the client (continue on an executor of your own).
   */
  public CompletionStage<OriginReply> fetch(OriginRequest request) {
    Supplier<HttpRequest> http =
        () -> {
          HttpRequest r =
              new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, request.pathAndQuery(), Unpooled.EMPTY_BUFFER);
          for (java.util.Map.Entry<String, String> f : request.forwarded()) {
            r.headers().add(f.getKey(), f.getValue());
          }
          r.headers()
              .set(HttpHeaderNames.HOST, request.host())
              .set(HttpHeaderNames.RANGE, "bytes=" + request.first() + "-" + request.last())
              // The stored copy serves every client, whatever codings it accepts (RFC 9110 §12.5.3:
              // no Accept-Encoding would let the origin choose any coding).
              .set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.IDENTITY);
          if (!r.headers().contains(HttpHeaderNames.USER_AGENT)) {
            r.headers().set(HttpHeaderNames.USER_AGENT, USER_AGENT);
          }
          if (request.ifNoneMatch() != null) {
            r.headers().set(HttpHeaderNames.IF_NONE_MATCH, request.ifNoneMatch());
          }
          if (request.ifModifiedSince() != null) {
            r.headers().set(HttpHeaderNames.IF_MODIFIED_SINCE, request.ifModifiedSince());
          }
          return r;
        };
    Upstreams.Destination destination = Upstreams.destination(request.origin(), request.host());
    return send(destination, http, settings.exchangeTimeout().toNanos(), 0)
        .thenCompose(r -> OriginAnswer.interpret(request, r.head(), r.body(), materializer));
  }

  /**
   * A HEAD of the object, for a client's HEAD of an object the node does not know: what the
   * origin says of it ({@link OriginReply.Bytes} with no bytes, to store the meta from), and
   * nothing fetched.
   */
  public CompletionStage<OriginReply> head(Origin origin, String host, String pathAndQuery) {
    Supplier<HttpRequest> http =
        () -> {
          HttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.HEAD, pathAndQuery, Unpooled.EMPTY_BUFFER);
          r.headers()
              .set(HttpHeaderNames.HOST, host)
              .set(HttpHeaderNames.USER_AGENT, USER_AGENT)
              .set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.IDENTITY);
          return r;
        };
    return send(Upstreams.destination(origin, host), http, settings.exchangeTimeout().toNanos(), 0)
        .thenCompose(r -> OriginAnswer.head(origin, host + pathAndQuery, r.head(), r.body(), materializer));
  }

  /**
   * The client's own GET or HEAD with its end-to-end header fields ({@code forwarded}: already
   * without hop-by-hop fields and Host), sent upstream and answered as it comes, for content the
   * cache must not store or serve from its store (the origin forbids it, or the request carries
   * credentials); nothing of it is kept. No whole-exchange deadline: the client reads it.
   */
  public CompletionStage<OriginReply> relay(
      Origin origin, String host, String method, String pathAndQuery, java.util.List<java.util.Map.Entry<String, String>> forwarded) {
    Supplier<HttpRequest> http =
        () -> {
          HttpRequest r =
              new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), pathAndQuery, Unpooled.EMPTY_BUFFER);
          for (java.util.Map.Entry<String, String> f : forwarded) {
            r.headers().add(f.getKey(), f.getValue());
          }
          r.headers().set(HttpHeaderNames.HOST, host);
          if (!r.headers().contains(HttpHeaderNames.USER_AGENT)) {
            r.headers().set(HttpHeaderNames.USER_AGENT, USER_AGENT);
          }
          return r;
        };
    return send(Upstreams.destination(origin, host), http, 0, 0)
        .thenCompose(r -> OriginAnswer.relay(r.head(), r.body(), materializer));
  }

  /**
   * A client's request of any method but CONNECT sent upstream with its end-to-end header fields
   * ({@code forwarded}, without hop-by-hop fields, Host and Expect) and its {@code body} (read
   * whole by the content server, within its limit), the answer relayed as it comes ({@link
   * OriginReply.Uncacheable}); nothing of it is stored. Interim (1xx) answers are passed over, as
   * on every exchange. A request found on a pooled connection the origin had closed is sent again
   * only when its method is idempotent (RFC 9110 §9.2.2): a POST the origin may have seen before it
   * hung up is not repeated, the client gets the failure. No whole-exchange deadline: the client
   * reads the answer.
   */
  public CompletionStage<OriginReply> forward(
      Origin origin,
      String host,
      String method,
      String pathAndQuery,
      java.util.List<java.util.Map.Entry<String, String>> forwarded,
      akka.util.ByteString body) {
    Supplier<HttpRequest> http =
        () -> {
          // A buffer of its own per attempt: the request is released once it is written.
          HttpRequest r =
              new DefaultFullHttpRequest(
                  HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), pathAndQuery, Unpooled.wrappedBuffer(body.asByteBuffer()));
          for (java.util.Map.Entry<String, String> f : forwarded) {
            r.headers().add(f.getKey(), f.getValue());
          }
          r.headers().set(HttpHeaderNames.HOST, host);
          if (!body.isEmpty() || BODY_EXPECTED.contains(method)) {
            // RFC 9110 §8.6: a POST, PUT or PATCH without content still says so, for servers that wait for one.
            r.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.size());
          }
          if (!r.headers().contains(HttpHeaderNames.USER_AGENT)) {
            r.headers().set(HttpHeaderNames.USER_AGENT, USER_AGENT);
          }
          return r;
        };
    return send(Upstreams.destination(origin, host), http, 0, 0, IDEMPOTENT.contains(method))
        .thenCompose(r -> OriginAnswer.relay(r.head(), r.body(), materializer));
  }

  /** Methods whose requests may be sent again when a pooled connection turns out closed (RFC 9110 §9.2.2). */
  static final java.util.Set<String> IDEMPOTENT = java.util.Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

  /** Methods that carry content by definition (RFC 9110 §9.3). */
  private static final java.util.Set<String> BODY_EXPECTED = java.util.Set.of("POST", "PUT", "PATCH");

  /** How long an origin has to start answering. */
  public java.time.Duration responseTimeout() {
    return settings.responseTimeout();
  }

  /** Connections pooled at most per destination, and fetches that may wait for one. */
  private CompletableFuture<Exchange.Response> send(
      Upstreams.Destination destination, Supplier<HttpRequest> request, long wholeNanos, int attempt) {
    return send(destination, request, wholeNanos, attempt, true);
  }

  /** With {@code mayResend}: whether the request may go again on a new connection when a pooled one was stale. */
  private CompletableFuture<Exchange.Response> send(
      Upstreams.Destination destination, Supplier<HttpRequest> request, long wholeNanos, int attempt, boolean mayResend) {
    UpstreamPool pool = upstreams.pool(destination);
    return pool.acquire()
        .thenCompose(
            lease -> {
              if (lease == null) {
                return send(destination, request, wholeNanos, attempt, mayResend); // the pool retired meanwhile
              }
              HttpRequest http;
              try {
                http = request.get();
              } catch (RuntimeException e) {
                pool.release(lease.channel(), true); // nothing was sent on it
                return CompletableFuture.failedFuture(
                    new OriginException(OriginException.Kind.BAD_RESPONSE, "the request cannot be sent upstream: " + e.getMessage(), e));
              }
              Exchange x =
                  new Exchange(
                      http,
                      destination.origin(),
                      pool,
                      lease,
                      fillThreads,
                      settings.responseTimeout().toNanos(),
                      settings.idleTimeout().toNanos(),
                      wholeNanos);
              lease.channel()
                  .eventLoop()
                  .execute(
                      () -> {
                        ExchangeHandler handler = lease.channel().pipeline().get(ExchangeHandler.class);
                        if (handler == null || !handler.start(x)) {
                          // Closed meanwhile (the origin hung up, or talked out of turn).
                          pool.release(lease.channel(), false);
                          x.response().completeExceptionally(
                              new Exchange.StaleConnection(
                                  new OriginException(OriginException.Kind.UNREACHABLE, "pooled connection closed")));
                        }
                      });
              return x.response();
            })
        .exceptionallyCompose(
            e -> {
              Throwable cause = unwrap(e);
              if (cause instanceof Exchange.StaleConnection stale) {
                // A request on a connection the origin had already closed was never seen: a GET is
                // safe to send again, once, on a new connection.
                return mayResend && attempt < 2
                    ? send(destination, request, wholeNanos, attempt + 1, true)
                    : CompletableFuture.failedFuture(stale.getCause());
              }
              return CompletableFuture.failedFuture(cause);
            });
  }

  /** Its figures for the node's metrics. */
  public io.ispcache.metrics.NodeMetrics.Upstream figures() {
    return new io.ispcache.metrics.NodeMetrics.Upstream() {
      @Override
      public int openConnections() {
        return upstreams.connectionsOpen();
      }

      @Override
      public int pools() {
        return upstreams.poolCount();
      }
    };
  }

  /** Destinations with a connection pool right now (pools of unused destinations are retired). */
  int poolCount() {
    return upstreams.poolCount();
  }

  int connectionsOpened() {
    return upstreams.connectionsOpened();
  }

  @Override
  public void close() {
    upstreams.close();
  }

  static Throwable unwrap(Throwable e) {
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
