package io.ispcache.store;

import static io.ispcache.store.StoreHarness.chunk;
import static io.ispcache.store.StoreHarness.content;
import static io.ispcache.store.StoreHarness.drive;
import static io.ispcache.store.StoreHarness.chunkBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A purge drops exactly the objects it names, stored before it, from every drive. */
class StorePurgeTest extends StoreTestBase {
  private static final int CHUNK = 4096;
  private static final String HOST = "origin.example.net";
  @TempDir Path dir;

  private ChunkStore open() throws IOException {
    return h.open(CHUNK, drive(dir.resolve("d0"), 1 << 20), drive(dir.resolve("d1"), 1 << 20));
  }

  /** Stores the whole object (three chunks, spread over both drives) stored at {@code storedAt}. */
  private ObjectMeta stored(ChunkStore store, String path, long storedAt) throws Exception {
    ObjectMeta m = new ObjectMeta(HOST + path, 3 * CHUNK - 100, "\"" + path + "\"", null, "application/octet-stream", storedAt);
    store.putMeta(m);
    for (long i = 0; i < 3; i++) {
      h.fill(store, chunk(m, i), content(path.hashCode() + i, (int) Math.min(CHUNK, m.length() - i * CHUNK)));
    }
    return m;
  }

  private boolean whole(ChunkStore store, ObjectMeta m) {
    return store.meta(m.key()).isPresent() && store.has(chunk(m, 0)) && store.has(chunk(m, 1)) && store.has(chunk(m, 2));
  }

  /** The object's files (chunks and metas) on both drives. */
  private long files(ObjectMeta m) throws IOException {
    long n = 0;
    for (int d = 0; d < 2; d++) {
      Path objectDir = ChunkStore.objectDir(new Drive(d, dir.resolve("d" + d).toRealPath(), 1), m.key());
      if (Files.isDirectory(objectDir)) {
        try (Stream<Path> s = Files.list(objectDir)) {
          n += s.count();
        }
      }
    }
    return n;
  }

  @Test
  void prefixPurgeDropsEveryObjectUnderItAndKeepsTheRest() throws Exception {
    try (ChunkStore store = open()) {
      long t = System.currentTimeMillis();
      ObjectMeta a1 = stored(store, "/a/1.bin", t);
      ObjectMeta a2 = stored(store, "/a/sub/2.bin", t);
      ObjectMeta ab = stored(store, "/ab.bin", t);
      ObjectMeta b = stored(store, "/b/a/3.bin", t);
      long before = chunkBytes(store);
      long keptFiles = files(ab) + files(b);
      assertTrue(files(a1) >= 4 && files(a2) >= 4, "three chunks and a meta on each drive holding one");

      ChunkStore.Purged purged = store.purge(HOST + "/a/", true, t);

      assertEquals(List.of(a1.key(), a2.key()), purged.objects().stream().map(ObjectMeta::key).sorted().toList());
      assertEquals(a1.length() + a2.length(), purged.bytes());
      assertEquals(before - StoreHarness.blocks(a1, CHUNK) - StoreHarness.blocks(a2, CHUNK), chunkBytes(store), "the drives' accounting gave the bytes back");
      assertEquals(0, files(a1) + files(a2), "no chunk or meta file left on any drive");
      assertEquals(keptFiles, files(ab) + files(b));
      assertFalse(store.meta(a1.key()).isPresent());
      assertFalse(store.has(chunk(a1, 0)) || store.has(chunk(a2, 2)));
      assertTrue(whole(store, ab) && whole(store, b));
    }
  }

  @Test
  void urlPurgeDropsThatObjectOnlyNotOthersItIsAPrefixOf() throws Exception {
    try (ChunkStore store = open()) {
      long t = System.currentTimeMillis();
      ObjectMeta x = stored(store, "/x.cab", t);
      ObjectMeta longer = stored(store, "/x.cab.sig", t);

      ChunkStore.Purged purged = store.purge(HOST + "/x.cab", false, t);

      assertEquals(List.of(x), purged.objects());
      assertFalse(store.meta(x.key()).isPresent());
      assertTrue(whole(store, longer));
      assertEquals(0, store.purge(HOST + "/x.cab", false, t).objects().size(), "a purge applied again finds nothing");
    }
  }

  @Test
  void objectStoredAfterThePurgeIsKept() throws Exception {
    try (ChunkStore store = open()) {
      long purgeTime = System.currentTimeMillis();
      ObjectMeta old = stored(store, "/dir/old.bin", purgeTime - 1);
      ObjectMeta fresh = stored(store, "/dir/fresh.bin", purgeTime + 1);

      ChunkStore.Purged purged = store.purge(HOST + "/dir/", true, purgeTime);

      assertEquals(List.of(old), purged.objects());
      assertTrue(whole(store, fresh), "fetched after the purge: a late purge must not drop it");
      assertEquals(0, store.purge(HOST + "/dir/fresh.bin", false, purgeTime).objects().size());
    }
  }

  @Test
  void purgedObjectsStayGoneAfterRestart() throws Exception {
    long t = System.currentTimeMillis();
    ObjectMeta gone;
    ObjectMeta kept;
    try (ChunkStore store = open()) {
      gone = stored(store, "/p/gone.bin", t);
      kept = stored(store, "/q/kept.bin", t);
      store.purge(HOST + "/p/", true, t);
    }
    try (ChunkStore again = open()) {
      assertFalse(again.meta(gone.key()).isPresent());
      assertFalse(again.has(chunk(gone, 1)));
      assertTrue(whole(again, kept));
      assertEquals(StoreHarness.blocks(kept, CHUNK), chunkBytes(again));
    }
  }
}
