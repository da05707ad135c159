package io.ispcache.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the index at start. Whatever a crash can leave is removed: temp files, chunks whose
 * length does not match their object's meta, chunks of a revision that is not the newest, meta
 * files without chunks. Only complete chunks of the current revision are adopted, oldest first, so
 * the eviction order starts close to what it was. Files whose names the store never writes are
 * left alone. Drives are listed in parallel (each is usually its own disk).
 */
final class StoreScan {
  private static final Logger log = LoggerFactory.getLogger(StoreScan.class);
  private static final Pattern CHUNK = Pattern.compile("[0-9a-f]{16}\\.[0-9]{1,18}");
  private static final Pattern META = Pattern.compile("[0-9a-f]{16}\\.meta");
  private static final Pattern TEMP = Pattern.compile("[0-9a-f]{16}\\.([0-9]{1,18}\\.[0-9]{1,19}|meta)\\.tmp");

  private record ChunkFile(Drive drive, Path path, String version, long index, long size, long modified, Map<String, ObjectMeta> dirMetas) {}

  private record MetaFound(Drive drive, Path path, ObjectMeta meta) {}

  /** What one drive holds. */
  private record DriveContent(List<ChunkFile> chunks, List<MetaFound> metas) {}

  private final int chunkSize;
  /**
   * The longest object any origin may state (the largest {@code max-object-size}). The store
   * checks it rather than a fixed bound of its own: a meta an origin could not have had accepted
   * now (written before the limit existed, or corrupted) is dropped with its chunks and the object
   * fetched afresh, while objects within the limits keep their chunks across restarts.
   */
  private final long maxObjectLength;
  private final AtomicInteger removed = new AtomicInteger();

  StoreScan(int chunkSize, long maxObjectLength) {
    this.chunkSize = chunkSize;
    this.maxObjectLength = maxObjectLength;
  }

  void run(List<Drive> drives, ChunkStore store) throws IOException {
    long started = System.nanoTime();
    List<DriveContent> contents = listAll(drives);
    Map<String, ObjectMeta> newest = new HashMap<>();
    List<ChunkFile> found = new ArrayList<>();
    for (DriveContent c : contents) {
      for (MetaFound m : c.metas()) {
        newest.merge(m.meta().key(), m.meta(), (a, b) -> b.storedAtEpochMillis() > a.storedAtEpochMillis() ? b : a);
      }
      found.addAll(c.chunks());
    }
    found.sort(Comparator.comparingLong(ChunkFile::modified));
    Set<String> used = new HashSet<>();
    int adopted = 0;
    for (ChunkFile f : found) {
      ObjectMeta own = f.dirMetas().get(f.version());
      ObjectMeta best = own == null ? null : newest.get(own.key());
      long expected = best == null ? -1 : Math.max(0, Math.min(chunkSize, best.length() - f.index() * (long) chunkSize));
      if (best == null || !best.version().equals(f.version()) || f.size() != expected || expected == 0) {
        deleteAndTidy(f.path());
        continue;
      }
      store.adopt(f.drive(), best, f.index(), f.size());
      used.add(f.drive().number + "/" + best.key() + "/" + best.version());
      adopted++;
    }
    for (DriveContent c : contents) {
      for (MetaFound m : c.metas()) {
        if (!used.contains(m.drive().number + "/" + m.meta().key() + "/" + m.meta().version())) {
          deleteAndTidy(m.path());
        }
      }
    }
    for (Drive drive : drives) {
      // A drive whose size limit was lowered sheds its least valuable chunks now.
      store.shed(drive);
    }
    log.info(
        "store scan: {} chunks adopted, {} leftover files removed, in {} ms",
        adopted,
        removed.get(),
        (System.nanoTime() - started) / 1_000_000);
  }

  private List<DriveContent> listAll(List<Drive> drives) throws IOException {
    if (drives.size() == 1) {
      return List.of(list(drives.get(0)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(drives.size(), 4), r -> new Thread(r, "ispcache-store-scan"));
    try {
      List<CompletableFuture<DriveContent>> lists = new ArrayList<>();
      for (Drive d : drives) {
        lists.add(CompletableFuture.supplyAsync(() -> {
          try {
            return list(d);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }, pool));
      }
      List<DriveContent> result = new ArrayList<>();
      for (CompletableFuture<DriveContent> l : lists) {
        result.add(l.join());
      }
      return result;
    } catch (CompletionException e) {
      if (e.getCause() instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      throw e;
    } finally {
      pool.shutdown();
    }
  }

  private DriveContent list(Drive drive) throws IOException {
    DriveContent content = new DriveContent(new ArrayList<>(), new ArrayList<>());
    Path objects = drive.objects();
    if (!Files.isDirectory(objects)) {
      return content;
    }
    try (DirectoryStream<Path> prefixes = Files.newDirectoryStream(objects)) {
      for (Path prefix : prefixes) {
        if (!Files.isDirectory(prefix)) {
          continue;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(prefix)) {
          for (Path dir : dirs) {
            if (Files.isDirectory(dir)) {
              scanObject(drive, dir, content);
            }
          }
        }
        try {
          // Emptied by the scan or before: the drive counts a shard directory while it exists.
          Files.deleteIfExists(prefix);
        } catch (DirectoryNotEmptyException e) {
          // holds objects: stays
        }
      }
    }
    return content;
  }

  private void scanObject(Drive drive, Path dir, DriveContent content) throws IOException {
    Map<String, ObjectMeta> metas = new HashMap<>();
    List<Path> chunkPaths = new ArrayList<>();
    boolean foreign = false;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (TEMP.matcher(name).matches()) {
          delete(p); // a fill that never finished
        } else if (META.matcher(name).matches()) {
          Optional<ObjectMeta> m = MetaFile.read(p);
          String version = name.substring(0, name.length() - 5);
          if (m.isPresent() && m.get().length() > maxObjectLength) {
            // Its chunks go too, as chunks without a meta.
            log.warn("object {} stated {} bytes, more than any origin's max-object-size ({}); dropped to be fetched again",
                m.get().key(), m.get().length(), maxObjectLength);
            delete(p);
          } else if (m.isPresent() && m.get().version().equals(version) && ChunkStore.keyHash(m.get().key()).equals(dir.getFileName().toString())) {
            metas.put(version, m.get());
            content.metas().add(new MetaFound(drive, p, m.get()));
          } else {
            delete(p);
          }
        } else if (CHUNK.matcher(name).matches()) {
          chunkPaths.add(p);
        } else {
          foreign = true;
          log.warn("unknown file {} in the cache drive left alone", p);
        }
      }
    }
    if (chunkPaths.isEmpty() && metas.isEmpty() && !foreign) {
      // Everything of this object was evicted or dropped earlier; the empty directory would only
      // slow down every later scan.
      try {
        Files.deleteIfExists(dir);
      } catch (DirectoryNotEmptyException e) {
        // something appeared meanwhile: left alone
      }
      return;
    }
    for (Path p : chunkPaths) {
      String name = p.getFileName().toString();
      int dot = name.indexOf('.');
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      content.chunks().add(
          new ChunkFile(drive, p, name.substring(0, dot), Long.parseLong(name.substring(dot + 1)), a.size(), a.lastModifiedTime().toMillis(), metas));
    }
  }

  /**
   * Deletes a chunk or meta file found wanting, then its object's and shard's directories if that
   * left them empty: the drive counts only directories of objects it holds.
   */
  private void deleteAndTidy(Path p) {
    delete(p);
    Path dir = p.getParent();
    for (int level = 0; level < 2 && dir != null; level++, dir = dir.getParent()) {
      try {
        Files.deleteIfExists(dir);
      } catch (DirectoryNotEmptyException e) {
        return;
      } catch (IOException e) {
        log.warn("cannot remove {}: {}", dir, e.toString());
        return;
      }
    }
  }

  private void delete(Path p) {
    try {
      Files.deleteIfExists(p);
      removed.incrementAndGet();
    } catch (IOException e) {
      log.warn("cannot remove {}: {}", p, e.toString());
    }
  }
}
