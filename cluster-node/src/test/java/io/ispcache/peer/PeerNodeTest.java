package io.ispcache.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PeerNodeTest {
  @Test
  void idRoundTripsAndNamesTheAkkaMember() {
    PeerNode n = new PeerNode("akka://ispcache@10.0.0.5:2552", "10.0.0.5", 7070);
    assertEquals(n, PeerNode.parse(n.id()));
    assertEquals("akka://ispcache@10.0.0.5:2552", PeerNode.akkaAddressOf(n.id()));
  }

  @Test
  void malformedIdsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> PeerNode.parse("akka://ispcache@h:1"));
    assertThrows(IllegalArgumentException.class, () -> PeerNode.parse("a#h:"));
    assertThrows(IllegalArgumentException.class, () -> PeerNode.parse("#h:1"));
  }

  @Test
  void objectKeysTravelAsUrlSafeBase64() {
    String key = "windowsupdate/c/msdownload/update/software/x.cab?a=b&c=/d";
    assertEquals(key, PeerProtocol.decode(PeerProtocol.encode(key)));
    assertEquals("/objects/" + PeerProtocol.encode(key) + "/chunks/3", PeerProtocol.path(key, 3));
  }
}
