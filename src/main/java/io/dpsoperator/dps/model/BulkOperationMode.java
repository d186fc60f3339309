package io.dpsoperator.dps.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** The mode of a bulk enrollment operation. */
public enum BulkOperationMode {
  CREATE("create"),
  UPDATE("update"),
  UPDATE_IF_MATCH_ETAG("updateIfMatchETag"),
  DELETE("delete");

  private final String wire;

  BulkOperationMode(String wire) {
    this.wire = wire;
  }

  /** The JSON value. */
  @JsonValue
  public String wire() {
    return wire;
  }
}
