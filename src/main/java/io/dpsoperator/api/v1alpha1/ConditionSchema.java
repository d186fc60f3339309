package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.time.OffsetDateTime;

/**
 * The CRD schema of a status condition, in the shape of Kubernetes' metav1.Condition. Used only by
 * the CRD generator (through {@code @SchemaFrom} on {@link DpsRecordStatus}) so that every field of
 * {@code status.conditions} has a description; at runtime the operator uses fabric8's {@link
 * io.fabric8.kubernetes.api.model.Condition}. Only type and status are required, so a condition the
 * operator writes without a message is not refused by the API server.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
final class ConditionSchema {
  /** The kind of condition, in CamelCase; Ready tells whether DPS holds the desired record. */
  @JsonPropertyDescription(
      "The kind of condition, in CamelCase; Ready tells whether DPS holds the desired record.")
  @Required
  @Size(min = 1, max = 316)
  String type;

  /** True, False or Unknown. */
  @JsonPropertyDescription("True, False or Unknown.")
  @Required
  Status status;

  /** The metadata.generation the condition was set for. */
  @JsonPropertyDescription("The metadata.generation the condition was set for.")
  @Min(0)
  Long observedGeneration;

  /** When the condition last changed from one status to another (RFC 3339). */
  @JsonPropertyDescription("When the condition last changed from one status to another (RFC 3339).")
  OffsetDateTime lastTransitionTime;

  /** Why the condition last changed, in CamelCase (for example Synced or SecretNotFound). */
  @JsonPropertyDescription(
      "Why the condition last changed, in CamelCase (for example Synced or SecretNotFound).")
  @Size(max = 1024)
  String reason;

  /** A human-readable message about the transition. */
  @JsonPropertyDescription("A human-readable message about the transition.")
  @Size(max = 32768)
  String message;

  private ConditionSchema() {}

  /** The status of a condition. */
  enum Status {
    True,
    False,
    Unknown
  }
}
