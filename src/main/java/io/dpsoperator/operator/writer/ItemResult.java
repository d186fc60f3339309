package io.dpsoperator.operator.writer;

/**
 * The outcome of one item of a bulk write. Messages come from DPS (redacted by the client) and
 * never carry key material.
 */
public sealed interface ItemResult {

  /** DPS applied the item. */
  record Ok() implements ItemResult {}

  /** 409: the record exists (a create): the adoption path. */
  record Conflict(String message) implements ItemResult {}

  /** 412: the etag no longer matches: re-read the record. */
  record PreconditionFailed(String message) implements ItemResult {}

  /** 404: the record does not exist (a delete: already gone). */
  record NotFound(String message) implements ItemResult {}

  /** 400: DPS refused the item; the message names the field. */
  record Invalid(String message) implements ItemResult {}

  /**
   * 429, 5xx or no answer: retry the item later.
   *
   * @param status the HTTP status, 0 when there was no answer
   */
  record Retryable(int status, String message) implements ItemResult {
    public Retryable(String message) {
      this(0, message);
    }

    /** Whether DPS throttled the call (429). */
    public boolean throttled() {
      return status == 429;
    }
  }

  /** Any other refusal (401, 403, ...), with its HTTP status. */
  record Rejected(int status, String message) implements ItemResult {}

  /** The result for an HTTP status (a DPS six-digit error code is divided by 1000 first). */
  static ItemResult of(int statusOrCode, String message) {
    int status = statusOrCode >= 100_000 ? statusOrCode / 1000 : statusOrCode;
    return switch (status) {
      case 409 -> new Conflict(message);
      case 412 -> new PreconditionFailed(message);
      case 404 -> new NotFound(message);
      case 400 -> new Invalid(message);
      default ->
          status == 0 || status == 429 || status >= 500
              ? new Retryable(status, message)
              : new Rejected(status, message);
    };
  }
}
