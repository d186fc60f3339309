package io.dpsoperator.dps.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DerivedKeysTest {
  @Test
  void matchesTheDocumentedTestVector() {
    assertThat(
            DerivedKeys.deriveDeviceKey(
                "8isrFI1sGsIlvvFSSFRiMfCNzv21fjbE/+ah/lSh3lF8e2YG1Te7w1KpZhJFFXJrqYKi9yegxkqIChbqOS9Egw==",
                "sn-007-888-abc-mac-a1-b2-c3-d4-e5-f6"))
        .isEqualTo("Jsm0lyGpjaVYVP2g3FnmnmG9dI/9qU24wNoykUmermc=");
  }

  @Test
  void rejectsABadGroupKeyWithoutQuotingIt() {
    assertThatThrownBy(() -> DerivedKeys.deriveDeviceKey("sec*ret", "dev"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("sec*ret");
  }
}
