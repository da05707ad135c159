package io.ispcache.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the index at start. Whatever a crash can leave is removed: temp files, chunks whose
 * length does not match their object's meta, chunks of a revision that is not the newest, meta
 * files without chunks. Only complete chunks of the current revision are adopted.
 */
final class StoreScan {
  private static final Logger log = LoggerFactory.getLogger(StoreScan.class);

  private record ChunkFile(Drive drive, Path path, String version, long index, long size, Map<String, ObjectMeta> dirMetas) {}

  private final int chunkSize;
  private int removed;

  StoreScan(int chunkSize) {
    this.chunkSize = chunkSize;
  }

  void run(List<Drive> drives, ChunkStore store) throws IOException {
    long started = System.nanoTime();
    Map<String, ObjectMeta> newest = new HashMap<>();
    List<ChunkFile> found = new ArrayList<>();
    List<Path> metaFiles = new ArrayList<>();
    for (Drive drive : drives) {
      Path objects = drive.objects();
      if (!Files.isDirectory(objects)) {
        continue;
      }
      try (DirectoryStream<Path> prefixes = Files.newDirectoryStream(objects)) {
        for (Path prefix : prefixes) {
          if (!Files.isDirectory(prefix)) {
            continue;
          }
          try (DirectoryStream<Path> dirs = Files.newDirectoryStream(prefix)) {
            for (Path dir : dirs) {
              if (Files.isDirectory(dir)) {
                scanObject(drive, dir, newest, found, metaFiles);
              }
            }
          }
        }
      }
    }
    Map<String, Boolean> used = new HashMap<>();
    int adopted = 0;
    for (ChunkFile f : found) {
      ObjectMeta own = f.dirMetas().get(f.version());
      ObjectMeta best = own == null ? null : newest.get(own.key());
      long expected = best == null ? -1 : Math.max(0, Math.min(chunkSize, best.length() - f.index() * (long) chunkSize));
      if (best == null || !best.version().equals(f.version()) || f.size() != expected || expected == 0) {
        delete(f.path());
        continue;
      }
      store.adopt(f.drive(), best, f.index(), f.size());
      used.put(f.drive().number + "/" + best.key() + "/" + best.version(), true);
      adopted++;
    }
    for (Path metaFile : metaFiles) {
      Optional<ObjectMeta> m = MetaFile.read(metaFile);
      Drive drive = drives.stream().filter(d -> metaFile.startsWith(d.root)).findFirst().orElseThrow();
      if (m.isEmpty() || !used.containsKey(drive.number + "/" + m.get().key() + "/" + m.get().version())) {
        delete(metaFile);
      }
    }
    for (Drive drive : drives) {
      // A drive whose size limit was lowered sheds its least valuable chunks now.
      shrink(drive, store);
    }
    log.info(
        "store scan: {} chunks adopted, {} leftover files removed, in {} ms",
        adopted,
        removed,
        (System.nanoTime() - started) / 1_000_000);
  }

  private void scanObject(Drive drive, Path dir, Map<String, ObjectMeta> newest, List<ChunkFile> found, List<Path> metaFiles)
      throws IOException {
    Map<String, ObjectMeta> metas = new HashMap<>();
    List<Path> chunkPaths = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (name.endsWith(".tmp")) {
          delete(p); // a fill that never finished
        } else if (name.endsWith(".meta")) {
          Optional<ObjectMeta> m = MetaFile.read(p);
          String version = name.substring(0, name.length() - 5);
          if (m.isPresent() && m.get().version().equals(version) && ChunkStore.keyHash(m.get().key()).equals(dir.getFileName().toString())) {
            metas.put(version, m.get());
            newest.merge(m.get().key(), m.get(), (a, b) -> b.storedAtEpochMillis() > a.storedAtEpochMillis() ? b : a);
            metaFiles.add(p);
          } else {
            delete(p);
          }
        } else {
          chunkPaths.add(p);
        }
      }
    }
    if (chunkPaths.isEmpty() && metas.isEmpty()) {
      // Everything of this object was evicted or dropped earlier; the empty directory would only
      // slow down every later scan. Not empty (an unknown file) means it stays.
      try {
        Files.deleteIfExists(dir);
      } catch (java.nio.file.DirectoryNotEmptyException e) {
        // left alone
      }
      return;
    }
    for (Path p : chunkPaths) {
      String name = p.getFileName().toString();
      int dot = name.lastIndexOf('.');
      long index;
      try {
        index = dot > 0 ? Long.parseLong(name.substring(dot + 1)) : -1;
      } catch (NumberFormatException e) {
        index = -1;
      }
      if (index < 0) {
        log.warn("unknown file {} in the cache drive left alone", p);
        continue;
      }
      found.add(new ChunkFile(drive, p, name.substring(0, dot), index, Files.size(p), metas));
    }
  }

  private void shrink(Drive drive, ChunkStore store) {
    try {
      store.shed(drive);
    } catch (StoreFullException e) {
      throw new IllegalStateException(e);
    }
  }

  private void delete(Path p) {
    try {
      Files.deleteIfExists(p);
      removed++;
    } catch (IOException e) {
      log.warn("cannot remove {}: {}", p, e.toString());
    }
  }
}
