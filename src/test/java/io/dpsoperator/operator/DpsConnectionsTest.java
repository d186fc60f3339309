package io.dpsoperator.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsoperator.api.v1alpha1.ConnectionSecretRef;
import io.dpsoperator.dps.DpsClient;
import io.dpsoperator.operator.secrets.ObjectRef;
import io.dpsoperator.operator.sync.Material;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * One client per connection string, shared by the resources that use it; a rotated string closes
 * the client it replaced. The clients are hand-written fakes that only record {@code close()}: what
 * is checked is the lifecycle, not DPS calls.
 */
class DpsConnectionsTest {
  private final List<String> opened = new ArrayList<>();
  private final List<String> closed = new ArrayList<>();
  private final Map<ObjectRef, Map<String, String>> secrets = new HashMap<>();

  private DpsClient fake(String connectionString) {
    opened.add(connectionString);
    return (DpsClient)
        Proxy.newProxyInstance(
            DpsClient.class.getClassLoader(),
            new Class<?>[] {DpsClient.class},
            (proxy, method, args) -> {
              if (method.getName().equals("close")) {
                closed.add(connectionString);
              }
              return null;
            });
  }

  @Test
  void sharesClientsAndClosesTheOneARotationReplaced() throws Exception {
    DpsConnections connections =
        new DpsConnections(
            OperatorConfig.fromEnv(Map.of("DPS_OPERATOR_NAMESPACE", "ops")),
            this::fake,
            Optional.empty());
    Material inA = new Material("a", ref -> Optional.ofNullable(secrets.get(ref)));
    Material inB = new Material("b", ref -> Optional.ofNullable(secrets.get(ref)));
    ConnectionSecretRef ref = new ConnectionSecretRef();
    ref.setName("dps");
    secrets.put(ObjectRef.secret("ops", "dps-connection"), Map.of("connectionString", "CS-1"));
    secrets.put(ObjectRef.secret("a", "dps"), Map.of("connectionString", "CS-2"));
    secrets.put(ObjectRef.secret("b", "dps"), Map.of("connectionString", "CS-2"));

    DpsClient operatorWide = connections.clientFor(null, inA);
    assertThat(connections.clientFor(null, inB)).isSameAs(operatorWide);
    DpsClient team = connections.clientFor(ref, inA);
    assertThat(connections.clientFor(ref, inB)).isSameAs(team);
    assertThat(opened).containsExactly("CS-1", "CS-2");

    // Namespace a rotates its key; b still uses the old string, so that client stays open.
    secrets.put(ObjectRef.secret("a", "dps"), Map.of("connectionString", "CS-3"));
    connections.clientFor(ref, inA);
    assertThat(closed).isEmpty();
    secrets.put(ObjectRef.secret("b", "dps"), Map.of("connectionString", "CS-3"));
    connections.clientFor(ref, inB);
    assertThat(closed).containsExactly("CS-2");

    connections.close();
    assertThat(closed).containsExactlyInAnyOrder("CS-2", "CS-1", "CS-3");
  }
}
