package io.ispcache.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ObjectMetaTest {
  private static ObjectMeta meta(String etag, String lastModified, long length) {
    return new ObjectMeta("k", length, etag, lastModified, "application/octet-stream", 1);
  }

  @Test
  void versionIsShortHexAndStableAcrossStoreTimeAndContentType() {
    String v = meta("\"a\"", "Tue, 01 Jan 2030 00:00:00 GMT", 10).version();
    assertTrue(v.matches("[0-9a-f]{16}"), v);
    assertEquals(v, new ObjectMeta("k", 10, "\"a\"", "Tue, 01 Jan 2030 00:00:00 GMT", "text/plain", 99).version());
  }

  @Test
  void versionChangesWithEtagLastModifiedOrLength() {
    String v = meta("\"a\"", "x", 10).version();
    assertNotEquals(v, meta("\"b\"", "x", 10).version());
    assertNotEquals(v, meta("\"a\"", "y", 10).version());
    assertNotEquals(v, meta("\"a\"", "x", 11).version());
  }

  @Test
  void versionWorksWithoutValidators() {
    assertEquals(meta(null, null, 10).version(), meta(null, null, 10).version());
    assertNotEquals(meta(null, null, 10).version(), meta(null, null, 12).version());
  }

  @Test
  void chunkCountRoundsUp() {
    assertEquals(0, meta(null, null, 0).chunkCount(4));
    assertEquals(1, meta(null, null, 1).chunkCount(4));
    assertEquals(1, meta(null, null, 4).chunkCount(4));
    assertEquals(2, meta(null, null, 5).chunkCount(4));
    assertEquals(2_000_000L, meta(null, null, 2_000_000L * (1 << 20)).chunkCount(1 << 20));
  }

  @Test
  void negativeLengthOrMissingKeyIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> meta(null, null, -1));
    assertThrows(IllegalArgumentException.class, () -> new ObjectMeta(null, 1, null, null, null, 0));
    assertThrows(IllegalArgumentException.class, () -> new ObjectMeta("", 1, null, null, null, 0));
  }

  @Test
  void metaFileRoundTripsEveryField(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    ObjectMeta m = new ObjectMeta("http://h/a b=c\nd", 123, "W/\"x\"", "Tue, 01 Jan 2030 00:00:00 GMT", "video/mp4", 42);
    MetaFile.write(dir.resolve("m.meta"), m);
    assertEquals(java.util.Optional.of(m), MetaFile.read(dir.resolve("m.meta")));
    ObjectMeta bare = new ObjectMeta("k", 0, null, null, null, 0);
    MetaFile.write(dir.resolve("b.meta"), bare);
    assertEquals(java.util.Optional.of(bare), MetaFile.read(dir.resolve("b.meta")));
  }

  @Test
  void unreadableMetaFileReadsAsAbsent(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Files.writeString(dir.resolve("x.meta"), "length=abc\nkey=k\n");
    assertEquals(java.util.Optional.empty(), MetaFile.read(dir.resolve("x.meta")));
    java.nio.file.Files.writeString(dir.resolve("y.meta"), "length=1\n");
    assertEquals(java.util.Optional.empty(), MetaFile.read(dir.resolve("y.meta")));
    assertEquals(java.util.Optional.empty(), MetaFile.read(dir.resolve("missing.meta")));
  }
}
