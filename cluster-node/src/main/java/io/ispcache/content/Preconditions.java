package io.ispcache.content;

import io.ispcache.freshness.HttpDate;
import java.util.List;
import java.util.OptionalLong;

/**
 * Evaluates a request's preconditions against the stored object's validators, in the order of
 * RFC 9110 §13.2.2 (steps 1-4; step 5, If-Range, is {@link IfRange}). The cache answers for the
 * origin here: a stored object is one immutable revision, so its ETag and Last-Modified are the
 * selected representation's.
 *
 * <p>Only GET and HEAD reach this: the content port answers every other method 405 before
 * looking at preconditions, as §13.2.1 asks (a response that would not be 2xx ignores them).
 */
public final class Preconditions {
  private Preconditions() {}

  /** What the request's conditions make of it. */
  public enum Outcome {
    /** No condition failed: perform the GET or HEAD (If-Range still decides about a Range). */
    PROCEED,
    /** 304: the client's copy is current (If-None-Match or If-Modified-Since false on GET/HEAD). */
    NOT_MODIFIED,
    /** 412: If-Match or If-Unmodified-Since false, or If-None-Match false on another method. */
    FAILED
  }

  /**
   * The request's precondition fields, each its field lines joined with ", " as §5.3 allows, or
   * null when absent.
   */
  public record Fields(String ifMatch, String ifNoneMatch, String ifModifiedSince, String ifUnmodifiedSince) {
    public static final Fields NONE = new Fields(null, null, null, null);

    public boolean any() {
      return ifMatch != null || ifNoneMatch != null || ifModifiedSince != null || ifUnmodifiedSince != null;
    }
  }

  /**
   * The outcome of {@code fields} for a representation with {@code etag} and {@code lastModified}
   * (either may be null: the origin sent none), on a GET or HEAD when {@code getOrHead}.
   */
  public static Outcome evaluate(boolean getOrHead, Fields fields, String etag, String lastModified) {
    EntityTag current = etag == null ? null : EntityTag.parse(etag);
    // 1. If-Match; 2. If-Unmodified-Since only without If-Match.
    if (fields.ifMatch() != null) {
      if (!ifMatch(fields.ifMatch(), current)) {
        return Outcome.FAILED;
      }
    } else if (fields.ifUnmodifiedSince() != null && modifiedAfter(lastModified, fields.ifUnmodifiedSince())) {
      return Outcome.FAILED;
    }
    // 3. If-None-Match; 4. If-Modified-Since only without If-None-Match, only on GET/HEAD.
    if (fields.ifNoneMatch() != null) {
      if (!ifNoneMatch(fields.ifNoneMatch(), current)) {
        return getOrHead ? Outcome.NOT_MODIFIED : Outcome.FAILED;
      }
    } else if (getOrHead
        && fields.ifModifiedSince() != null
        && notModifiedSince(lastModified, fields.ifModifiedSince())) {
      return Outcome.NOT_MODIFIED;
    }
    return Outcome.PROCEED;
  }

  /**
   * §13.1.1: true for "*" (a stored object always has a current representation) or when a listed
   * tag matches the current ETag by strong comparison. A value that is no list of entity-tags
   * matches nothing, so the condition is false: no bytes of an unknown revision go out.
   */
  static boolean ifMatch(String value, EntityTag current) {
    if (value.strip().equals("*")) {
      return true;
    }
    List<EntityTag> tags = EntityTag.parseList(value);
    if (tags == null || current == null) {
      return false;
    }
    for (EntityTag t : tags) {
      if (t.strongMatch(current)) {
        return true;
      }
    }
    return false;
  }

  /**
   * §13.1.2: false for "*" or when a listed tag matches the current ETag by weak comparison. A
   * value that is no list of entity-tags matches nothing: the condition holds and the full
   * response goes out, which is always safe.
   */
  static boolean ifNoneMatch(String value, EntityTag current) {
    if (value.strip().equals("*")) {
      return false;
    }
    List<EntityTag> tags = EntityTag.parseList(value);
    if (tags == null || current == null) {
      return true;
    }
    for (EntityTag t : tags) {
      if (t.weakMatch(current)) {
        return false;
      }
    }
    return true;
  }

  /**
   * §13.1.4: the If-Unmodified-Since condition is false, when the last modification is later than
   * the date. An invalid date (a list of dates included) or no Last-Modified: ignored.
   */
  private static boolean modifiedAfter(String lastModified, String date) {
    OptionalLong since = HttpDate.parse(date);
    OptionalLong modified = HttpDate.parse(lastModified);
    return since.isPresent() && modified.isPresent() && modified.getAsLong() > since.getAsLong();
  }

  /**
   * §13.1.3: the If-Modified-Since condition is false, when the last modification is earlier than
   * or equal to the date. An invalid date (more than one member included) or no Last-Modified:
   * ignored.
   */
  private static boolean notModifiedSince(String lastModified, String date) {
    OptionalLong since = HttpDate.parse(date);
    OptionalLong modified = HttpDate.parse(lastModified);
    return since.isPresent() && modified.isPresent() && modified.getAsLong() <= since.getAsLong();
  }
}
