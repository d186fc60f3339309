package io.dpsoperator.dps;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {
  @Test
  void removesTokensSignaturesAndKeys() {
    assertThat(
            Redaction.redact(
                "auth SharedAccessSignature sr=h&sig=abc%2B&se=1&skn=o failed; "
                    + "HostName=h;SharedAccessKeyName=o;SharedAccessKey=c2VjcmV0; "
                    + "url?sig=xyz&se=2; Bearer eyJhbGciOi; SharedAccessSignature=SharedAccessSignature sr=a&sig=q"))
        .doesNotContain("abc%2B")
        .doesNotContain("c2VjcmV0")
        .doesNotContain("xyz")
        .doesNotContain("eyJhbGciOi")
        .doesNotContain("sig=q")
        .contains("HostName=h");
    assertThat(Redaction.redact("Enrollment dev-1 not found"))
        .isEqualTo("Enrollment dev-1 not found");
    assertThat(Redaction.redact(null)).isNull();
  }
}
