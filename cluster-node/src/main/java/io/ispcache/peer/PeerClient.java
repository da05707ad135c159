package io.ispcache.peer;

import akka.NotUsed;
import akka.actor.Cancellable;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.settings.ClientConnectionSettings;
import akka.http.javadsl.settings.ConnectionPoolSettings;
import akka.stream.KillSwitches;
import akka.stream.Materializer;
import akka.stream.SharedKillSwitch;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import io.ispcache.concurrent.Stages;
import io.ispcache.freshness.ResponseHeaders;
import io.ispcache.origin.OriginObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import scala.concurrent.duration.FiniteDuration;

/**
 * Pulls chunks from other cache nodes' transfer ports over pooled keep-alive connections. Every
 * step of a pull has a deadline ({@link PeerTimeouts}): a dead peer fails its pulls at once (its
 * connections are refused, and the pool does not back off for longer than {@link #MAX_BACKOFF}), a
 * silent one within the response or idle timeout; the caller then takes the chunk elsewhere.
 */
public final class PeerClient {
  /**
   * Longest the pool waits between connection attempts to a peer that refused one. Akka HTTP's
   * default doubles up to 2 min, and a pull queued behind that wait stalled its client for as long;
   * a refused peer is tried again within this, and each pull still ends within its deadline.
   */
  static final Duration MAX_BACKOFF = Duration.ofMillis(200);

  private final ActorSystem<?> system;
  private final Http http;
  private final Materializer materializer;
  private final ConnectionPoolSettings pool;
  private final PeerTimeouts timeouts;
  private final PeerSecret secret;
  /**
   * Peers that went silent lately (a pull timed out while the cluster finds the peer unreachable),
   * until when (System.nanoTime()): pulls from them fail at once meanwhile, and the pulls waiting on
   * them when they went silent are failed together, so a hung peer costs a reader one timeout, not
   * one per chunk it had asked that peer for.
   */
  private final ConcurrentHashMap<String, Long> silentUntil = new ConcurrentHashMap<>();
  /** Per peer: what waits on it (answers, bodies), ended at once when it is found silent. */
  private final ConcurrentHashMap<String, Waiting> pending = new ConcurrentHashMap<>();

  /** The pulls waiting on one peer: their answers, and a switch that ends their bodies. */
  private record Waiting(java.util.Set<CompletableFuture<HttpResponse>> answers, SharedKillSwitch bodies) {}
  /** How long a silent peer is not asked: about until the cluster has downed it, or it answers again. */
  static final Duration SILENCE = Duration.ofSeconds(10);

  /** {@code secret}: the cluster's, sent with every request (none: peers on loopback). */
  public PeerClient(ActorSystem<?> system, PeerTimeouts timeouts, PeerSecret secret) {
    this.system = system;
    this.secret = secret;
    this.http = Http.get(system);
    this.materializer = Materializer.matFromSystem(system);
    this.timeouts = timeouts;
    this.pool =
        ConnectionPoolSettings.create(system.classicSystem())
            .withConnectionSettings(
                ClientConnectionSettings.create(system.classicSystem())
                    .withConnectingTimeout(finite(timeouts.connect()))
                    .withIdleTimeout(finite(timeouts.idle()))
                    // An object's stored header fields travel in one header (base64): up to
                    // ResponseHeaders' 16 KiB of fields, a third more once encoded.
                    .withParserSettings(
                        ClientConnectionSettings.create(system.classicSystem()).getParserSettings().withMaxHeaderValueLength(32 * 1024)))
            .withBaseConnectionBackoff(finite(MAX_BACKOFF.dividedBy(4)))
            .withMaxConnectionBackoff(finite(MAX_BACKOFF))
            .withMaxConnections(16)
            .withMaxOpenRequests(1024)
            .withMaxRetries(0);
  }

  /**
   * Chunk {@code index} of {@code key} from {@code peer}; {@code version} null accepts any. Fails
   * with {@link PeerException} when the peer cannot be reached or has not answered within the
   * response timeout; the body fails when it stalls for the idle timeout.
   */
  public CompletionStage<PeerChunk> fetch(PeerNode peer, String key, long index, String version) {
    return fetch(peer, key, index, version, null, null);
  }

  /**
   * As {@link #fetch(PeerNode, String, long, String)} from a stand-in coordinator: a peer that does
   * not have the chunk fills it from the object at {@code pathAndQuery} of {@code host}.
   */
  public CompletionStage<PeerChunk> fetch(PeerNode peer, String key, long index, String version, String host, String pathAndQuery) {
    Long until = silentUntil.get(peer.id());
    if (until != null) {
      if (until - System.nanoTime() > 0) {
        return CompletableFuture.failedFuture(new PeerException("peer " + peer.id() + " went silent moments ago"));
      }
      silentUntil.remove(peer.id(), until);
    }
    String query = (version == null ? "" : "&version=" + version)
        + (host == null ? "" : "&" + PeerProtocol.FILL_FOR + "=" + PeerProtocol.encode(host + "\n" + pathAndQuery));
    String uri =
        "http://" + peer.host() + ":" + peer.port() + PeerProtocol.path(key, index) + (query.isEmpty() ? "" : "?" + query.substring(1));
    HttpRequest request = HttpRequest.GET(uri);
    if (!secret.isNone()) {
      request = request.addHeader(RawHeader.create(PeerProtocol.SECRET, secret.value()));
    }
    return answered(peer, http.singleRequest(
            request, http.defaultClientHttpsContext(), pool, system.classicSystem().log()))
        .handleAsync(
            (response, error) -> {
              if (error != null) {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error;
                if (cause instanceof PeerException p) {
                  throw p;
                }
                throw new PeerException("peer " + peer.id() + " unreachable: " + cause.getMessage(), cause);
              }
              return interpret(peer, response);
            },
            system.executionContext());
  }

  /**
   * The response, or a failure once the response timeout passed without one. A response that comes
   * after that is drained, so its connection goes back to the pool.
   */
  private CompletableFuture<HttpResponse> answered(PeerNode peer, CompletionStage<HttpResponse> sent) {
    CompletableFuture<HttpResponse> answer = new CompletableFuture<>();
    Cancellable deadline =
        system.scheduler().scheduleOnce(
            timeouts.response(),
            () -> {
              PeerException silent = new PeerException("peer " + peer.id() + " did not answer within " + timeouts.response().toMillis() + " ms");
              if (answer.completeExceptionally(silent)) {
                wentSilent(peer, silent);
              }
            },
            system.executionContext());
    // The other pulls waiting on this peer end with it when it is found silent.
    Waiting waiting = waitingOn(peer);
    waiting.answers.add(answer);
    answer.whenComplete((r, e) -> waiting.answers.remove(answer));
    Stages.plain(sent).whenComplete((response, error) -> {
      deadline.cancel();
      if (error != null) {
        answer.completeExceptionally(error);
      } else if (!answer.complete(response)) {
        response.discardEntityBytes(materializer);
      }
    });
    return answer;
  }

  private PeerChunk interpret(PeerNode peer, HttpResponse response) {
    if (response.status().intValue() == 403) {
      response.discardEntityBytes(materializer);
      throw new PeerException("peer " + peer.id() + " refused this node: ispcache.peer.secret differs between the two");
    }
    if (response.status().intValue() != 200) {
      response.discardEntityBytes(materializer);
      throw new PeerException("peer " + peer.id() + " answered " + response.status().intValue());
    }
    String stated = header(response, PeerProtocol.LENGTH);
    long length = objectLength(stated);
    if (length < 0) {
      response.discardEntityBytes(materializer);
      throw new PeerException(
          "peer " + peer.id() + " sent " + (stated == null ? "no object length" : "a bad object length: " + printable(stated)));
    }
    OriginObject object;
    try {
      String encoded = header(response, PeerProtocol.HEADERS);
      String[] validated = String.valueOf(header(response, PeerProtocol.VALIDATED)).split(" ");
      object =
          new OriginObject(
              length,
              header(response, PeerProtocol.ETAG),
              header(response, PeerProtocol.LAST_MODIFIED),
              header(response, PeerProtocol.CONTENT_TYPE),
              encoded == null ? ResponseHeaders.EMPTY : ResponseHeaders.decode(PeerProtocol.decode(encoded)),
              validated.length == 2 ? Long.parseLong(validated[0]) : System.currentTimeMillis(),
              validated.length == 2 ? Long.parseLong(validated[1]) : 0);
    } catch (RuntimeException e) {
      response.discardEntityBytes(materializer);
      throw new PeerException("peer " + peer.id() + " sent unreadable object header fields: " + e.getMessage());
    }
    Source<ByteString, NotUsed> body =
        response
            .entity()
            .getDataBytes()
            .idleTimeout(timeouts.idle())
            .via(waitingOn(peer).bodies.flow())
            .watchTermination((m, done) -> {
              done.whenComplete((d, e) -> {
                if (e instanceof java.util.concurrent.TimeoutException) {
                  wentSilent(peer, new PeerException("peer " + peer.id() + " stalled mid-body for " + timeouts.idle().toMillis() + " ms"));
                }
              });
              return NotUsed.getInstance();
            });
    return new PeerChunk(object, body);
  }

  /** What waits on {@code peer}, ended together when it is found silent. */
  private Waiting waitingOn(PeerNode peer) {
    return pending.computeIfAbsent(peer.id(), id -> new Waiting(ConcurrentHashMap.newKeySet(), KillSwitches.shared("peer-pulls")));
  }

  /**
   * A pull from {@code peer} timed out. Only when the cluster also finds the peer unreachable (its
   * failure detector heard nothing for seconds) is the peer itself silent: not asked for a while,
   * and everything waiting on it ends now. A reachable peer may just be filling from a slow origin.
   */
  private void wentSilent(PeerNode peer, PeerException why) {
    boolean unreachable =
        akka.cluster.typed.Cluster.get(system).state().getUnreachable().stream()
            .anyMatch(m -> m.address().toString().equals(peer.akkaAddress()));
    if (!unreachable) {
      return;
    }
    silentUntil.put(peer.id(), System.nanoTime() + SILENCE.toNanos());
    Waiting waiting = pending.remove(peer.id());
    if (waiting != null) {
      waiting.bodies.abort(why);
      for (CompletableFuture<HttpResponse> answer : List.copyOf(waiting.answers)) {
        answer.completeExceptionally(why);
      }
    }
  }

  /**
   * The object length a peer states: decimal digits only (no sign, no blanks, at most a long), or
   * -1. {@link Long#parseLong} alone would take "+5" and "-5".
   */
  static long objectLength(String value) {
    if (value == null || value.isEmpty() || value.length() > 19) {
      return -1;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return -1; // above Long.MAX_VALUE
    }
  }

  private static String printable(String value) {
    String cut = value.length() > 40 ? value.substring(0, 40) + "..." : value;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }

  private static String header(HttpResponse response, String name) {
    return response.getHeader(name).map(HttpHeader::value).orElse(null);
  }

  private static FiniteDuration finite(Duration d) {
    return FiniteDuration.create(d.toMillis(), TimeUnit.MILLISECONDS);
  }
}
