package io.ispcache.content.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.stream.Materializer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The content port's connection limits on the wire: one client cannot hold every connection, and
 * connections beyond {@code max-connections} wait instead of being reset (issue 17).
 */
class ConnectionLimitsWireTest {
  static final String GET = "GET /text HTTP/1.1\r\nHost: a\r\n\r\n";
  static ActorTestKit kit;
  ContentServer server;

  static final class Hello implements ContentHandler {
    @Override
    public FileResponse direct(RequestHead head, InetSocketAddress client) {
      return null;
    }

    @Override
    public CompletionStage<Answer> handle(HttpRequest request) {
      return CompletableFuture.completedFuture(new Answer.Http(HttpResponse.create().withEntity("hello")));
    }
  }

  @BeforeAll
  static void startKit() {
    kit = ActorTestKit.create();
  }

  @AfterAll
  static void stopKit() {
    kit.shutdownTestKit();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.terminate().toCompletableFuture().join();
    }
  }

  ContentServer bind(int maxConnections, int perClient) throws IOException {
    server = ContentServer.bind("127.0.0.1", 0, new Hello(), Materializer.matFromSystem(kit.system()),
        new ContentServer.Limits(Duration.ofSeconds(60), Duration.ofSeconds(30), maxConnections, "ispcache",
            ContentServer.Limits.DEFAULT_MAX_REQUEST_BODY, perClient));
    return server;
  }

  int port() {
    return server.localAddress().getPort();
  }

  /** Whether the server ended the connection without answering {@link #GET}. */
  static boolean refused(RawHttp c) throws IOException {
    try {
      c.send(GET);
    } catch (SocketException e) {
      return true; // the reset arrived before the request went out
    }
    return c.closedByServer();
  }

  @Test
  void aClientBeyondItsLimitIsClosedWhileAnotherAddressIsServed() throws Exception {
    bind(100, 2);
    try (RawHttp a = new RawHttp("127.0.0.1", port()); RawHttp b = new RawHttp("127.0.0.1", port())) {
      assertEquals(200, a.send(GET).read().status());
      assertEquals(200, b.send(GET).read().status());
      try (RawHttp third = new RawHttp("127.0.0.1", port())) {
        assertTrue(refused(third), "127.0.0.1 holds its 2 connections");
      }
      assertEquals(1, server.refusedConnections());
      try (RawHttp other = new RawHttp("127.0.0.2", port())) {
        assertEquals("hello", other.send(GET).read().text(), "another client is served");
      }
      assertEquals(200, a.send(GET).read().status(), "the client's own connections go on being served");
    }
    // Both closed: 127.0.0.1 has room again.
    await().atMost(Duration.ofSeconds(20)).until(() -> server.connections() == 0);
    try (RawHttp again = new RawHttp("127.0.0.1", port())) {
      assertEquals(200, again.send(GET).read().status());
    }
    assertEquals(1, server.refusedConnections());
  }

  @Test
  void oneAddressHoldingSlowConnectionsCannotKeepAnotherFromBeingServed() throws Exception {
    // Issue 17 in small: one address opens more connections than the server takes, each sending a
    // first header byte and no more. It gets its share; another address is served at once.
    bind(8, 4);
    List<RawHttp> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        RawHttp c = new RawHttp("127.0.0.1", port());
        slow.add(c);
        try {
          c.send("G");
        } catch (SocketException e) {
          // already closed by the server
        }
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> server.refusedConnections() == 16);
      assertEquals(4, server.connections());
      try (RawHttp other = new RawHttp("127.0.0.2", port())) {
        assertEquals("hello", other.send(GET).read().text());
      }
      assertEquals(0, server.acceptPauses(), "max-connections was never reached");
    } finally {
      for (RawHttp c : slow) {
        c.close();
      }
    }
  }

  @Test
  void withNoLimitPerClientOneAddressMayHoldEveryConnection() throws Exception {
    bind(100, 0);
    RawHttp[] held = new RawHttp[5];
    try {
      for (int i = 0; i < held.length; i++) {
        held[i] = new RawHttp("127.0.0.1", port());
        assertEquals(200, held[i].send(GET).read().status());
      }
      assertEquals(0, server.refusedConnections());
    } finally {
      for (RawHttp c : held) {
        if (c != null) {
          c.close();
        }
      }
    }
  }

  @Test
  void connectionsBeyondMaxConnectionsWaitInTheBacklogAndAreServedOnceOthersClose() throws Exception {
    bind(2, 0);
    try (RawHttp a = new RawHttp("127.0.0.1", port());
        RawHttp b = new RawHttp("127.0.0.2", port());
        RawHttp waiting = new RawHttp("127.0.0.1", port());
        RawHttp alsoWaiting = new RawHttp("127.0.0.2", port())) {
      assertEquals(200, a.send(GET).read().status());
      assertEquals(200, b.send(GET).read().status());
      // Connected (the kernel completed the handshake), request sent, neither answered nor reset.
      waiting.send(GET);
      alsoWaiting.send(GET);
      waiting.socket.setSoTimeout(500);
      assertThrows(SocketTimeoutException.class, waiting::read, "not accepted while 2 are open");
      assertEquals(2, server.connections());
      assertTrue(server.acceptPauses() >= 1);

      a.close();
      waiting.socket.setSoTimeout(20_000);
      assertEquals("hello", waiting.read().text(), "accepted once a connection closed, its request answered");
      b.close();
      assertEquals("hello", alsoWaiting.read().text());
      assertEquals(200, waiting.send(GET).read().status());
      assertEquals(2, server.connections());
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> server.connections() == 0);
    assertEquals(0, server.refusedConnections(), "nothing was refused: the extra connections waited");
  }
}
