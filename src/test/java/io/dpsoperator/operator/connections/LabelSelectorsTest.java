package io.dpsoperator.operator.connections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Kubernetes label selector semantics, as ClusterDpsConnection namespace selectors use them. */
class LabelSelectorsTest {

  @Provide
  Arbitrary<Map<String, String>> labels() {
    return Arbitraries.maps(Arbitraries.of("team", "env", "tier"), Arbitraries.of("a", "b", "c"))
        .ofMaxSize(3);
  }

  @Provide
  Arbitrary<String> keys() {
    return Arbitraries.of("team", "env", "tier");
  }

  @Provide
  Arbitrary<List<String>> values() {
    return Arbitraries.of("a", "b", "c").list().ofMinSize(1).ofMaxSize(3);
  }

  @Property
  void matchLabelsSelectExactlyTheSupersets(
      @ForAll("labels") Map<String, String> wanted, @ForAll("labels") Map<String, String> labels) {
    LabelSelector selector = new LabelSelectorBuilder().withMatchLabels(wanted).build();
    assertThat(LabelSelectors.matches(selector, labels))
        .isEqualTo(labels.entrySet().containsAll(wanted.entrySet()));
  }

  @Property
  void inAndNotInAreComplements(
      @ForAll("keys") String key,
      @ForAll("values") List<String> values,
      @ForAll("labels") Map<String, String> labels) {
    assertThat(LabelSelectors.matches(expression(key, "In", values), labels))
        .isNotEqualTo(LabelSelectors.matches(expression(key, "NotIn", values), labels))
        .isEqualTo(labels.containsKey(key) && values.contains(labels.get(key)));
  }

  @Property
  void existsAndDoesNotExistAreComplements(
      @ForAll("keys") String key, @ForAll("labels") Map<String, String> labels) {
    assertThat(LabelSelectors.matches(expression(key, "Exists", List.of()), labels))
        .isEqualTo(labels.containsKey(key))
        .isNotEqualTo(LabelSelectors.matches(expression(key, "DoesNotExist", List.of()), labels));
  }

  @Property
  void anEmptySelectorSelectsEverythingAndNoneNothing(@ForAll("labels") Map<String, String> l) {
    assertThat(LabelSelectors.matches(new LabelSelector(), l)).isTrue();
    assertThat(LabelSelectors.matches(null, l)).isFalse();
  }

  @Test
  void anUnknownOperatorOrMissingValuesIsRefused() {
    assertThatThrownBy(
            () -> LabelSelectors.matches(expression("team", "Like", List.of("a")), Map.of()))
        .hasMessageContaining("Like");
    assertThatThrownBy(() -> LabelSelectors.matches(expression("team", "In", List.of()), Map.of()))
        .hasMessageContaining("needs values");
  }

  private static LabelSelector expression(String key, String operator, List<String> values) {
    return new LabelSelectorBuilder()
        .withMatchExpressions(
            new LabelSelectorRequirementBuilder()
                .withKey(key)
                .withOperator(operator)
                .withValues(values)
                .build())
        .build();
  }
}
