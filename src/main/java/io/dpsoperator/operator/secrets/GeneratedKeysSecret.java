package io.dpsoperator.operator.secrets;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Map;

/**
 * The Secret an enrollment owns when DPS generated its keys: the keys and what a device needs to
 * register. Owned by the resource, so Kubernetes deletes it with the resource.
 */
public final class GeneratedKeysSecret {
  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY = "dps-operator";

  private GeneratedKeysSecret() {}

  /** Creates or replaces the Secret's data. */
  public static void write(
      KubernetesClient client, HasMetadata owner, String name, Map<String, String> data) {
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(owner.getMetadata().getNamespace())
            .addToLabels(MANAGED_BY_LABEL, MANAGED_BY)
            .addToLabels("dpsoperator.io/owner-kind", owner.getKind())
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion(owner.getApiVersion())
                    .withKind(owner.getKind())
                    .withName(owner.getMetadata().getName())
                    .withUid(owner.getMetadata().getUid())
                    .withController(true)
                    .withBlockOwnerDeletion(true)
                    .build())
            .endMetadata()
            .withType("Opaque")
            .withStringData(null)
            .withData(encode(data))
            .build();
    var resource = client.secrets().inNamespace(owner.getMetadata().getNamespace()).withName(name);
    Secret existing = resource.get();
    if (existing == null) {
      client.secrets().inNamespace(owner.getMetadata().getNamespace()).resource(secret).create();
    } else if (isControlledBy(existing, owner.getMetadata().getUid())) {
      // Only the data: labels, annotations and other keys a user added are left alone.
      Secret dataOnly = new SecretBuilder().withData(secret.getData()).build();
      resource.patch(PatchContext.of(PatchType.JSON_MERGE), dataOnly);
    } else {
      throw new IllegalStateException(
          "Secret " + name + " exists and is not owned by " + owner.getMetadata().getName());
    }
  }

  /** Whether an object's controller is the resource with this uid. */
  public static boolean isControlledBy(HasMetadata object, String uid) {
    return object.getMetadata().getOwnerReferences() != null
        && object.getMetadata().getOwnerReferences().stream()
            .anyMatch(o -> Boolean.TRUE.equals(o.getController()) && uid.equals(o.getUid()));
  }

  private static Map<String, String> encode(Map<String, String> data) {
    Map<String, String> encoded = new java.util.LinkedHashMap<>();
    data.forEach(
        (k, v) ->
            encoded.put(
                k,
                java.util.Base64.getEncoder()
                    .encodeToString(v.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    return encoded;
  }
}
