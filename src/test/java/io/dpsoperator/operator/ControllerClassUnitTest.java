package io.dpsoperator.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.dpsoperator.operator.reconciler.ResourceControls;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The controller class's selector and the update filter that lets annotation changes through. */
class ControllerClassUnitTest {

  private static IndividualEnrollment resource(
      long generation, Map<String, String> annotations, List<String> finalizers) {
    IndividualEnrollment r = new IndividualEnrollment();
    r.setMetadata(
        new ObjectMetaBuilder()
            .withName("r")
            .withGeneration(generation)
            .withAnnotations(annotations)
            .withFinalizers(finalizers)
            .build());
    return r;
  }

  @Test
  void selectorNamesTheClassOrExcludesEveryLabelledResource() {
    assertThat(ControllerClass.selector("")).isEqualTo("!dpsoperator.io/controller-class");
    assertThat(ControllerClass.selector("canary"))
        .isEqualTo("dpsoperator.io/controller-class=canary");
  }

  @Test
  void theSettingMustBeALabelValue() {
    assertThat(
            OperatorConfig.fromEnv(Map.of("DPS_OPERATOR_CONTROLLER_CLASS", "team-a.v2"))
                .controllerClass())
        .isEqualTo("team-a.v2");
    assertThat(OperatorConfig.defaults().controllerClass()).isEmpty();
    assertThatThrownBy(
            () -> OperatorConfig.fromEnv(Map.of("DPS_OPERATOR_CONTROLLER_CLASS", "team a")))
        .hasMessageContaining("DPS_OPERATOR_CONTROLLER_CLASS");
    assertThatThrownBy(
            () -> OperatorConfig.fromEnv(Map.of("DPS_OPERATOR_CONTROLLER_CLASS", "x".repeat(64))))
        .hasMessageContaining("63");
  }

  @Test
  void onlySpecChangesFinalizersDeletionAndTheTwoAnnotationsTriggerAReconcile() {
    IndividualEnrollment before = resource(3, Map.of("note", "a"), List.of("f"));

    assertThat(
            ControllerClass.relevantUpdate(resource(3, Map.of("note", "b"), List.of("f")), before))
        .as("an unrelated annotation, or a status write")
        .isFalse();
    assertThat(
            ControllerClass.relevantUpdate(resource(4, Map.of("note", "a"), List.of("f")), before))
        .isTrue();
    assertThat(ControllerClass.relevantUpdate(resource(3, Map.of("note", "a"), List.of()), before))
        .isTrue();
    assertThat(
            ControllerClass.relevantUpdate(
                resource(
                    3,
                    Map.of("note", "a", ResourceControls.PAUSED_ANNOTATION, "true"),
                    List.of("f")),
                before))
        .isTrue();
    assertThat(
            ControllerClass.relevantUpdate(
                resource(
                    3,
                    Map.of("note", "a", ResourceControls.FORCE_SYNC_ANNOTATION, "1"),
                    List.of("f")),
                before))
        .isTrue();
    IndividualEnrollment deleting = resource(3, Map.of("note", "a"), List.of("f"));
    deleting.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
    assertThat(ControllerClass.relevantUpdate(deleting, before)).isTrue();
  }
}
