package io.ispcache.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Ipv4PrefixesTest {
  record Prefix(int network, int length) {}

  @Test
  void longestMatchAgreesWithABruteForceScanOnRandomTables() {
    SplittableRandom random = new SplittableRandom(7);
    Ipv4Prefixes<Prefix> table = new Ipv4Prefixes<>();
    List<Prefix> all = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      int len = random.nextInt(8, 33);
      Prefix p = new Prefix(random.nextInt() & Ipv4Prefixes.mask(len), len);
      all.add(p);
      table.put(p.network(), p.length(), p);
    }
    for (int i = 0; i < 20_000; i++) {
      // Half the probes inside a known prefix, half anywhere.
      Prefix near = all.get(random.nextInt(all.size()));
      int address = i % 2 == 0 ? near.network() | (random.nextInt() & ~Ipv4Prefixes.mask(near.length())) : random.nextInt();
      Prefix best = null;
      for (Prefix p : all) {
        if ((address & Ipv4Prefixes.mask(p.length())) == p.network() && (best == null || p.length() > best.length())) {
          best = p;
        }
      }
      Prefix found = table.longest(address);
      assertEquals(best == null ? null : best.length(), found == null ? null : found.length(), Integer.toHexString(address));
      if (best != null) {
        assertEquals(best.network(), found.network());
        assertEquals(best, table.containing(address).get(0));
      }
    }
  }
}
