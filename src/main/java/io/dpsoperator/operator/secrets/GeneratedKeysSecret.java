package io.dpsoperator.operator.secrets;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;

/**
 * The Secret an enrollment owns when DPS generated its keys: the keys and what a device needs to
 * register. Owned by the resource, so Kubernetes deletes it with the resource.
 */
public final class GeneratedKeysSecret {
  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY = "dps-operator";
  public static final String OWNER_KIND_LABEL = "dpsoperator.io/owner-kind";
  public static final String CONTROLLER_CLASS_LABEL = "dpsoperator.io/controller-class";

  /** The owning resource, as {@code <Kind>/<namespace>/<name>}. */
  public static final String OWNER_ANNOTATION = "dpsoperator.io/owner";

  public static final String OWNER_UID_ANNOTATION = "dpsoperator.io/owner-uid";

  /**
   * The template's label and annotation keys last written, so that a key the template no longer
   * names is removed from the Secret (and a key a user added by hand is left alone).
   */
  public static final String TEMPLATE_KEYS_ANNOTATION = "dpsoperator.io/template-keys";

  private static final String RESERVED_PREFIX = "dpsoperator.io/";

  private GeneratedKeysSecret() {}

  /**
   * The labels and annotations the Secret carries: the template's, then the operator's own (which
   * win): who owns it, and the controller class of the operator instance that writes it.
   */
  public record Metadata(Map<String, String> labels, Map<String, String> annotations) {

    /**
     * @param templateLabels the resource's template labels, or null
     * @param templateAnnotations the resource's template annotations, or null
     * @param controllerClass the writing operator's controller class, empty for none
     */
    public static Metadata of(
        HasMetadata owner,
        Map<String, String> templateLabels,
        Map<String, String> templateAnnotations,
        String controllerClass) {
      Map<String, String> labels = new java.util.TreeMap<>();
      if (templateLabels != null) {
        templateLabels.forEach(
            (k, v) -> {
              if (!k.startsWith(RESERVED_PREFIX) && !k.equals(MANAGED_BY_LABEL)) {
                labels.put(k, v);
              }
            });
      }
      labels.put(MANAGED_BY_LABEL, MANAGED_BY);
      labels.put(OWNER_KIND_LABEL, owner.getKind());
      if (!controllerClass.isEmpty()) {
        labels.put(CONTROLLER_CLASS_LABEL, controllerClass);
      }
      Map<String, String> annotations = new java.util.TreeMap<>();
      if (templateAnnotations != null) {
        templateAnnotations.forEach(
            (k, v) -> {
              if (!k.startsWith(RESERVED_PREFIX)) {
                annotations.put(k, v);
              }
            });
      }
      annotations.put(
          OWNER_ANNOTATION,
          owner.getKind()
              + "/"
              + owner.getMetadata().getNamespace()
              + "/"
              + owner.getMetadata().getName());
      annotations.put(OWNER_UID_ANNOTATION, owner.getMetadata().getUid());
      annotations.put(TEMPLATE_KEYS_ANNOTATION, templateKeys(labels, annotations));
      return new Metadata(Map.copyOf(labels), Map.copyOf(annotations));
    }

    /** "label:k1,label:k2,annotation:a1": the keys that came from the template. */
    private static String templateKeys(
        Map<String, String> labels, Map<String, String> annotations) {
      java.util.List<String> keys = new java.util.ArrayList<>();
      labels.keySet().stream()
          .filter(k -> !k.startsWith(RESERVED_PREFIX) && !k.equals(MANAGED_BY_LABEL))
          .forEach(k -> keys.add("label:" + k));
      annotations.keySet().stream()
          .filter(k -> !k.startsWith(RESERVED_PREFIX))
          .forEach(k -> keys.add("annotation:" + k));
      return String.join(",", keys);
    }

    /**
     * The template keys an object carries from an earlier write that this metadata no longer names,
     * by kind ("label" or "annotation").
     */
    Map<String, java.util.Set<String>> staleOn(HasMetadata object) {
      Map<String, java.util.Set<String>> stale =
          Map.of("label", new java.util.TreeSet<>(), "annotation", new java.util.TreeSet<>());
      Map<String, String> existing = object.getMetadata().getAnnotations();
      String previous = existing == null ? null : existing.get(TEMPLATE_KEYS_ANNOTATION);
      if (previous == null || previous.isEmpty()) {
        return stale;
      }
      for (String entry : previous.split(",")) {
        int colon = entry.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String kind = entry.substring(0, colon);
        String key = entry.substring(colon + 1);
        Map<String, String> now = kind.equals("label") ? labels : annotations;
        if (stale.containsKey(kind) && !now.containsKey(key) && !key.startsWith(RESERVED_PREFIX)) {
          stale.get(kind).add(key);
        }
      }
      return stale;
    }

    /** Whether an object already carries all of these labels and annotations. */
    public boolean presentOn(HasMetadata object) {
      return contains(object.getMetadata().getLabels(), labels)
          && contains(object.getMetadata().getAnnotations(), annotations);
    }

    private static boolean contains(Map<String, String> actual, Map<String, String> wanted) {
      return wanted.isEmpty()
          || (actual != null && actual.entrySet().containsAll(wanted.entrySet()));
    }
  }

  /** Creates the Secret, or sets its data, labels and annotations. */
  public static void write(
      KubernetesClient client,
      HasMetadata owner,
      String name,
      Map<String, String> data,
      Metadata metadata) {
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(owner.getMetadata().getNamespace())
            .withLabels(metadata.labels())
            .withAnnotations(metadata.annotations())
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
      // Labels, annotations and data keys a user added are left alone; keys an earlier template
      // wrote and this one no longer names are removed.
      Map<String, java.util.Set<String>> stale = metadata.staleOn(existing);
      resource.edit(
          current -> {
            current
                .getMetadata()
                .setLabels(
                    merged(
                        current.getMetadata().getLabels(), stale.get("label"), metadata.labels()));
            current
                .getMetadata()
                .setAnnotations(
                    merged(
                        current.getMetadata().getAnnotations(),
                        stale.get("annotation"),
                        metadata.annotations()));
            current.setData(merged(current.getData(), java.util.Set.of(), secret.getData()));
            current.setStringData(null);
            return current;
          });
    } else {
      throw new IllegalStateException(
          "Secret " + name + " exists and is not owned by " + owner.getMetadata().getName());
    }
  }

  private static Map<String, String> merged(
      Map<String, String> current, java.util.Set<String> remove, Map<String, String> put) {
    Map<String, String> out = new java.util.LinkedHashMap<>(current == null ? Map.of() : current);
    remove.forEach(out::remove);
    out.putAll(put);
    return out;
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
