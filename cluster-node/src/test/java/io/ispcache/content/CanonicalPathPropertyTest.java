package io.ispcache.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of {@link CanonicalPath} over paths built from the pieces that make it work. */
class CanonicalPathPropertyTest {

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> piece =
        Arbitraries.oneOf(
            Arbitraries.of("/", "/", "/", ".", "..", "%2e", "%2E", "%2F", "%2f", "%41", "%7e", "%20", "%c3", "%00", "%zz", "%", "//",
                "a", "b", "~", "-", "_", ":", "@", "!", "\"", "{", " ", "?"),
            Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(3));
    return piece.list().ofMaxSize(20).map(l -> String.join("", l)).map(s -> "/" + s);
  }

  @Property(tries = 2000)
  void normalisingIsIdempotent(@ForAll("paths") String raw) {
    String once = canonicalOrNull(raw);
    if (once != null) {
      assertEquals(once, CanonicalPath.of(once));
      assertTrue(CanonicalPath.isCanonical(once), once);
    }
  }

  @Property(tries = 2000)
  void theResultStartsWithOneSlashAndHasNoDotSegment(@ForAll("paths") String raw) {
    String p = canonicalOrNull(raw);
    if (p != null) {
      assertTrue(p.startsWith("/"), p);
      assertFalse(p.startsWith("//"), p);
      String[] segments = p.substring(1).split("/", -1);
      assertFalse(Arrays.asList(segments).contains("."), p);
      assertFalse(Arrays.asList(segments).contains(".."), p);
      assertFalse(p.contains("%00"), p);
    }
  }

  @Property(tries = 2000)
  void encodingAnUnreservedCharacterNamesTheSamePath(@ForAll("paths") String raw) {
    String p = canonicalOrNull(raw);
    if (p != null) {
      StringBuilder encoded = new StringBuilder();
      for (int i = 0; i < p.length(); i++) {
        char c = p.charAt(i);
        if (c == '%') {
          encoded.append(p, i, i + 3); // an encoding the canonical form kept
          i += 2;
        } else if (Character.isLetterOrDigit(c) || c == '.' || c == '~') {
          encoded.append('%').append(String.format("%02x", (int) c));
        } else {
          encoded.append(c);
        }
      }
      assertEquals(p, CanonicalPath.of(encoded.toString()));
    }
  }

  @Property(tries = 1000)
  void isCanonicalAgreesWithNormalising(@ForAll("paths") String raw) {
    if (CanonicalPath.isCanonical(raw)) {
      assertEquals(raw, CanonicalPath.of(raw));
    }
  }

  private static String canonicalOrNull(String raw) {
    try {
      return CanonicalPath.of(raw);
    } catch (ContentError e) {
      assertEquals("bad_path", e.code);
      return null;
    }
  }
}
