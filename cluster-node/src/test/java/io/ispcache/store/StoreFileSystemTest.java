package io.ispcache.store;

import static io.ispcache.store.StoreHarness.chunk;
import static io.ispcache.store.StoreHarness.content;
import static io.ispcache.store.StoreHarness.drive;
import static io.ispcache.store.StoreHarness.meta;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ispcache.settings.InvalidSettingException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drive sizes against the file systems that hold them, and a file system that other users fill. */
class StoreFileSystemTest {
  static final int CHUNK = 256 * 1024;
  static final StoreHarness h = new StoreHarness();

  @AfterAll
  static void close() {
    h.close();
  }

  @Test
  void aSizeTheFileSystemCannotHoldStopsTheStartNamingTheSetting(@TempDir Path dir) throws Exception {
    long capacity = Files.getFileStore(dir).getTotalSpace();
    InvalidSettingException tooLarge = assertThrows(InvalidSettingException.class, () -> h.open(CHUNK, drive(dir.resolve("d"), 2L << 50)));
    assertEquals("ispcache.store.drives[0].size", tooLarge.setting());
    assertEquals("2.0 PiB", tooLarge.value());
    assertTrue(tooLarge.rule().contains("more than the file system holding") && tooLarge.rule().contains(FileSystemRoom.bytes(capacity)), tooLarge.getMessage());

    long share = capacity / 5 * 3;
    InvalidSettingException together = assertThrows(InvalidSettingException.class,
        () -> h.open(CHUNK, drive(dir.resolve("a"), share), drive(dir.resolve("b"), share)));
    assertEquals("ispcache.store.drives[1].size", together.setting());
    assertTrue(together.rule().contains("drives [0, 1] share one file system"), together.getMessage());

    try (ChunkStore store = h.open(CHUNK, drive(dir.resolve("a"), capacity / 3), drive(dir.resolve("b"), capacity / 3))) {
      assertTrue(store.filling(), "sizes the file system can hold start");
    }
  }

  @Test
  void aFileSystemShortOfSpaceTakesNoNewChunkAndKeepsServingWhatItHolds(@TempDir Path dir) throws Exception {
    DriveSettings d = drive(dir.resolve("d"), 64L << 20);
    ObjectMeta held = meta("held", CHUNK, "\"h\"");
    try (ChunkStore store = h.open(CHUNK, d)) {
      store.putMeta(held);
      h.fill(store, chunk(held, 0), content(7, CHUNK));
    }
    FileStore fs = Files.getFileStore(dir);
    long free = fs.getUsableSpace();
    long floor = free + (fs.getTotalSpace() - free) / 2; // more than is free: the file system is "nearly full"
    try (ChunkStore store = ChunkStore.open(new StoreSettings(List.of(d), CHUNK, 1024, 0, true, 16, floor), h.io)) {
      assertFalse(store.filling());
      assertTrue(store.fillingStopped().get(0).contains("below ispcache.store.min-free-space"), store.fillingStopped().toString());
      assertTrue(store.fillingStopped().get(1).contains("relayed from the origin"), store.fillingStopped().toString());
      ObjectMeta fresh = meta("fresh", CHUNK, "\"f\"");
      store.putMeta(fresh);
      StoreFullException refused = assertThrows(StoreFullException.class, () -> store.beginFill(chunk(fresh, 0), CHUNK));
      assertTrue(refused.getMessage().contains("min-free-space"), refused.getMessage());
      assertEquals(content(7, CHUNK), h.read(store, chunk(held, 0), 0, CHUNK), "what the drive holds is still served");
    }
  }
}
