package io.dpsoperator.api;

import io.dpsoperator.api.v1alpha1.ClusterDpsConnection;
import io.dpsoperator.api.v1alpha1.DpsConnection;
import io.dpsoperator.api.v1alpha1.EnrollmentGroup;
import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A build step run right after fabric8's CRD generator: it puts the printer columns back in the
 * order the resource class declares them (the generator sorts them by JSON path, which would show
 * {@code Age} first in {@code kubectl get}). Only that block is touched; the rest of the file stays
 * byte for byte as generated.
 */
public final class CrdPrinterColumns {
  private static final Map<String, Class<?>> KINDS =
      Map.of(
          "individualenrollments.dpsoperator.io-v1.yml", IndividualEnrollment.class,
          "enrollmentgroups.dpsoperator.io-v1.yml", EnrollmentGroup.class,
          "dpsconnections.dpsoperator.io-v1.yml", DpsConnection.class,
          "clusterdpsconnections.dpsoperator.io-v1.yml", ClusterDpsConnection.class);
  private static final String BLOCK = "  - additionalPrinterColumns:\n";
  private static final String ITEM = "    - jsonPath: ";

  private CrdPrinterColumns() {}

  /** Reorders the CRDs in the directory given as the only argument. */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    for (Map.Entry<String, Class<?>> kind : KINDS.entrySet()) {
      Path file = dir.resolve(kind.getKey());
      String yaml = Files.readString(file, StandardCharsets.UTF_8);
      Files.writeString(
          file, reorder(yaml, declaredOrder(kind.getValue())), StandardCharsets.UTF_8);
    }
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
