package io.dpsoperator.dps;

import java.util.Objects;
import java.util.Optional;

/**
 * The {@code If-Match} precondition of a write. Every write takes one explicitly, so a caller
 * chooses between "this etag", unconditional ({@code *}) and "create only" (no header) and never
 * gets one by accident.
 */
public final class IfMatch {
  private static final IfMatch ANY = new IfMatch("*");
  private static final IfMatch ABSENT = new IfMatch(null);

  private final String value;

  private IfMatch(String value) {
    this.value = value;
  }

  /** Succeeds only if the record still has this etag (412 otherwise). */
  public static IfMatch etag(String etag) {
    if (etag == null || etag.isBlank()) {
      throw new IllegalArgumentException("etag must not be blank; use IfMatch.any() or absent()");
    }
    return new IfMatch(etag);
  }

  /** Unconditional: {@code If-Match: *}. */
  public static IfMatch any() {
    return ANY;
  }

  /**
   * No header: a PUT creates the record and fails (409) if it exists; a DELETE is unconditional.
   */
  public static IfMatch absent() {
    return ABSENT;
  }

  /** The header value, if a header is sent. */
  public Optional<String> headerValue() {
    return Optional.ofNullable(value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IfMatch other && Objects.equals(value, other.value);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(value);
  }

  @Override
  public String toString() {
    return value == null ? "IfMatch[absent]" : "IfMatch[" + value + "]";
  }
}
