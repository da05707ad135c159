package io.ispcache.content.server;

import java.util.List;

/**
 * A response whose body is parts of an object's chunks. {@code headers} leave out Content-Length,
 * Date, Server and Connection, which the server writes; {@code contentLength} is the parts' lengths
 * added up. {@code finished} runs once, when the body is written or the exchange ends otherwise
 * (also when the response came too late to be sent).
 */
public record FileResponse(int status, List<RequestHead.Header> headers, long contentLength, Parts parts, Runnable finished)
    implements Answer {

  /**
   * A body's parts, each made only when the response reaches it: a response to a whole object of
   * a million chunks holds one part at a time, not a list of them.
   */
  public interface Parts {
    long count();

    /** Part {@code index}; asked for once per part, in order, on the connection's loop. */
    FilePart part(long index);
  }

  /** No body. */
  public static final Parts NO_PARTS =
      new Parts() {
        @Override
        public long count() {
          return 0;
        }

        @Override
        public FilePart part(long index) {
          throw new IndexOutOfBoundsException("part " + index + " of none");
        }
      };

  /** A response of a few parts made up front. */
  public static FileResponse of(int status, List<RequestHead.Header> headers, List<FilePart> parts, Runnable finished) {
    List<FilePart> fixed = List.copyOf(parts);
    long length = 0;
    for (FilePart p : fixed) {
      length += p.length();
    }
    return new FileResponse(
        status,
        headers,
        length,
        new Parts() {
          @Override
          public long count() {
            return fixed.size();
          }

          @Override
          public FilePart part(long index) {
            return fixed.get(Math.toIntExact(index));
          }
        },
        finished);
  }
}
