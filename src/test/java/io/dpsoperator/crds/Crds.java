package io.dpsoperator.crds;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The CRDs: where the generator writes them, where they are committed, how to read them. */
final class Crds {
  static final String INDIVIDUAL_ENROLLMENTS = "individualenrollments.dpsoperator.io-v1.yml";
  static final String ENROLLMENT_GROUPS = "enrollmentgroups.dpsoperator.io-v1.yml";
  static final String DPS_CONNECTIONS = "dpsconnections.dpsoperator.io-v1.yml";
  static final String CLUSTER_DPS_CONNECTIONS = "clusterdpsconnections.dpsoperator.io-v1.yml";
  static final List<String> FILES =
      List.of(INDIVIDUAL_ENROLLMENTS, ENROLLMENT_GROUPS, DPS_CONNECTIONS, CLUSTER_DPS_CONNECTIONS);

  /** The folders holding committed copies, relative to the project root. */
  static final List<Path> COMMITTED_DIRS =
      List.of(Path.of("crds"), Path.of("charts/dps-operator/files/crds"));

  static final String REFRESH_COMMAND = "mvn -B -q -Pupdate-crds process-classes";

  static final ObjectMapper YAML = new YAMLMapper();

  private Crds() {}

  /** The CRD as generated from the Java model into target/classes/META-INF/fabric8. */
  static String generatedText(String file) {
    try (InputStream in = Crds.class.getResourceAsStream("/META-INF/fabric8/" + file)) {
      if (in == null) {
        throw new IllegalStateException(
            "META-INF/fabric8/" + file + " is not on the classpath; run mvn process-classes");
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The generated CRD as a map tree. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> generated(String file) {
    try {
      return YAML.readValue(generatedText(file), Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The generated CRD of a kind, by kind name. */
  static Map<String, Object> forKind(String kind) {
    for (String file : FILES) {
      Map<String, Object> crd = generated(file);
      if (kind.equals(path(crd, "spec", "names", "kind"))) {
        return crd;
      }
    }
    throw new IllegalArgumentException("No CRD for kind " + kind);
  }

  /** The openAPIV3Schema of the first (only) version. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> schema(Map<String, Object> crd) {
    List<Object> versions = (List<Object>) path(crd, "spec", "versions");
    return (Map<String, Object>)
        path((Map<String, Object>) versions.get(0), "schema", "openAPIV3Schema");
  }

  @SuppressWarnings("unchecked")
  static Object path(Map<String, Object> map, String... keys) {
    Object current = map;
    for (String key : keys) {
      if (!(current instanceof Map)) {
        return null;
      }
      current = ((Map<String, Object>) current).get(key);
    }
    return current;
  }

  /** All documents of a (multi-document) YAML file, as maps. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> readAll(Path file) {
    try {
      List<Map<String, Object>> docs = new ArrayList<>();
      for (Object doc : YAML.readerFor(Map.class).readValues(Files.readString(file)).readAll()) {
        if (doc != null) {
          docs.add((Map<String, Object>) doc);
        }
      }
      return docs;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
