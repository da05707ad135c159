package io.ispcache.load;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A set of generated objects ({@code count} objects of {@code size} bytes) with the SHA-256 of
 * every piece of {@code pieceSize}: what a simulation downloads and checks. The bytes are
 * {@link Content}'s, so a real origin can be given the same files ({@link #main}).
 */
final class ObjectSet {
  private static final Pattern SPEC = Pattern.compile("(\\d{1,6})x(.+)");
  static final String ROOT = "/ispcache-load/";

  final String name;
  final int count;
  final long size;
  final long pieceSize;
  final long seed;
  private final String[][] pieceHashes;

  private ObjectSet(String name, int count, long size, long pieceSize, long seed, String[][] pieceHashes) {
    this.name = name;
    this.count = count;
    this.size = size;
    this.pieceSize = pieceSize;
    this.seed = seed;
    this.pieceHashes = pieceHashes;
  }

  /** The set an {@code objects} parameter ({@code <count>x<size>}, e.g. {@code 4x64MiB}) names. */
  static ObjectSet of(String name, String spec, long pieceSize, long seed) {
    Matcher m = SPEC.matcher(spec == null ? "" : spec.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("objects = '" + spec + "': must be <count>x<size>, such as 4x64MiB");
    }
    int count = Integer.parseInt(m.group(1));
    long size = Sizes.parse("objects", m.group(2));
    if (count < 1) {
      throw new IllegalArgumentException("objects = '" + spec + "': needs at least one object");
    }
    if (size < 1 || size > (1L << 40)) {
      throw new IllegalArgumentException("objects = '" + spec + "': an object is 1 byte to 1TiB");
    }
    if (pieceSize < 1 || pieceSize > (64L << 20)) {
      throw new IllegalArgumentException("piece = " + pieceSize + ": must be 1 byte to 64MiB");
    }
    long pieces = (size + pieceSize - 1) / pieceSize;
    if (pieces * count > 1_000_000) {
      throw new IllegalArgumentException("objects = '" + spec + "': more than a million pieces of " + Sizes.format(pieceSize));
    }
    return new ObjectSet(name, count, size, pieceSize, seed, new String[count][]);
  }

  int pieces() {
    return (int) ((size + pieceSize - 1) / pieceSize);
  }

  long totalBytes() {
    return size * count;
  }

  /** The object's path on the origin (and, with {@code ?cacheHostOrigin=}, on a node). */
  String path(int object) {
    return ROOT + name + "-" + Sizes.format(size) + "-" + seed + "-" + object + ".bin";
  }

  long objectSeed(int object) {
    return seed * 1_000_003L + object;
  }

  long pieceFrom(int piece) {
    return piece * pieceSize;
  }

  long pieceTo(int piece) {
    return Math.min(size, (piece + 1) * pieceSize) - 1;
  }

  String pieceHash(int object, int piece) {
    return pieceHashes[object][piece];
  }

  /** SHA-256 of any range of an object (computed from the generator: for ranges that are not pieces). */
  String rangeHash(int object, long from, long to) {
    return Content.sha256(objectSeed(object), from, to);
  }

  /** Computes every piece's hash; with {@code dir}, also writes the objects there (kept between runs). */
  ObjectSet prepare(Path dir) throws IOException {
    Path hashes = dir == null ? null : dir.resolve(ROOT.substring(1)).resolve(name + "-" + Sizes.format(size) + "-" + seed + "-pieces-" + Sizes.format(pieceSize) + ".sha256");
    if (hashes != null && Files.exists(hashes)) {
      List<String> lines = Files.readAllLines(hashes, StandardCharsets.US_ASCII);
      if (lines.size() >= count * pieces() && allFilesThere(dir)) {
        for (int o = 0; o < count; o++) {
          pieceHashes[o] = lines.subList(o * pieces(), (o + 1) * pieces()).toArray(String[]::new);
        }
        return this;
      }
    }
    List<String> all = new ArrayList<>();
    byte[] buf = new byte[(int) Math.min(pieceSize, 1 << 20)];
    for (int o = 0; o < count; o++) {
      OutputStream out = dir == null ? OutputStream.nullOutputStream() : Files.newOutputStream(file(dir, o));
      try (out) {
        pieceHashes[o] = new String[pieces()];
        for (int p = 0; p < pieces(); p++) {
          MessageDigest digest = Content.sha256();
          for (long pos = pieceFrom(p); pos <= pieceTo(p); ) {
            int n = (int) Math.min(buf.length, pieceTo(p) - pos + 1);
            Content.fill(objectSeed(o), pos, buf, 0, n);
            digest.update(buf, 0, n);
            out.write(buf, 0, n);
            pos += n;
          }
          pieceHashes[o][p] = HexFormat.of().formatHex(digest.digest());
          all.add(pieceHashes[o][p]);
        }
      }
    }
    if (hashes != null) {
      Files.write(hashes, all, StandardCharsets.US_ASCII);
    }
    return this;
  }

  private boolean allFilesThere(Path dir) throws IOException {
    for (int o = 0; o < count; o++) {
      Path f = file(dir, o);
      if (!Files.exists(f) || Files.size(f) != size) {
        return false;
      }
    }
    return true;
  }

  private Path file(Path dir, int object) throws IOException {
    Path f = dir.resolve(path(object).substring(1));
    Files.createDirectories(f.getParent());
    return f;
  }

  /**
   * Writes an object set into a directory for a real origin to serve:
   * {@code java -cp target/test-classes io.ispcache.load.ObjectSet <dir> <name> <count>x<size> [seed]}.
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 3) {
      System.err.println("usage: ObjectSet <dir> <name> <count>x<size> [seed]   (name: patch, steady or loss, as the simulations use)");
      System.exit(2);
    }
    long seed = args.length > 3 ? Long.parseLong(args[3]) : 1;
    ObjectSet set = of(args[1], args[2], 1 << 20, seed).prepare(Path.of(args[0]));
    System.out.println("wrote " + set.count + " objects under " + Path.of(args[0]).resolve(ROOT.substring(1)));
  }
}
