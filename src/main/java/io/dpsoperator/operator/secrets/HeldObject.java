package io.dpsoperator.operator.secrets;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What is kept in memory of a referenced Secret or ConfigMap: its data and the metadata the
 * reconcilers read (resourceVersion, labels, annotations, owners), in immutable collections. A
 * fabric8 object of the same Secret, with its empty maps and lists, uid, timestamps, managed fields
 * and kubectl's last-applied copy of the data, costs two to ten times as much; at 10,000 resources
 * that is the difference between fitting a small pod and not. {@link #object} makes the fabric8
 * object again on demand.
 *
 * @param secret a Secret (true) or a ConfigMap
 * @param data a Secret's {@code data} (base64, as the API server sends it) or a ConfigMap's data
 * @param binaryData a ConfigMap's {@code binaryData}; empty for Secrets
 */
record HeldObject(
    boolean secret,
    String resourceVersion,
    String type,
    Map<String, String> labels,
    Map<String, String> annotations,
    List<OwnerReference> owners,
    Map<String, String> data,
    Map<String, String> binaryData) {

  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  /** The compact form of a Secret or ConfigMap; null for any other kind. */
  static HeldObject of(HasMetadata full) {
    ObjectMeta meta = full.getMetadata();
    Map<String, String> annotations = copy(meta.getAnnotations(), a -> a.remove(LAST_APPLIED));
    List<OwnerReference> owners =
        meta.getOwnerReferences() == null ? List.of() : List.copyOf(meta.getOwnerReferences());
    if (full instanceof Secret s) {
      // Objects from the API server have no stringData; one built in code may.
      Map<String, String> data =
          copy(
              s.getData(),
              d -> {
                if (s.getStringData() != null) {
                  s.getStringData()
                      .forEach(
                          (k, v) ->
                              d.put(
                                  k,
                                  Base64.getEncoder()
                                      .encodeToString(v.getBytes(StandardCharsets.UTF_8))));
                }
              });
      return new HeldObject(
          true,
          meta.getResourceVersion(),
          s.getType(),
          copy(meta.getLabels()),
          annotations,
          owners,
          data,
          Map.of());
    }
    if (full instanceof ConfigMap c) {
      return new HeldObject(
          false,
          meta.getResourceVersion(),
          null,
          copy(meta.getLabels()),
          annotations,
          owners,
          copy(c.getData()),
          copy(c.getBinaryData()));
    }
    return null;
  }

  /** The fabric8 object again, with what was kept (plain setters: builders cost ten times more). */
  HasMetadata object(ObjectRef ref) {
    ObjectMeta meta = new ObjectMeta();
    meta.setName(ref.name());
    meta.setNamespace(ref.namespace());
    meta.setResourceVersion(resourceVersion);
    meta.setLabels(labels.isEmpty() ? null : new HashMap<>(labels));
    meta.setAnnotations(annotations.isEmpty() ? null : new HashMap<>(annotations));
    meta.setOwnerReferences(new ArrayList<>(owners));
    if (secret) {
      Secret s = new Secret();
      s.setMetadata(meta);
      s.setType(type);
      s.setData(new HashMap<>(data));
      return s;
    }
    ConfigMap c = new ConfigMap();
    c.setMetadata(meta);
    c.setData(new HashMap<>(data));
    c.setBinaryData(binaryData.isEmpty() ? null : new HashMap<>(binaryData));
    return c;
  }

  /**
   * The data as text: a Secret's values base64-decoded (a value that is not base64 is left out, so
   * the reader reports the key missing), a ConfigMap's as they are.
   */
  Map<String, String> decodedData() {
    if (!secret) {
      return new HashMap<>(data);
    }
    Map<String, String> decoded = new HashMap<>();
    data.forEach(
        (k, v) -> {
          try {
            decoded.put(k, new String(Base64.getMimeDecoder().decode(v), StandardCharsets.UTF_8));
          } catch (IllegalArgumentException e) {
            // Not valid base64: left out.
          }
        });
    return decoded;
  }

  private static Map<String, String> copy(Map<String, String> map) {
    return copy(map, m -> {});
  }

  /** An immutable copy of {@code map}, changed by {@code adjust} on the way. */
  private static Map<String, String> copy(
      Map<String, String> map, Consumer<Map<String, String>> adjust) {
    // Map.copyOf refuses null values, which a ConfigMap's data may hold.
    Map<String, String> clean = new HashMap<>();
    if (map != null) {
      map.forEach((k, v) -> clean.put(k, v == null ? "" : v));
    }
    adjust.accept(clean);
    return clean.isEmpty() ? Map.of() : Map.copyOf(clean);
  }
}
