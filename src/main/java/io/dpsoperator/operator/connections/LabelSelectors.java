package io.dpsoperator.operator.connections;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;

/** Kubernetes label selector semantics (matchLabels and matchExpressions, ANDed). */
public final class LabelSelectors {
  private LabelSelectors() {}

  /**
   * Whether a selector selects these labels: a null selector selects nothing, an empty one
   * everything.
   *
   * @throws IllegalArgumentException for an unknown operator or a requirement without values
   */
  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(labels.get(e.getKey()))) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
        if (!matches(r, labels)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean matches(LabelSelectorRequirement r, Map<String, String> labels) {
    List<String> values = r.getValues() == null ? List.of() : r.getValues();
    String value = labels.get(r.getKey());
    return switch (r.getOperator() == null ? "" : r.getOperator()) {
      case "In" -> {
        requireValues(r, values);
        yield value != null && values.contains(value);
      }
      case "NotIn" -> {
        requireValues(r, values);
        yield value == null || !values.contains(value);
      }
      case "Exists" -> labels.containsKey(r.getKey());
      case "DoesNotExist" -> !labels.containsKey(r.getKey());
      default ->
          throw new IllegalArgumentException(
              "unknown operator '"
                  + r.getOperator()
                  + "' for key "
                  + r.getKey()
                  + " (In, NotIn, Exists or DoesNotExist)");
    };
  }

  private static void requireValues(LabelSelectorRequirement r, List<String> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException(
          "operator " + r.getOperator() + " for key " + r.getKey() + " needs values");
    }
  }
}
