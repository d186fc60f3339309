package io.dpsoperator.operator.connections;

import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.util.Collection;
import java.util.Set;

/**
 * An event source that other parts of the operator fire: it triggers the resources it is given.
 *
 * @param <P> the primary resource kind
 */
public final class Triggers<P extends io.fabric8.kubernetes.api.model.HasMetadata>
    extends AbstractEventSource<Void, P> {

  public Triggers(String name) {
    super(Void.class, name);
  }

  /** Triggers these resources, once the controller runs. */
  public void fire(Collection<ResourceID> resources) {
    if (!isRunning()) {
      return;
    }
    resources.forEach(r -> getEventHandler().handleEvent(new Event(r)));
  }

  @Override
  public Set<Void> getSecondaryResources(P primary) {
    return Set.of();
  }
}
