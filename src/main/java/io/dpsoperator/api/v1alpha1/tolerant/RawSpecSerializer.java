package io.dpsoperator.api.v1alpha1.tolerant;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.dpsoperator.api.v1alpha1.DpsRecordSpec;
import java.io.IOException;

/**
 * Writes an unreadable spec back exactly as it was read. JOSDK clones the primary resource through
 * JSON, and a status patch carries the whole resource: writing the partial reading would turn an
 * unreadable spec into a different, readable one in the clone, and would send a spec the user never
 * wrote. The raw JSON is written instead, so the user's spec survives every round trip.
 */
public final class RawSpecSerializer extends StdSerializer<DpsRecordSpec> {

  public RawSpecSerializer() {
    super(DpsRecordSpec.class);
  }

  @Override
  public void serialize(DpsRecordSpec value, JsonGenerator gen, SerializerProvider provider)
      throws IOException {
    UnreadableSpec unreadable =
        value
            .unreadable()
            .orElseThrow(() -> new IllegalStateException("not an unreadable spec: " + value));
    unreadable.raw().serialize(gen, provider);
  }
}
