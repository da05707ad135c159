package io.ispcache.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ispcache.testing.TestContent;
import java.net.http.HttpResponse;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node whose drives' file system other users filled: misses are relayed whole and unstored, and /health says why. */
class FileSystemShortTest {
  @Test
  void missesArePassedThroughAndHealthSaysWhy(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir);
    FileStore fs = Files.getFileStore(dir);
    long free = fs.getUsableSpace();
    long floor = free + (fs.getTotalSpace() - free) / 2; // the floor is above what is free: "nearly full"
    try (NodeAndOrigin n = NodeAndOrigin.start(dir, "ispcache.store.min-free-space = " + floor)) {
      int length = 600 * 1024;
      n.origin().put("/short.bin", length, 11, "application/octet-stream", "\"s\"", null);
      byte[] expected = new byte[length];
      TestContent.fill(11, 0, expected, 0, length);
      for (int i = 1; i <= 2; i++) {
        HttpResponse<byte[]> r = n.send("GET", n.node().url("/short.bin"));
        assertEquals(200, r.statusCode());
        assertArrayEquals(expected, r.body(), "the client gets the object's bytes");
        assertEquals("MISS", r.headers().firstValue("X-Cache").orElse(""));
        assertEquals(i, n.origin().requestCount("/short.bin"), "nothing was stored: each request goes to the origin once");
      }
      HttpResponse<byte[]> ranged = n.send("GET", n.node().url("/short.bin"), "Range", "bytes=1000-1999");
      assertEquals(206, ranged.statusCode());
      assertArrayEquals(java.util.Arrays.copyOfRange(expected, 1000, 2000), ranged.body());

      HttpResponse<byte[]> health = n.send("GET", n.node().health("/health"));
      assertEquals(200, health.statusCode(), "the node still serves what it holds and relays the rest");
      JsonNode h = new ObjectMapper().readTree(health.body());
      String warnings = h.get("warnings").toString();
      assertTrue(warnings.contains("below ispcache.store.min-free-space") && warnings.contains("relayed from the origin"), warnings);
    }
  }
}
