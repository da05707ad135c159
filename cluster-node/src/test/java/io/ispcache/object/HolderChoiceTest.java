package io.ispcache.object;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HolderChoiceTest {
  static String node(int port) {
    return "akka://ispcache@10.0.0." + (port % 250) + ":2552#10.0.0." + (port % 250) + ":" + port;
  }

  static List<String> holders(int n) {
    List<String> h = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      h.add(node(7000 + i));
    }
    return h;
  }

  @Test
  void askersSpreadEvenlyOverTheHolders() {
    List<String> holders = holders(4);
    Map<String, Integer> served = new HashMap<>();
    for (int asker = 0; asker < 4000; asker++) {
      served.merge(HolderChoice.of(holders, 0, node(9000 + asker)), 1, Integer::sum);
    }
    assertEquals(4, served.size(), served.toString());
    for (int n : served.values()) {
      assertTrue(n > 850 && n < 1150, "expected about 1000 each: " + served);
    }
  }

  @Test
  void oneAskersChunksSpreadOverTheHolders() {
    List<String> holders = holders(3);
    Map<String, Integer> served = new HashMap<>();
    for (long chunk = 0; chunk < 3000; chunk++) {
      served.merge(HolderChoice.of(holders, chunk, node(9000)), 1, Integer::sum);
    }
    for (int n : served.values()) {
      assertTrue(n > 850 && n < 1150, "expected about 1000 each: " + served);
    }
  }

  @Test
  void theAnswerDoesNotDependOnTheHoldersOrder() {
    List<String> holders = holders(5);
    List<String> reversed = new ArrayList<>(holders);
    java.util.Collections.reverse(reversed);
    for (int asker = 0; asker < 200; asker++) {
      assertEquals(HolderChoice.of(holders, asker, node(9000 + asker)), HolderChoice.of(reversed, asker, node(9000 + asker)));
    }
  }

  @Test
  void aHolderLeavingMovesOnlyTheAskersItServed() {
    List<String> holders = holders(4);
    List<String> fewer = holders.subList(0, 3);
    String gone = holders.get(3);
    for (int asker = 0; asker < 1000; asker++) {
      String before = HolderChoice.of(holders, 7, node(9000 + asker));
      String after = HolderChoice.of(fewer, 7, node(9000 + asker));
      if (!before.equals(gone)) {
        assertEquals(before, after, "asker " + asker + " moved though its holder stayed");
      }
    }
  }
}
