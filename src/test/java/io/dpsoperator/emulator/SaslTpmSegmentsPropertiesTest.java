package io.dpsoperator.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/**
 * How the SASL TPM mechanism cuts the authentication key blob into challenge segments, for blobs of
 * any length: reassembled as the SDKs do (control byte dropped, contents concatenated) it is the
 * blob; at least two segments, the last {@code 0xC1} and every other {@code 0x80}; no segment
 * content over 400 bytes (the SASL frame stays under 512).
 */
class SaslTpmSegmentsPropertiesTest {

  @Property(tries = 300)
  void segmentsReassembleToTheBlob(@ForAll @Size(max = 3000) byte[] blob) {
    List<byte[]> segments = SaslTpm.segments(blob);

    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    segments.forEach(s -> joined.write(s, 1, s.length - 1));
    assertThat(joined.toByteArray()).isEqualTo(blob);
    assertThat(segments).hasSizeGreaterThanOrEqualTo(2);
    assertThat(segments.get(segments.size() - 1)[0]).isEqualTo((byte) 0xC1);
    assertThat(segments.subList(0, segments.size() - 1))
        .allSatisfy(s -> assertThat(s[0]).isEqualTo((byte) 0x80));
    assertThat(segments).allSatisfy(s -> assertThat(s.length - 1).isLessThanOrEqualTo(400));
    // as few segments as the size limit allows
    assertThat(segments).hasSize(Math.max(2, (blob.length + 399) / 400));
  }
}
