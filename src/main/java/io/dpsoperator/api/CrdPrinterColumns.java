package io.dpsoperator.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A build step run right after fabric8's CRD generator, on every {@code *.dpsoperator.io-v1.yml} it
 * wrote (the resource class is {@code api.v1alpha1.<kind>}):
 *
 * <ul>
 *   <li>puts the printer columns back in the order the resource class declares them (the generator
 *       sorts them by JSON path, which would show {@code Age} first in {@code kubectl get});
 *   <li>gives each version's schema a root description, the class's {@link JsonClassDescription}
 *       (the generator writes none, so {@code kubectl explain <kind>} would say nothing).
 * </ul>
 *
 * <p>Only those lines are touched; the rest of the file stays byte for byte as generated.
 */
public final class CrdPrinterColumns {
  private static final String SUFFIX = "." + IndividualEnrollment.GROUP + "-v1.yml";
  private static final String MODEL_PACKAGE = IndividualEnrollment.class.getPackageName();
  private static final String BLOCK = "  - additionalPrinterColumns:\n";
  private static final String ITEM = "    - jsonPath: ";
  private static final String SCHEMA = "      openAPIV3Schema:\n";
  private static final Pattern KIND = Pattern.compile("(?m)^    kind: \"(\\w+)\"$");

  private CrdPrinterColumns() {}

  /** Post-processes the CRDs in the directory given as the only argument. */
  public static void main(String[] args) throws IOException, ClassNotFoundException {
    Path dir = Path.of(args[0]);
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
    }
    for (Path file : files) {
      String yaml = Files.readString(file, StandardCharsets.UTF_8);
      Class<?> resource = resourceClass(yaml);
      String processed = reorder(yaml, declaredOrder(resource));
      processed = withRootDescription(processed, rootDescription(resource));
      Files.writeString(file, processed, StandardCharsets.UTF_8);
    }
  }

  static Class<?> resourceClass(String yaml) throws ClassNotFoundException {
    Matcher kind = KIND.matcher(yaml);
    if (!kind.find()) {
      throw new IllegalArgumentException("No spec.names.kind in a generated CRD");
    }
    return Class.forName(MODEL_PACKAGE + "." + kind.group(1));
  }

  /** The description of the resource as a whole, from its {@link JsonClassDescription}. */
  static String rootDescription(Class<?> resource) {
    JsonClassDescription description = resource.getAnnotation(JsonClassDescription.class);
    if (description == null || description.value().isBlank()) {
      throw new IllegalStateException(
          resource.getName() + " needs a @JsonClassDescription (kubectl explain shows it)");
    }
    return description.value();
  }

  /** The YAML with {@code description} as the first key of every version's openAPIV3Schema. */
  static String withRootDescription(String yaml, String description) {
    String line =
        "        description: \""
            + description.replace("\\", "\\\\").replace("\"", "\\\"")
            + "\"\n";
    StringBuilder out = new StringBuilder();
    int from = 0;
    for (int at = yaml.indexOf(SCHEMA); at >= 0; at = yaml.indexOf(SCHEMA, from)) {
      int after = at + SCHEMA.length();
      out.append(yaml, from, after);
      if (!yaml.startsWith("        description: ", after)) {
        out.append(line);
      }
      from = after;
    }
    return out.append(yaml.substring(from)).toString();
  }

  static List<String> declaredOrder(Class<?> resource) {
    return Arrays.stream(resource.getAnnotationsByType(AdditionalPrinterColumn.class))
        .map(AdditionalPrinterColumn::name)
        .toList();
  }

  /** The YAML with its printer-column items sorted by their position in {@code order}. */
  static String reorder(String yaml, List<String> order) {
    int start = yaml.indexOf(BLOCK);
    if (start < 0) {
      return yaml;
    }
    int itemsStart = start + BLOCK.length();
    int end = itemsStart;
    List<String> items = new ArrayList<>();
    while (yaml.startsWith(ITEM, end)) {
      int next = yaml.indexOf("\n" + ITEM, end + 1);
      int stop = yaml.indexOf("\n    name: ", end);
      int itemEnd = next >= 0 && next < stop ? next + 1 : stop + 1;
      items.add(yaml.substring(end, itemEnd));
      end = itemEnd;
    }
    items.sort((a, b) -> Integer.compare(position(a, order), position(b, order)));
    return yaml.substring(0, itemsStart) + String.join("", items) + yaml.substring(end);
  }

  private static int position(String item, List<String> order) {
    for (int i = 0; i < order.size(); i++) {
      if (item.contains("\n      name: \"" + order.get(i) + "\"\n")) {
        return i;
      }
    }
    return order.size();
  }
}
