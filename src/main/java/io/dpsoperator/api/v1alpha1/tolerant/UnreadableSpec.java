package io.dpsoperator.api.v1alpha1.tolerant;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A spec the operator could not bind to its model: the JSON exactly as the API server holds it, and
 * the fields that could not be read. Values are described, never copied wholesale: a value under a
 * key-like field is withheld, long strings are cut (see {@link TolerantReader}).
 *
 * @param raw the spec as read, written back unchanged whenever the resource is serialized
 * @param problems the fields that could not be read, at least one
 */
public record UnreadableSpec(JsonNode raw, List<Problem> problems) {

  public UnreadableSpec {
    problems = List.copyOf(problems);
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("an unreadable spec has at least one problem");
    }
  }

  /**
   * One field that could not be read.
   *
   * @param path where, as {@code spec.attestation.type} or {@code spec.iotHubs[2]}
   * @param found what is there, as {@code "password"} or {@code an object}
   * @param expected what belongs there, as {@code one of symmetricKey, x509, tpm}
   */
  public record Problem(String path, String found, String expected) {
    /** As {@code spec.attestation.type is "password", expected one of symmetricKey, x509, tpm}. */
    public String describe() {
      return path + " is " + found + ", expected " + expected;
    }
  }

  /** All problems, described and joined by "; ". */
  public String describe() {
    return problems.stream().map(Problem::describe).collect(Collectors.joining("; "));
  }
}
