package io.ispcache.store;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * Times {@link ChunkStore#open} on a drive already holding many chunks (the figure in
 * load-tests/README.md, "Store start"). Arguments: an absolute directory to create the drive in
 * (it is deleted afterwards), objects, chunks per object. Run with
 * {@code mvn -B -q -pl cluster-node test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.ispcache.store.StoreStartBenchmark -Dexec.args="/var/tmp/ispcache-bench 1000 100"}.
 */
public final class StoreStartBenchmark {
  static final int CHUNK = 256 * 1024;

  private StoreStartBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path base = Path.of(args[0]);
    int objects = Integer.parseInt(args[1]);
    int chunksPerObject = Integer.parseInt(args[2]);
    if (Files.exists(base)) {
      throw new IllegalArgumentException(base + " exists; give a directory that does not exist yet");
    }
    ExecutorService io = Executors.newFixedThreadPool(2);
    try {
      Path drive = base.resolve("drive");
      long limit = limit(objects, chunksPerObject);
      long setup = System.nanoTime();
      populate(drive, objects, chunksPerObject, io);
      System.out.printf("wrote %d chunk files in %d ms%n", objects * chunksPerObject, (System.nanoTime() - setup) / 1_000_000);
      long started = System.nanoTime();
      try (ChunkStore store = ChunkStore.open(settings(drive, limit), io)) {
        System.out.printf(
            "open() indexed %d chunks in %d ms%n",
            store.stats().drives().get(0).chunkCount(),
            (System.nanoTime() - started) / 1_000_000);
      }
    } finally {
      io.shutdownNow();
      try (Stream<Path> s = Files.walk(base)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  static long limit(int objects, int chunksPerObject) {
    return 2L * objects * chunksPerObject * CHUNK;
  }

  static StoreSettings settings(Path drive, long limit) {
    return new StoreSettings(List.of(new DriveSettings(drive, limit)), CHUNK, 64 * 1024);
  }

  static String key(int object) {
    return "http://origin/title/" + object;
  }

  /**
   * Makes {@code drive} an ispcache drive holding {@code objects} objects of {@code chunksPerObject}
   * full chunks each, laid out as the store writes them. The chunk files are sparse: the scan reads
   * names and sizes only, so 25 GiB of chunks need no real space.
   */
  static void populate(Path drive, int objects, int chunksPerObject, ExecutorService io) throws IOException {
    ChunkStore.open(settings(drive, limit(objects, chunksPerObject)), io).close();
    Drive layout = new Drive(0, drive.toRealPath(), limit(objects, chunksPerObject));
    for (int o = 0; o < objects; o++) {
      ObjectMeta meta = new ObjectMeta(key(o), (long) chunksPerObject * CHUNK, "\"" + o + "\"", null, "video/mp4", 1);
      Path objectDir = Files.createDirectories(ChunkStore.objectDir(layout, meta.key()));
      MetaFile.write(objectDir.resolve(meta.version() + ".meta"), meta);
      for (int i = 0; i < chunksPerObject; i++) {
        try (RandomAccessFile f = new RandomAccessFile(objectDir.resolve(meta.version() + "." + i).toFile(), "rw")) {
          f.setLength(CHUNK);
        }
      }
    }
  }
}
