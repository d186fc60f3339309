package io.dpsoperator.operator;

import io.dpsoperator.operator.reconciler.ResourceControls;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which resources an operator instance reconciles, and which of their updates are worth a
 * reconcile. An instance with controller class X watches only resources labelled {@code
 * dpsoperator.io/controller-class=X}; one without a class only resources without the label. The API
 * server filters by the label, so another instance's resources never reach this one's cache.
 */
public final class ControllerClass {
  /** The label naming the operator instance that reconciles a resource. */
  public static final String LABEL = "dpsoperator.io/controller-class";

  private ControllerClass() {}

  /** The informer's label selector for an instance's controller class (empty: none). */
  public static String selector(String controllerClass) {
    return controllerClass.isEmpty() ? "!" + LABEL : LABEL + "=" + controllerClass;
  }

  /**
   * Whether an update of a resource is worth a reconcile: its generation moved (a spec change), a
   * finalizer was added, it is being deleted, or an annotation the operator acts on changed. Our
   * own status writes pass none of these.
   */
  public static <R extends HasMetadata> boolean relevantUpdate(R now, R before) {
    if (now.isMarkedForDeletion()) {
      return true;
    }
    if (!Objects.equals(now.getMetadata().getGeneration(), before.getMetadata().getGeneration())) {
      return true;
    }
    if (!Objects.equals(now.getMetadata().getFinalizers(), before.getMetadata().getFinalizers())) {
      return true;
    }
    return !Objects.equals(
            annotation(now, ResourceControls.PAUSED_ANNOTATION),
            annotation(before, ResourceControls.PAUSED_ANNOTATION))
        || !Objects.equals(
            annotation(now, ResourceControls.FORCE_SYNC_ANNOTATION),
            annotation(before, ResourceControls.FORCE_SYNC_ANNOTATION));
  }

  private static Optional<String> annotation(HasMetadata resource, String key) {
    Map<String, String> annotations = resource.getMetadata().getAnnotations();
    return annotations == null ? Optional.empty() : Optional.ofNullable(annotations.get(key));
  }
}
