package io.ispcache.origin;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.ClientTransport;
import akka.http.javadsl.Http;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.settings.ClientConnectionSettings;
import akka.http.javadsl.settings.ConnectionPoolSettings;
import akka.japi.pf.PFBuilder;
import akka.stream.Materializer;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import io.ispcache.concurrent.Stages;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import scala.concurrent.duration.FiniteDuration;

/**
 * Ranged GETs against upstream CDNs over pooled keep-alive connections, one pool per origin (so an
 * upstream-address override or proxy applies to that origin only).
 */
public final class OriginClient {
  private static final String USER_AGENT = "ispcache/0.1";

  private final ActorSystem<?> system;
  private final Http http;
  private final Materializer materializer;
  private final OriginSettings settings;
  private final Map<String, ConnectionPoolSettings> pools = new ConcurrentHashMap<>();
  private final WireOrigin wire;

  public OriginClient(ActorSystem<?> system, OriginSettings settings) {
    this.system = system;
    this.http = Http.get(system);
    this.materializer = Materializer.matFromSystem(system);
    this.settings = settings;
    this.wire = new WireOrigin(settings, USER_AGENT);
    akka.actor.CoordinatedShutdown.get(system)
        .addTask(
            akka.actor.CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "close-origin-connections",
            () -> {
              wire.close();
              return CompletableFuture.completedFuture(akka.Done.getInstance());
            });
  }

  /**
   * Fetches {@code [first, last]}; the stage fails with {@link OriginException} when upstream fails.
   * Direct origins are fetched over {@link WireOrigin}'s connections, proxied ones through Akka HTTP.
   */
  public CompletionStage<OriginReply> fetch(OriginRequest request) {
    if (request.origin().upstreamProxy().isEmpty()) {
      return wire.fetch(request);
    }
    HttpRequest http =
        HttpRequest.GET("http://" + request.host() + request.pathAndQuery())
            .addHeader(RawHeader.create("Range", "bytes=" + request.first() + "-" + request.last()))
            .addHeader(RawHeader.create("User-Agent", USER_AGENT));
    return send(request.origin(), http).thenApply(response -> interpret(request, response));
  }

  /** Sends the client's own request upstream unchanged in meaning, for content the cache keeps out. */
  public CompletionStage<HttpResponse> relay(Origin origin, String host, String pathAndQuery) {
    HttpRequest http =
        HttpRequest.GET("http://" + host + pathAndQuery)
            .addHeader(RawHeader.create("User-Agent", USER_AGENT));
    return send(origin, http);
  }

  private CompletionStage<HttpResponse> send(Origin origin, HttpRequest request) {
    AtomicBoolean abandoned = new AtomicBoolean();
    CompletableFuture<HttpResponse> sent =
        Stages.plain(
            http.singleRequest(
                request,
                http.defaultClientHttpsContext(),
                pool(origin),
                system.classicSystem().log()));
    // A response that arrives after we gave up must still be drained, or its connection stalls.
    sent.thenAccept(r -> {
      if (abandoned.get()) {
        r.discardEntityBytes(materializer);
      }
    });
    return sent.copy()
        .orTimeout(settings.responseTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .exceptionally(
            e -> {
              abandoned.set(true);
              throw translate(origin, unwrap(e));
            });
  }

  private OriginReply interpret(OriginRequest request, HttpResponse response) {
    int status = response.status().intValue();
    if (status == 206) {
      return partial(request, response);
    }
    if (status == 200) {
      return whole(request, response);
    }
    if (status == 416) {
      Optional<Long> length =
          ContentRangeValue.unsatisfiedLength(header(response, "Content-Range"));
      response.discardEntityBytes(materializer);
      if (length.isEmpty()) {
        throw new OriginException(
            OriginException.Kind.BAD_RESPONSE, "origin answered 416 without Content-Range length");
      }
      if (length.get() == 0) {
        return new OriginReply.Bytes(object(response, 0), 0, -1, Source.empty());
      }
      return new OriginReply.BeyondEnd(length.get());
    }
    if (status >= 500) {
      response.discardEntityBytes(materializer);
      throw new OriginException(
          OriginException.Kind.SERVER_ERROR, "origin answered " + status + " for " + request.host() + request.pathAndQuery());
    }
    return new OriginReply.Uncacheable(response);
  }

  private OriginReply partial(OriginRequest request, HttpResponse response) {
    Optional<ContentRangeValue> range =
        ContentRangeValue.parse(header(response, "Content-Range"));
    long wantedLast = request.last();
    if (range.isEmpty()
        || range.get().first() != request.first()
        || range.get().last() != Math.min(wantedLast, range.get().length() - 1)) {
      response.discardEntityBytes(materializer);
      throw new OriginException(
          OriginException.Kind.BAD_RESPONSE,
          "origin answered bytes=" + request.first() + "-" + request.last()
              + " with Content-Range " + header(response, "Content-Range"));
    }
    if (noStore(response)) {
      response.discardEntityBytes(materializer);
      throw new UncacheableException(request.host() + request.pathAndQuery());
    }
    ContentRangeValue r = range.get();
    return new OriginReply.Bytes(object(response, r.length()), r.first(), r.last(), body(response));
  }

  private OriginReply whole(OriginRequest request, HttpResponse response) {
    if (noStore(response) || response.entity().getContentLengthOption().isEmpty()) {
      // Without a length nothing can be chunked; the client gets the origin's answer as it is.
      return new OriginReply.Uncacheable(response);
    }
    long length = response.entity().getContentLengthOption().getAsLong();
    if (request.first() >= length && length > 0) {
      response.discardEntityBytes(materializer);
      return new OriginReply.BeyondEnd(length);
    }
    long last = Math.min(request.last(), length - 1);
    // The origin ignored Range: cut the needed bytes out of the full body.
    Source<ByteString, NotUsed> body =
        body(response).via(ByteSlice.of(request.first(), last - request.first() + 1));
    return new OriginReply.Bytes(object(response, length), request.first(), last, body);
  }

  private Source<ByteString, NotUsed> body(HttpResponse response) {
    return response
        .entity()
        .getDataBytes()
        .idleTimeout(settings.idleTimeout())
        .mapError(
            new PFBuilder<Throwable, Throwable>()
                .match(OriginException.class, e -> e)
                .match(
                    TimeoutException.class,
                    e -> new OriginException(OriginException.Kind.TIMEOUT, "origin stalled mid-body", e))
                .matchAny(
                    e ->
                        new OriginException(
                            OriginException.Kind.UNREACHABLE,
                            "origin broke off mid-body: " + e.getMessage(),
                            e))
                .build())
        .mapMaterializedValue(m -> NotUsed.getInstance());
  }

  private static boolean noStore(HttpResponse response) {
    String cc = header(response, "Cache-Control");
    if (cc == null) {
      return false;
    }
    String v = cc.toLowerCase(Locale.ROOT);
    return v.contains("no-store") || v.contains("private");
  }

  private static OriginObject object(HttpResponse response, long length) {
    return new OriginObject(
        length,
        header(response, "ETag"),
        header(response, "Last-Modified"),
        response.entity().getContentType().toString());
  }

  static String header(HttpResponse response, String name) {
    return response.getHeader(name).map(HttpHeader::value).orElse(null);
  }

  private ConnectionPoolSettings pool(Origin origin) {
    return pools.computeIfAbsent(origin.name(), n -> buildPool(origin));
  }

  private ConnectionPoolSettings buildPool(Origin origin) {
    ClientConnectionSettings connection =
        ClientConnectionSettings.create(system.classicSystem())
            .withConnectingTimeout(finite(settings.connectTimeout()))
            .withIdleTimeout(finite(settings.idleTimeout()))
            .withUserAgentHeader(Optional.empty());
    ConnectionPoolSettings pool =
        ConnectionPoolSettings.create(system.classicSystem())
            .withConnectionSettings(connection)
            .withMaxConnections(settings.maxConnectionsPerHost())
            .withMaxOpenRequests(1024)
            // A failed fetch is answered to the client at once; the next request retries.
            .withMaxRetries(0);
    if (origin.upstreamProxy().isPresent()) {
      InetSocketAddress proxy = origin.upstreamProxy().get();
      return pool.withTransport(
          ClientTransport.httpsProxy(InetSocketAddress.createUnresolved(proxy.getHostString(), proxy.getPort())));
    }
    if (origin.upstreamAddress().isPresent()) {
      InetSocketAddress target = origin.upstreamAddress().get();
      return pool.withTransport(
          ClientTransport.withCustomResolver(
              (host, port) ->
                  CompletableFuture.supplyAsync(
                      () -> new InetSocketAddress(target.getHostString(), target.getPort()),
                      system.executionContext())));
    }
    return pool;
  }

  private static FiniteDuration finite(java.time.Duration d) {
    return FiniteDuration.create(d.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  private static Throwable unwrap(Throwable e) {
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  private static RuntimeException translate(Origin origin, Throwable e) {
    if (e instanceof OriginException oe) {
      return oe;
    }
    if (e instanceof UncacheableException ue) {
      return ue;
    }
    if (e instanceof TimeoutException) {
      return new OriginException(
          OriginException.Kind.TIMEOUT, "origin " + origin.name() + " did not answer in time", e);
    }
    if (e instanceof ConnectException || e instanceof akka.stream.StreamTcpException) {
      return new OriginException(
          OriginException.Kind.UNREACHABLE, "origin " + origin.name() + " unreachable: " + e.getMessage(), e);
    }
    return new OriginException(
        OriginException.Kind.UNREACHABLE, "origin " + origin.name() + " failed: " + e.getMessage(), e);
  }
}
