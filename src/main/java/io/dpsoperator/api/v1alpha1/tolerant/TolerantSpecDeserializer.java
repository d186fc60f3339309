package io.dpsoperator.api.v1alpha1.tolerant;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import io.dpsoperator.api.v1alpha1.DpsRecordSpec;
import io.dpsoperator.api.v1alpha1.EnrollmentGroupSpec;
import io.dpsoperator.api.v1alpha1.IndividualEnrollmentSpec;
import java.io.IOException;

/**
 * Reads the spec of a resource so that a spec the model cannot hold (an enum value from a newer
 * CRD, a string where an object belongs) never fails the read of the whole resource.
 *
 * <p>Why here, and not in the informer: the fabric8 informer decodes every list and watch item with
 * Jackson, and one item that fails stops the informer; JOSDK then stops the whole operator (its
 * default {@code InformerStoppedHandler} exits the process), so one bad resource would stop every
 * other one and crash-loop the Deployment. An informer has no hook to skip one item, and a skipped
 * item would be invisible: nobody could report on it. Read leniently, the resource reaches the
 * cache like any other, the reconciler sees {@link DpsRecordSpec#unreadable()} and reports it in
 * its status and an Event, and a fixed spec is read normally on its next watch event.
 *
 * <p>The normal binding is tried first, so a readable spec costs one tree read and nothing else. An
 * unreadable one becomes an {@link UnreadableIndividualEnrollmentSpec} or {@link
 * UnreadableEnrollmentGroupSpec}: it holds what could be read, and serializes back to the raw JSON.
 *
 * @param <T> the spec type
 */
public abstract class TolerantSpecDeserializer<T extends DpsRecordSpec> extends StdDeserializer<T> {
  private final Class<T> readable;
  private final Class<? extends T> unreadable;

  protected TolerantSpecDeserializer(Class<T> readable, Class<? extends T> unreadable) {
    super(readable);
    this.readable = readable;
    this.unreadable = unreadable;
  }

  @Override
  public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    JsonNode raw = ctxt.readTree(p);
    TolerantReader.Reading<T> reading =
        TolerantReader.read(raw, ctxt, readable, unreadable, "spec");
    if (reading.problems().isEmpty()) {
      return reading.value();
    }
    ((UnreadableSpecHolder) reading.value()).hold(new UnreadableSpec(raw, reading.problems()));
    return reading.value();
  }

  /** For {@link io.dpsoperator.api.v1alpha1.IndividualEnrollment}. */
  public static final class ForIndividualEnrollment
      extends TolerantSpecDeserializer<IndividualEnrollmentSpec> {
    public ForIndividualEnrollment() {
      super(IndividualEnrollmentSpec.class, UnreadableIndividualEnrollmentSpec.class);
    }
  }

  /** For {@link io.dpsoperator.api.v1alpha1.EnrollmentGroup}. */
  public static final class ForEnrollmentGroup
      extends TolerantSpecDeserializer<EnrollmentGroupSpec> {
    public ForEnrollmentGroup() {
      super(EnrollmentGroupSpec.class, UnreadableEnrollmentGroupSpec.class);
    }
  }
}
