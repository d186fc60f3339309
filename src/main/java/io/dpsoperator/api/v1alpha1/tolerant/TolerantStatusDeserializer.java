package io.dpsoperator.api.v1alpha1.tolerant;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import io.dpsoperator.api.v1alpha1.DpsRecordStatus;
import io.dpsoperator.api.v1alpha1.EnrollmentGroupStatus;
import io.dpsoperator.api.v1alpha1.IndividualEnrollmentStatus;
import java.io.IOException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the status of a resource so that a field the model cannot hold (written by a newer
 * operator, or by hand through the status subresource) never fails the read of the whole resource,
 * which would stop the informer and the operator as an unreadable spec would (see {@link
 * TolerantSpecDeserializer}). Unlike the spec, the status belongs to the operator: the fields that
 * cannot be read are left out (and logged), and the next status write replaces them.
 *
 * @param <T> the status type
 */
public abstract class TolerantStatusDeserializer<T extends DpsRecordStatus>
    extends StdDeserializer<T> {
  private static final Logger LOG = LoggerFactory.getLogger(TolerantStatusDeserializer.class);
  private final Class<T> type;

  protected TolerantStatusDeserializer(Class<T> type) {
    super(type);
    this.type = type;
  }

  @Override
  public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    JsonNode raw = ctxt.readTree(p);
    TolerantReader.Reading<T> reading = TolerantReader.read(raw, ctxt, type, type, "status");
    if (!reading.problems().isEmpty()) {
      LOG.atWarn()
          .addKeyValue(
              "problems",
              reading.problems().stream()
                  .map(UnreadableSpec.Problem::describe)
                  .collect(Collectors.joining("; ")))
          .log("Ignored status fields the operator cannot read");
    }
    return reading.value();
  }

  /** For {@link io.dpsoperator.api.v1alpha1.IndividualEnrollment}. */
  public static final class ForIndividualEnrollment
      extends TolerantStatusDeserializer<IndividualEnrollmentStatus> {
    public ForIndividualEnrollment() {
      super(IndividualEnrollmentStatus.class);
    }
  }

  /** For {@link io.dpsoperator.api.v1alpha1.EnrollmentGroup}. */
  public static final class ForEnrollmentGroup
      extends TolerantStatusDeserializer<EnrollmentGroupStatus> {
    public ForEnrollmentGroup() {
      super(EnrollmentGroupStatus.class);
    }
  }
}
