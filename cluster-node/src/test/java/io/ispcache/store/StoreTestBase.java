package io.ispcache.store;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One {@link StoreHarness} per test class, started before and closed after its tests. */
abstract class StoreTestBase {
  static StoreHarness h;

  @BeforeAll
  static void startHarness() {
    h = new StoreHarness();
  }

  @AfterAll
  static void closeHarness() {
    h.close();
  }
}
