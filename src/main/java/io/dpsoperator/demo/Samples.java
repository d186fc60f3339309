package io.dpsoperator.demo;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** The objects of {@code deploy/samples/}, in file order. */
record Samples(List<GenericKubernetesResource> objects) {
  /** Where the build puts a copy of deploy/samples/ (pom.xml, resources). */
  static final String BUILT_IN = "samples";

  /** The samples in the jar (or target/classes): no file of the working directory is read. */
  static Samples builtIn(KubernetesSerialization serialization) {
    URL url = Samples.class.getResource(BUILT_IN);
    if (url == null) {
      throw new IllegalStateException(
          "The built-in samples are missing from the classpath; rebuild with mvn package");
    }
    return fromResource(url, serialization);
  }

  /** The samples in a classpath directory: in target/classes ({@code file:}) or a jar. */
  static Samples fromResource(URL url, KubernetesSerialization serialization) {
    try {
      URI uri = url.toURI();
      if (!"jar".equals(uri.getScheme())) {
        return load(Path.of(uri), serialization);
      }
      try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
        return load(jar.provider().getPath(uri), serialization);
      }
    } catch (URISyntaxException | IOException e) {
      throw new IllegalStateException("Cannot read the built-in samples at " + url, e);
    }
  }

  /** The samples in a directory; an {@link IllegalArgumentException} when it is not one. */
  static Samples load(Path directory, KubernetesSerialization serialization) {
    if (!Files.isDirectory(directory)) {
      throw new IllegalArgumentException(
          "Samples directory " + directory.toAbsolutePath() + " not found");
    }
    List<GenericKubernetesResource> objects = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file :
          files
              .filter(f -> f.getFileName().toString().matches(".*\\.ya?ml"))
              .sorted(Comparator.comparing(f -> f.getFileName().toString()))
              .toList()) {
        for (String doc : Files.readString(file).split("(?m)^---\\s*$")) {
          if (doc.lines().anyMatch(l -> l.startsWith("kind:"))) {
            objects.add(serialization.unmarshal(doc, GenericKubernetesResource.class));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Samples(objects);
  }

  List<GenericKubernetesResource> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.getKind())).toList();
  }

  Optional<GenericKubernetesResource> find(String kind, String namespace, String name) {
    return objects.stream()
        .filter(o -> kind.equals(o.getKind()))
        .filter(o -> name.equals(o.getMetadata().getName()))
        .filter(o -> namespace.equals(namespaceOf(o)))
        .findFirst();
  }

  static String namespaceOf(GenericKubernetesResource o) {
    return o.getMetadata().getNamespace() == null ? "default" : o.getMetadata().getNamespace();
  }

  /** A nested value of an object, e.g. {@code spec.x509.caReferences.primary}. */
  @SuppressWarnings("unchecked")
  static Optional<Object> path(GenericKubernetesResource o, String dotted) {
    Object current = o.getAdditionalProperties();
    for (String part : dotted.split("\\.")) {
      if (!(current instanceof Map<?, ?> map)) {
        return Optional.empty();
      }
      current = ((Map<String, Object>) map).get(part);
    }
    return Optional.ofNullable(current);
  }

  static Optional<String> string(GenericKubernetesResource o, String dotted) {
    return path(o, dotted).map(String::valueOf);
  }
}
