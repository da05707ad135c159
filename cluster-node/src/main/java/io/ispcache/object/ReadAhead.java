package io.ispcache.object;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Which objects this node's responses are reading, and the chunks fetched ahead for them: read-ahead
 * runs only while a client waits for the object, and what it fetched for nobody is given up when
 * the object's last client leaves.
 *
 * <p>A response that may read chunks still to be fetched holds its object's interest while it is
 * open ({@link #open}). Read-ahead starts a chunk only while its object has interest
 * ({@link #wanted}); a chunk read ahead is registered with the action that abandons its fill
 * ({@link #began}), which runs when the object's last response closes before the fill ended, or at
 * once if none is open by the time the fill began. The action gives up only a fill that nobody
 * reads: one that another response or a peer reads carries on (see {@code ChunkFill.abandon}).
 *
 * <p>Counted per object rather than per response, because read-ahead fills are shared: a chunk one
 * client's read-ahead started is read by every client of the object that reaches it. Read-ahead is
 * not instead paced by the bytes a client takes: the kernel's socket buffers take megabytes for a
 * client that never reads, so a client that left looks like one that reads until the node's next
 * write fails; what bounds the waste is giving the fills up then.
 */
public final class ReadAhead {
  /** Objects with responses open; an entry exists only while its count is above zero. */
  private final ConcurrentHashMap<String, Interest> objects = new ConcurrentHashMap<>();

  /** One object's open responses and the abandon actions of its fills read ahead, not yet ended. */
  private static final class Interest {
    int responses;
    final Set<Runnable> ahead = new HashSet<>();
  }

  /**
   * A response that may read fills of object {@code key} opened; the returned action closes it (at
   * most once, however often it runs).
   */
  public Runnable open(String key) {
    objects.compute(
        key,
        (k, interest) -> {
          Interest i = interest == null ? new Interest() : interest;
          i.responses++;
          return i;
        });
    AtomicBoolean closed = new AtomicBoolean();
    return () -> {
      if (closed.compareAndSet(false, true)) {
        close(key);
      }
    };
  }

  private void close(String key) {
    List<Runnable> orphaned = new ArrayList<>(0);
    objects.computeIfPresent(
        key,
        (k, i) -> {
          if (--i.responses > 0) {
            return i;
          }
          orphaned.addAll(i.ahead);
          return null;
        });
    // Outside the map's lock: an action may take the fill's.
    orphaned.forEach(Runnable::run);
  }

  /** Whether a response of this node is open for object {@code key}: read ahead only then. */
  public boolean wanted(String key) {
    return objects.containsKey(key);
  }

  /**
   * A fill read ahead for object {@code key} began: {@code abandon} runs if the object's last
   * response closes before {@code ended} completes, or now if none is open.
   */
  public void began(String key, Runnable abandon, CompletionStage<?> ended) {
    boolean[] unwanted = {false};
    objects.compute(
        key,
        (k, i) -> {
          if (i == null) {
            unwanted[0] = true;
            return null;
          }
          i.ahead.add(abandon);
          return i;
        });
    if (unwanted[0]) {
      abandon.run();
      return;
    }
    ended.whenComplete(
        (d, e) ->
            objects.computeIfPresent(
                key,
                (k, i) -> {
                  i.ahead.remove(abandon);
                  return i;
                }));
  }
}
