package io.dpsoperator.crds;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** docs/resources.md covers every field of the CRDs and its worked example is right. */
class ResourcesDocTest {
  private static final Path DOC = Path.of("docs/resources.md");

  @Test
  void everyFieldOfEveryKindIsDocumented() throws Exception {
    String doc = Files.readString(DOC);
    List<String> missing = new ArrayList<>();
    for (String kind :
        List.of(
            "IndividualEnrollment", "EnrollmentGroup", "DpsConnection", "ClusterDpsConnection")) {
      CrdSchemaTest.eachProperty(
          Crds.schema(Crds.forKind(kind)),
          (path, schema) -> {
            if (!doc.contains("`" + path + "`")) {
              missing.add(kind + " " + path);
            }
          });
    }
    assertThat(missing).as("fields missing from %s", DOC).isEmpty();
  }

  @Test
  void everyCelRuleMessageIsDocumented() throws Exception {
    String doc = Files.readString(DOC);
    for (String kind :
        List.of(
            "IndividualEnrollment", "EnrollmentGroup", "DpsConnection", "ClusterDpsConnection")) {
      for (CelRules.Rule rule : CelRules.rules(Crds.schema(Crds.forKind(kind)))) {
        assertThat(doc).as("%s rule at %s", kind, rule.path()).contains(rule.message());
      }
    }
  }

  @Test
  void refreshCommandIsDocumented() throws Exception {
    assertThat(Files.readString(DOC)).contains(Crds.REFRESH_COMMAND);
  }

  /** The documented derivation, recomputed: base64(HMAC-SHA256(base64decode(groupKey), id)). */
  @Test
  void groupKeyDerivationExampleIsRight() throws Exception {
    String doc = Files.readString(DOC);
    Map<String, String> example = new java.util.HashMap<>();
    Matcher m =
        Pattern.compile("\\| (group key|registration id|device key) \\| `([^`]+)` \\|")
            .matcher(doc);
    while (m.find()) {
      example.put(m.group(1), m.group(2));
    }
    assertThat(example).containsOnlyKeys("group key", "registration id", "device key");
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Base64.getDecoder().decode(example.get("group key")), "HmacSHA256"));
    String derived =
        Base64.getEncoder()
            .encodeToString(
                mac.doFinal(example.get("registration id").getBytes(StandardCharsets.UTF_8)));
    assertThat(derived).isEqualTo(example.get("device key"));
    // The example's group key is the sample's, so the sample and the doc tell one story.
    assertThat(Files.readString(Path.of("deploy/samples/enrollmentgroup-symmetrickey.yaml")))
        .contains("primaryKey: " + example.get("group key"));
  }
}
