package io.ispcache.content;

/** Renders {@code Content-Range} values (RFC 9110 §14.4). */
public final class ContentRangeHeader {
  private ContentRangeHeader() {}

  public static String of(ByteRange r, long length) {
    return "bytes " + r.first() + "-" + r.last() + "/" + length;
  }

  /** For a 416 answer: {@code bytes *}{@code /length}. */
  public static String unsatisfied(long length) {
    return "bytes */" + length;
  }
}
