package io.dpsoperator.operator.connections;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The connection objects as their reconciler last found them, and which resources use each: the
 * link between the connection controllers and the enrollment controllers. A change of a
 * connection's state triggers the resources that use it; a change of its users triggers the
 * connection (its {@code status.resources}).
 */
public final class ConnectionRegistry {
  /** A resource of one controller. */
  public record User(String controller, ResourceID resource) {}

  private final Map<ConnectionKey, ConnectionState> states = new ConcurrentHashMap<>();
  private final Map<ConnectionKey, Set<User>> users = new HashMap<>();
  private final Map<User, ConnectionKey> used = new HashMap<>();
  private final List<Consumer<ConnectionKey>> stateListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<ConnectionKey>> userListeners = new CopyOnWriteArrayList<>();

  /** Told the key of each connection whose state changed or that is gone. */
  public void onStateChange(Consumer<ConnectionKey> listener) {
    stateListeners.add(listener);
  }

  /** Told the key of each connection whose number of users changed. */
  public void onUsersChange(Consumer<ConnectionKey> listener) {
    userListeners.add(listener);
  }

  /** The state of a connection, if its reconciler has seen it. */
  public Optional<ConnectionState> state(ConnectionKey key) {
    return Optional.ofNullable(states.get(key));
  }

  /** Records a connection's state; the resources using it are triggered when it changed. */
  public void put(ConnectionState state) {
    ConnectionState previous = states.put(state.key(), state);
    if (!state.equals(previous)) {
      stateListeners.forEach(l -> l.accept(state.key()));
    }
  }

  /** Forgets a connection that is gone; the resources using it are triggered. */
  public void remove(ConnectionKey key) {
    if (states.remove(key) != null) {
      stateListeners.forEach(l -> l.accept(key));
    }
  }

  /** Records which connection a resource uses now (empty: none, or the resource is gone). */
  public void use(User user, Optional<ConnectionKey> key) {
    ConnectionKey before;
    synchronized (this) {
      before = key.isPresent() ? used.put(user, key.get()) : used.remove(user);
      if (before != null && !key.equals(Optional.of(before))) {
        Set<User> of = users.get(before);
        if (of != null) {
          of.remove(user);
          if (of.isEmpty()) {
            users.remove(before);
          }
        }
      }
      key.ifPresent(k -> users.computeIfAbsent(k, x -> new HashSet<>()).add(user));
    }
    if (before != null && !key.equals(Optional.of(before))) {
      userListeners.forEach(l -> l.accept(before));
    }
    if (key.isPresent() && !key.equals(Optional.ofNullable(before))) {
      userListeners.forEach(l -> l.accept(key.get()));
    }
  }

  /** The resources of one controller that use a connection. */
  public synchronized Set<ResourceID> users(ConnectionKey key, String controller) {
    Set<ResourceID> ids = new HashSet<>();
    for (User u : users.getOrDefault(key, Set.of())) {
      if (u.controller().equals(controller)) {
        ids.add(u.resource());
      }
    }
    return ids;
  }

  /** The resources of one controller in a namespace that use some ClusterDpsConnection. */
  public synchronized Set<ResourceID> clusterUsersIn(String namespace, String controller) {
    Set<ResourceID> ids = new HashSet<>();
    users.forEach(
        (key, of) -> {
          if (key.namespace() == null) {
            of.stream()
                .filter(u -> u.controller().equals(controller))
                .map(User::resource)
                .filter(r -> namespace.equals(r.getNamespace().orElse(null)))
                .forEach(ids::add);
          }
        });
    return ids;
  }

  /** How many resources use a connection. */
  public synchronized int userCount(ConnectionKey key) {
    return users.getOrDefault(key, Set.of()).size();
  }
}
