package io.dpsoperator.operator;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records Kubernetes Events on resources. The same Event repeated within a short window is counted
 * on the existing Event instead of creating a new one, so that retries do not flood the namespace.
 */
public class EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final Duration DEDUP_WINDOW = Duration.ofMinutes(10);
  public static final String COMPONENT = "dps-operator";

  private final KubernetesClient client;
  private final Clock clock;
  // At fleet size every resource records an Event or two within the window: the key keeps the
  // message's hash, not the message (about 150 bytes per entry instead of 500).
  private final Map<Key, Recorded> recent = new ConcurrentHashMap<>();
  private volatile Instant swept = Instant.EPOCH;

  private record Key(String uid, String type, String reason, int messageHash, int messageLength) {}

  private record Recorded(String eventName, int count, Instant last) {}

  private final String instance;

  public EventRecorder(KubernetesClient client, Clock clock) {
    this(client, clock, "");
  }

  /**
   * @param controllerClass the operator instance's controller class (empty for none), recorded as
   *     the Events' reporting instance so that two installs' Events can be told apart
   */
  public EventRecorder(KubernetesClient client, Clock clock, String controllerClass) {
    this.client = client;
    this.clock = clock;
    this.instance = controllerClass.isEmpty() ? COMPONENT : COMPONENT + "-" + controllerClass;
  }

  public void normal(HasMetadata on, String reason, String message) {
    record(on, "Normal", reason, message);
  }

  public void warning(HasMetadata on, String reason, String message) {
    record(on, "Warning", reason, message);
  }

  private void record(HasMetadata on, String type, String reason, String message) {
    // Events of cluster-scoped objects live in the default namespace, as kubectl looks for them.
    String ns =
        on.getMetadata().getNamespace() == null ? "default" : on.getMetadata().getNamespace();
    Key key =
        new Key(on.getMetadata().getUid(), type, reason, message.hashCode(), message.length());
    Instant now = clock.instant();
    try {
      Recorded previous = recent.get(key);
      if (previous != null && previous.last().plus(DEDUP_WINDOW).isAfter(now)) {
        int count = previous.count() + 1;
        client
            .v1()
            .events()
            .inNamespace(ns)
            .withName(previous.eventName())
            // A merge patch without a read: the operator's Role grants create and patch only.
            .patch(
                PatchContext.of(PatchType.JSON_MERGE),
                "{\"count\":" + count + ",\"lastTimestamp\":\"" + now + "\"}");
        recent.put(key, new Recorded(previous.eventName(), count, now));
        return;
      }
      String name = on.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 8);
      client
          .v1()
          .events()
          .inNamespace(ns)
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withNamespace(ns)
                  .endMetadata()
                  .withInvolvedObject(
                      new ObjectReferenceBuilder()
                          .withApiVersion(on.getApiVersion())
                          .withKind(on.getKind())
                          .withName(on.getMetadata().getName())
                          .withNamespace(ns)
                          .withUid(on.getMetadata().getUid())
                          .withResourceVersion(on.getMetadata().getResourceVersion())
                          .build())
                  .withType(type)
                  .withReason(reason)
                  .withMessage(message)
                  .withCount(1)
                  .withFirstTimestamp(now.toString())
                  .withLastTimestamp(now.toString())
                  .withNewSource()
                  .withComponent(COMPONENT)
                  .endSource()
                  .withReportingComponent(COMPONENT)
                  .withReportingInstance(instance)
                  .build())
          .create();
      recent.put(key, new Recorded(name, 1, now));
      // Forget what is past the window, at most once a minute (not on every Event of a fleet).
      if (swept.plus(Duration.ofMinutes(1)).isBefore(now)) {
        swept = now;
        recent.entrySet().removeIf(e -> e.getValue().last().plus(DEDUP_WINDOW).isBefore(now));
      }
    } catch (KubernetesClientException e) {
      recent.remove(key);
      LOG.atWarn()
          .addKeyValue("reason", reason)
          .addKeyValue("status", e.getCode())
          .log("Failed to record event");
    }
  }
}
