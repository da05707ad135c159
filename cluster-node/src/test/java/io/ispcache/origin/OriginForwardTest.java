package io.ispcache.origin;

import static io.ispcache.origin.OriginClientTest.await;
import static io.ispcache.origin.OriginClientTest.client;
import static io.ispcache.origin.OriginClientTest.entity;
import static io.ispcache.origin.OriginClientTest.failure;
import static io.ispcache.origin.OriginClientTest.origin;
import static io.ispcache.origin.ScriptedOrigin.hangUp;
import static io.ispcache.origin.ScriptedOrigin.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.util.ByteString;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link OriginClient#forward}: any method with its body, past interim answers, resent only when idempotent. */
class OriginForwardTest {
  static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

  @BeforeAll
  static void start() {
    OriginClientTest.start();
  }

  @AfterAll
  static void stop() {
    OriginClientTest.stop();
  }

  static java.util.concurrent.CompletionStage<OriginReply> forward(OriginClient c, int port, String method, String body) {
    return c.forward(origin(port), "origin.example.net", method, "/form?a=1", List.of(Map.entry("Content-Type", "text/plain")), ByteString.fromString(body));
  }

  @Test
  void theBodyGoesWithItsLengthAndInterimAnswersArePassedOver() throws Exception {
    try (ScriptedOrigin origin =
            new ScriptedOrigin(n -> List.of(send("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n" + OK)));
        OriginClient c = client(origin.port(), 1, Duration.ofSeconds(5))) {
      OriginReply.Uncacheable r = (OriginReply.Uncacheable) await(forward(c, origin.port(), "POST", "name=value"));

      assertEquals(200, r.response().status().intValue());
      assertEquals("ok", entity(r).utf8String());
      String head = origin.heads.get(0);
      assertTrue(head.startsWith("POST /form?a=1 HTTP/1.1\r\n"), head);
      assertTrue(head.contains("content-length: 10\r\n"), head);
      assertTrue(head.contains("Content-Type: text/plain\r\n"), head);
    }
  }

  @Test
  void aPostWithoutABodyStatesItsLengthAndADeleteWithoutOneDoesNot() throws Exception {
    try (ScriptedOrigin origin = new ScriptedOrigin(n -> List.of(send(OK), send(OK)));
        OriginClient c = client(origin.port(), 1, Duration.ofSeconds(5))) {
      await(forward(c, origin.port(), "POST", ""));
      await(forward(c, origin.port(), "DELETE", ""));

      assertTrue(origin.heads.get(0).contains("content-length: 0\r\n"), origin.heads.get(0));
      assertFalse(origin.heads.get(1).toLowerCase().contains("content-length"), origin.heads.get(1));
    }
  }

  @Test
  void aPostOnAPooledConnectionTheOriginDroppedIsNotSentAgain() throws Exception {
    // The first connection answers once, then reads the next request and hangs up without a word.
    try (ScriptedOrigin origin = new ScriptedOrigin(n -> n == 1 ? List.of(send(OK), hangUp()) : List.of(send(OK)));
        OriginClient c = client(origin.port(), 1, Duration.ofSeconds(5))) {
      await(forward(c, origin.port(), "POST", "first"));

      assertEquals(OriginException.Kind.UNREACHABLE, failure(forward(c, origin.port(), "POST", "second")).kind());
      assertEquals(2, origin.requests.get(), "the origin may have acted on it: never twice");
      assertEquals(1, origin.connections.get());
    }
  }

  @Test
  void aPutOnAPooledConnectionTheOriginDroppedIsSentAgain() throws Exception {
    try (ScriptedOrigin origin = new ScriptedOrigin(n -> n == 1 ? List.of(send(OK), hangUp()) : List.of(send(OK)));
        OriginClient c = client(origin.port(), 1, Duration.ofSeconds(5))) {
      await(forward(c, origin.port(), "PUT", "first"));

      OriginReply.Uncacheable r = (OriginReply.Uncacheable) await(forward(c, origin.port(), "PUT", "second"));
      assertEquals(200, r.response().status().intValue());
      assertEquals(3, origin.requests.get(), "idempotent (RFC 9110 §9.2.2): sent again on a new connection");
      assertTrue(origin.heads.get(2).contains("content-length: 6"), origin.heads.get(2));
    }
  }
}
