package io.ispcache.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.RawHeader;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The transfer client against a peer that states the object length it is told to. */
class PeerClientTest {
  static ActorTestKit kit;
  static ServerBinding peerPort;
  static PeerClient client;
  /** The X-Ispcache-Object-Length the fake peer sends; null: none. */
  static volatile String stated;

  @BeforeAll
  static void start() throws Exception {
    kit = ActorTestKit.create();
    peerPort =
        Http.get(kit.system())
            .newServerAt("127.0.0.1", 0)
            .bindSync(
                (HttpRequest r) -> {
                  HttpResponse ok = HttpResponse.create().withEntity("0123456789");
                  return stated == null ? ok : ok.addHeader(RawHeader.create(PeerProtocol.LENGTH, stated));
                })
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    client = new PeerClient(kit.system(), new PeerTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5)), PeerSecret.NONE);
  }

  @AfterAll
  static void stop() {
    peerPort.unbind();
    kit.shutdownTestKit();
  }

  private static PeerChunk fetchStating(String length) throws Exception {
    stated = length;
    PeerNode peer = new PeerNode("akka://ispcache@127.0.0.1:2552", "127.0.0.1", peerPort.localAddress().getPort());
    return client.fetch(peer, "origin/some/object", 0, null).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aPlainDecimalObjectLengthIsTaken() throws Exception {
    assertEquals(10, fetchStating("10").object().length());
    assertEquals(Long.MAX_VALUE, fetchStating(Long.toString(Long.MAX_VALUE)).object().length(),
        "the bound on the size is the origin's max-object-size, checked where the fill begins");
  }

  @Test
  void anObjectLengthWithASignBlanksOrLettersOrBeyondALongIsRefused() {
    for (String bad : new String[] {"-10", "+10", "1 0", "0x10", "10.0", "ten", "", "9223372036854775808", "99999999999999999999"}) {
      Exception e = assertThrows(Exception.class, () -> fetchStating(bad), bad);
      Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
      assertInstanceOf(PeerException.class, cause, "length \"" + bad + "\": " + e);
      assertTrue(cause.getMessage().contains("object length"), cause.getMessage());
    }
  }

  @Test
  void aMissingObjectLengthIsRefused() {
    Exception e = assertThrows(Exception.class, () -> fetchStating(null));
    assertInstanceOf(PeerException.class, e.getCause());
    assertTrue(e.getCause().getMessage().contains("no object length"), e.getCause().getMessage());
  }

  /** A client with short deadlines, as an operator might set them. */
  private static PeerClient quick() {
    return new PeerClient(kit.system(), new PeerTimeouts(Duration.ofSeconds(1), Duration.ofMillis(800), Duration.ofMillis(800)), PeerSecret.NONE);
  }

  private static PeerNode peerAt(int port) {
    return new PeerNode("akka://ispcache@127.0.0.1:2552", "127.0.0.1", port);
  }

  /** How long the pull took to fail, in milliseconds; the failure must be a {@link PeerException}. */
  private static long millisToFail(java.util.concurrent.CompletionStage<?> pull) {
    long started = System.nanoTime();
    Exception e = assertThrows(Exception.class, () -> pull.toCompletableFuture().get(30, TimeUnit.SECONDS));
    assertInstanceOf(PeerException.class, e.getCause(), e.toString());
    return (System.nanoTime() - started) / 1_000_000;
  }

  @Test
  void pullsFromAPeerThatRefusesConnectionsFailAtOnceEveryTime() throws Exception {
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    PeerClient c = quick();
    // The pool's backoff between attempts to a refusing host doubled up to 2 min by default: the
    // tenth pull waited tens of seconds. Every pull now fails within the backoff's bound and a
    // loaded machine's scheduling slack.
    for (int i = 0; i < 10; i++) {
      long took = millisToFail(c.fetch(peerAt(closed), "origin/dead", i, null));
      assertTrue(took < 700, "pull " + i + " took " + took + " ms to fail");
    }
  }

  @Test
  void aPeerThatAcceptsButNeverAnswersFailsThePullWithinTheResponseTimeout() throws Exception {
    try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      long took = millisToFail(quick().fetch(peerAt(silent.getLocalPort()), "origin/silent", 0, null));
      assertTrue(took >= 700 && took < 3000, "took " + took + " ms; the response timeout is 800 ms");
    }
  }

  @Test
  void aPeerBodyThatStallsFailsWithinTheIdleTimeout() throws Exception {
    try (java.net.ServerSocket stalling = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Thread peer = new Thread(() -> {
        try (java.net.Socket s = stalling.accept()) {
          s.getInputStream().read(new byte[4096]);
          s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n" + PeerProtocol.LENGTH + ": 1000\r\n\r\n0123456789")
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          s.getInputStream().read(); // holds the connection open, silent, until the client gives up
        } catch (java.io.IOException ignored) {
          // the client closed it
        }
      });
      peer.start();
      PeerChunk chunk = quick().fetch(peerAt(stalling.getLocalPort()), "origin/stalls", 0, null)
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      long started = System.nanoTime();
      Exception e = assertThrows(Exception.class, () -> chunk.body()
          .runWith(akka.stream.javadsl.Sink.ignore(), kit.system()).toCompletableFuture().get(30, TimeUnit.SECONDS));
      long took = (System.nanoTime() - started) / 1_000_000;
      assertTrue(took < 3000, "the stalled body failed after " + took + " ms: " + e);
      peer.join(10_000);
    }
  }
}
