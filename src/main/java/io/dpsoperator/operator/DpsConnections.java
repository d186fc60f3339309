package io.dpsoperator.operator;

import io.dpsoperator.api.v1alpha1.ConnectionSecretRef;
import io.dpsoperator.dps.DpsClient;
import io.dpsoperator.operator.connections.ConnectionCredentials;
import io.dpsoperator.operator.connections.ConnectionKey;
import io.dpsoperator.operator.connections.ConnectionRegistry;
import io.dpsoperator.operator.connections.ConnectionResolver;
import io.dpsoperator.operator.connections.NamespaceLabels;
import io.dpsoperator.operator.connections.WorkloadIdentities;
import io.dpsoperator.operator.secrets.ObjectRef;
import io.dpsoperator.operator.sync.Material;
import io.dpsoperator.operator.sync.SyncFailure;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Chooses the DPS a resource lives in: the operator-wide connection Secret, the resource's own
 * {@code connectionSecretRef}, or a connection object ({@code connectionRef}, one client per
 * object); and keeps one client per connection string (the factory gives the clients of one DPS
 * host one rate limiter and one circuit breaker).
 */
public class DpsConnections implements AutoCloseable {
  private final OperatorConfig config;
  private final Function<String, DpsClient> factory;
  private final Optional<String> fixedDefault;
  private final Map<String, DpsClient> clients = new ConcurrentHashMap<>();
  private final Map<String, String> sources = new java.util.HashMap<>();
  private final java.util.List<java.util.function.Consumer<DpsClient>> retireListeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Map<ConnectionKey, ObjectClient> objectClients = new ConcurrentHashMap<>();
  private final ConnectionRegistry registry = new ConnectionRegistry();
  private final NamespaceLabels namespaceLabels = new NamespaceLabels();
  private final ConnectionResolver resolver;

  /** The client of a connection object and the settings it was made with. */
  private record ObjectClient(String fingerprint, DpsClient client) {}

  /**
   * @param factory makes a client from a connection string
   * @param fixedDefault a default connection string that needs no Secret (the embedded emulator)
   */
  public DpsConnections(
      OperatorConfig config, Function<String, DpsClient> factory, Optional<String> fixedDefault) {
    this.config = config;
    this.factory = factory;
    this.fixedDefault = fixedDefault;
    this.resolver =
        new ConnectionResolver(registry, namespaceLabels, config.watchesAllNamespaces());
  }

  /** The connection objects as last checked, and their users. */
  public ConnectionRegistry registry() {
    return registry;
  }

  /** Resolves the connectionRef of resources. */
  public ConnectionResolver resolver() {
    return resolver;
  }

  /** The labels of namespaces, for ClusterDpsConnection selectors. */
  public NamespaceLabels namespaceLabels() {
    return namespaceLabels;
  }

  /**
   * The client of a connection object: one per object, replaced (and the old one retired) when its
   * credential, rate limit or CA bundle changes.
   */
  public DpsClient clientForConnection(
      ConnectionKey key,
      ConnectionCredentials.Credential credential,
      int operationsPerMinute,
      Optional<String> caBundlePem) {
    DpsClientFactory clients = clientFactory();
    String fingerprint =
        sha256(
            credential.host()
                + "\n"
                + credential.fingerprint()
                + "\n"
                + operationsPerMinute
                + "\n"
                + caBundlePem.orElse(""));
    ObjectClient current = objectClients.get(key);
    if (current != null && current.fingerprint().equals(fingerprint)) {
      return current.client();
    }
    DpsClient client =
        clients.create(
            credential.host(),
            credential.credential(),
            key.toString(),
            operationsPerMinute,
            caBundlePem);
    ObjectClient previous = objectClients.put(key, new ObjectClient(fingerprint, client));
    if (previous != null) {
      retireListeners.forEach(l -> l.accept(previous.client()));
      previous.client().close();
    }
    return client;
  }

  /** Makes the workload identity credentials of connection objects. */
  public WorkloadIdentities workloadIdentities() {
    return clientFactory().workloadIdentities();
  }

  private DpsClientFactory clientFactory() {
    if (!(factory instanceof DpsClientFactory clients)) {
      throw new IllegalStateException("Connection objects need a DpsClientFactory");
    }
    return clients;
  }

  /** Closes the client of a connection object that is gone. */
  public void forgetConnection(ConnectionKey key) {
    ObjectClient previous = objectClients.remove(key);
    if (previous != null) {
      retireListeners.forEach(l -> l.accept(previous.client()));
      previous.client().close();
    }
    if (factory instanceof DpsClientFactory clients) {
      clients.forgetLimiters(key.toString());
    }
  }

  /** Told about each client that is closed because no Secret holds its connection string now. */
  public void onRetire(java.util.function.Consumer<DpsClient> listener) {
    retireListeners.add(listener);
  }

  /** The Secret holding the connection string of a resource, if one is needed. */
  public Optional<ObjectRef> secretRef(String namespace, ConnectionSecretRef perResource) {
    if (perResource != null) {
      return Optional.of(ObjectRef.secret(namespace, perResource.getName()));
    }
    if (fixedDefault.isPresent()) {
      return Optional.empty();
    }
    return Optional.of(ObjectRef.secret(config.namespace(), config.connectionSecret()));
  }

  /**
   * The DPS of a resource: the connection object it names, or else its connection Secret or the
   * operator-wide one.
   */
  public DpsTarget targetFor(
      io.fabric8.kubernetes.client.KubernetesClient kube,
      io.dpsoperator.api.v1alpha1.ConnectionRef connectionRef,
      ConnectionSecretRef connectionSecretRef,
      Material material)
      throws SyncFailure {
    if (connectionRef != null && connectionSecretRef != null) {
      throw SyncFailure.terminal(
          io.dpsoperator.operator.sync.Reasons.INVALID_SPEC,
          "spec.connectionRef and spec.connectionSecretRef are both set; keep one"
              + " (connectionRef names a DpsConnection or ClusterDpsConnection)");
    }
    if (connectionRef != null
        && (connectionRef.getKind() == null
            || connectionRef.getName() == null
            || connectionRef.getName().isBlank())) {
      throw SyncFailure.terminal(
          io.dpsoperator.operator.sync.Reasons.INVALID_SPEC,
          "spec.connectionRef needs kind (DpsConnection or ClusterDpsConnection) and name");
    }
    if (connectionRef != null) {
      io.dpsoperator.operator.connections.ConnectionState state =
          resolver.resolve(kube, material.namespace(), connectionRef);
      return new DpsTarget(
          state.client(),
          state.idScope(),
          state.deviceEndpoint().orElse(config.deviceEndpoint()),
          Optional.of(state.key().toString()));
    }
    return new DpsTarget(
        clientFor(connectionSecretRef, material),
        config.idScope(),
        config.deviceEndpoint(),
        Optional.empty());
  }

  /** The client for a resource's DPS. */
  public DpsClient clientFor(ConnectionSecretRef perResource, Material material)
      throws SyncFailure {
    String connectionString;
    if (perResource != null) {
      connectionString =
          material.secretValue(
              perResource.getName(),
              perResource.getKey() == null ? "connectionString" : perResource.getKey(),
              "DPS connection string");
    } else if (fixedDefault.isPresent()) {
      connectionString = fixedDefault.get();
    } else {
      connectionString =
          material.value(
              ObjectRef.secret(config.namespace(), config.connectionSecret()),
              config.connectionSecretKey(),
              "operator-wide DPS connection string");
    }
    String key = sha256(connectionString);
    String source =
        perResource != null ? material.namespace() + "/" + perResource.getName() : "operator-wide";
    retire(source, key);
    try {
      return clients.computeIfAbsent(key, k -> factory.apply(connectionString));
    } catch (IllegalArgumentException e) {
      // The parser's message names the problem, never the key.
      throw SyncFailure.terminal(
          io.dpsoperator.operator.sync.Reasons.INVALID_SECRET,
          "the DPS connection string is malformed: " + e.getMessage());
    }
  }

  /**
   * Remembers which connection string a Secret holds now; the client of a string no Secret holds
   * any more (a rotated key) is closed, so rotations do not leak HTTP clients.
   */
  private synchronized void retire(String source, String key) {
    String previous = sources.put(source, key);
    if (previous != null && !previous.equals(key) && !sources.containsValue(previous)) {
      DpsClient old = clients.remove(previous);
      if (old != null) {
        retireListeners.forEach(l -> l.accept(old));
        old.close();
      }
    }
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    clients.values().forEach(DpsClient::close);
    clients.clear();
    objectClients.values().forEach(c -> c.client().close());
    objectClients.clear();
    namespaceLabels.close();
  }
}
