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
    client = new PeerClient(kit.system(), Duration.ofSeconds(5), Duration.ofSeconds(5), PeerSecret.NONE);
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
}
