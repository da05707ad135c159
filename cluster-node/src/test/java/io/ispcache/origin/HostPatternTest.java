package io.ispcache.origin;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HostPatternTest {
  private static String label(int length) {
    return "a".repeat(length);
  }

  @Test
  void acceptsHostNamesOfLettersDigitsAndInnerHyphens() {
    for (String host :
        new String[] {
          "a", "au.download.windowsupdate.com", "7.tlu.dl.delivery.mp.microsoft.com", "x-1.example.net", "1e100.net",
          label(63) + ".net",
          // 253 characters: four labels of 63 and one of 1
          String.join(".", label(63), label(63), label(63), label(61))
        }) {
      assertTrue(HostPattern.isHostName(host), host);
    }
  }

  @Test
  void refusesEverythingElse() {
    for (String host :
        new String[] {
          "", ".", "example.net.", ".example.net", "a..b", "-a.net", "a-.net", "a.-b.net", "UPPER.net", "a b.net",
          "a_b.net", "host:80", "[::1]", "10.0.0.1:8080", "a.net\n", "ä.net", "a/b", label(64) + ".net",
          String.join(".", label(63), label(63), label(63), label(62))
        }) {
      assertFalse(HostPattern.isHostName(host), host);
    }
    assertFalse(HostPattern.isHostName(null));
  }

  @Test
  void allowlistEntriesAreCheckedTheSameWay() {
    assertThrows(IllegalArgumentException.class, () -> new HostPattern("*.bad_host.net"));
    assertThrows(IllegalArgumentException.class, () -> new HostPattern("*."));
    assertTrue(new HostPattern("*.Download.WindowsUpdate.com").matches("au.download.windowsupdate.com"));
    assertFalse(new HostPattern("*.download.windowsupdate.com").matches("download.windowsupdate.com"));
  }
}
