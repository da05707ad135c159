package io.ispcache.content;

/** A resolved byte range, {@code first} to {@code last} inclusive (RFC 9110 §14.1.1). */
public record ByteRange(long first, long last) {
  public ByteRange {
    if (first < 0 || last < first) {
      throw new IllegalArgumentException("not a byte range: " + first + "-" + last);
    }
  }

  public long length() {
    return last - first + 1;
  }
}
