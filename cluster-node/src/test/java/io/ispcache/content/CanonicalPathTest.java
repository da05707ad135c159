package io.ispcache.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalPathTest {

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource(
      delimiter = ' ',
      quoteCharacter = '\u0001',
      value = {
        "/ /",
        "/big.bin /big.bin",
        "/a/b/ /a/b/",
        // dot segments, RFC 3986 §5.2.4 and its examples (§5.4)
        "/a/../b /b",
        "/v1/../big150.bin /big150.bin",
        "/a/./b /a/b",
        "/a/b/c/./../../g /a/g",
        "/a/b/.. /a/",
        "/a/b/. /a/b/",
        "/a/.. /",
        "/.. /",
        "/../../x /x",
        "/./ /",
        "/a/..b/c /a/..b/c",
        "/a/.../c /a/.../c",
        "/a/b..c /a/b..c",
        "/a//../b /a/b",
        // percent-encoded dots are dots (§6.2.2.2 before §6.2.2.3)
        "/a/%2e%2e/b /b",
        "/a/%2E%2e/b /b",
        "/a/%2e/b /a/b",
        "/a/.%2e/b /b",
        // unreserved characters decoded, other encodings upper-cased
        "/%7Efoo%41%2d%5F%30 /~fooA-_0",
        "/a%2fb /a%2Fb",
        "/a%2Fb /a%2Fb",
        "/a%2F..%2Fb /a%2F..%2Fb",
        "/%c3%a9 /%C3%A9",
        "/a%20b /a%20b",
        "/a%3fb /a%3Fb",
        // sub-delims, ':' and '@' stay as they are; what a path cannot hold raw is encoded
        "/a:b@c!$&'()*+,;= /a:b@c!$&'()*+,;=",
        "/a\"b<c>d /a%22b%3Cc%3Ed",
        "/a{b}|c\\d^e`f /a%7Bb%7D%7Cc%5Cd%5Ee%60f",
        // empty segments other than a leading one are kept
        "/a//b /a//b",
      })
  void pathsAreNormalised(String raw, String canonical) {
    assertEquals(canonical, CanonicalPath.of(raw));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", "a/b", "*", "//b", "//evil.example/a.txt", "/.//b", "/a/..//b", "/%2e%2e//evil.example/x", "/a%zzb", "/a%2", "/a%",
        "/a%00b", "/a b", "/a\tb", "/a\u0000b", "/a\u007fb", "/caf\u00e9",
      })
  void whatCannotBeMadeSafeIsRefusedWith400(String raw) {
    ContentError e = assertThrows(ContentError.class, () -> CanonicalPath.of(raw));
    assertEquals(400, e.status);
    assertEquals("bad_path", e.code);
  }

  @Test
  void aCanonicalPathIsReturnedAsItIs() {
    String path = "/c/msdownload/update/software/secu/2026/11/windows11.0-kb5046617-x64_0123.psf";
    assertTrue(CanonicalPath.isCanonical(path));
    assertSame(path, CanonicalPath.of(path));
  }

  @Test
  void pathsNeedingWorkAreNotCanonical() {
    for (String p : new String[] {"/a/../b", "/a/.", "/%7e", "/%2f", "//b", "/a b", "/%00", "/a%2"}) {
      assertFalse(CanonicalPath.isCanonical(p), p);
    }
  }
}
