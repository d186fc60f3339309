package io.dpsoperator.operator;

import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.CrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import java.lang.reflect.Field;
import java.net.HttpURLConnection;
import java.util.AbstractMap;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * fabric8's CRUD dispatcher with an index by object name, for benchmarks at fleet size.
 *
 * <p>The stock dispatcher answers every lookup of one object (the existence check of a create, the
 * read of an update or patch, a GET by name) by scanning all stored objects, so creating N objects
 * costs O(N²): 30,000 objects took half an hour on 2 cores, and the mock API, not the operator,
 * bounded every 10,000-enrollment run. This subclass keeps the stock behaviour (same handlers, same
 * matching, same watch events) and only narrows those lookups to the objects of the same name.
 * Lists, watches and deletes are unchanged.
 */
final class IndexedCrudDispatcher extends KubernetesCrudDispatcher {
  private final IndexedStore store = new IndexedStore();

  IndexedCrudDispatcher() {
    try {
      // The stock code reads and writes the protected final map directly; this store is the same
      // map with an index kept beside it on every put and remove.
      Field map = CrudDispatcher.class.getDeclaredField("map");
      map.setAccessible(true);
      map.set(this, store);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("fabric8's CrudDispatcher changed: no map field", e);
    }
  }

  /**
   * fabric8's mixed dispatcher (expectations first, then CRUD) with this dispatcher as its CRUD
   * part.
   */
  static KubernetesMixedDispatcher mixed(Map<ServerRequest, Queue<ServerResponse>> expectations) {
    KubernetesMixedDispatcher mixed = new KubernetesMixedDispatcher(expectations);
    try {
      Field crud = KubernetesMixedDispatcher.class.getDeclaredField("kubernetesCrudDispatcher");
      crud.setAccessible(true);
      crud.set(mixed, new IndexedCrudDispatcher());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("fabric8's KubernetesMixedDispatcher changed", e);
    }
    return mixed;
  }

  @Override
  public Map.Entry<AttributeSet, String> findResource(AttributeSet attributes) {
    String name = nameOf(attributes);
    if (name == null) {
      return super.findResource(attributes);
    }
    for (AttributeSet key : store.named(name)) {
      String value = store.get(key);
      if (value != null && key.matches(attributes)) {
        return new AbstractMap.SimpleImmutableEntry<>(key, value);
      }
    }
    return null;
  }

  @Override
  public MockResponse handleGet(String path) {
    if (path.contains("watch=true")) {
      return super.handleGet(path);
    }
    AttributeSet query = attributeExtractor.fromPath(path);
    if (nameOf(query) == null) {
      return super.handleGet(path);
    }
    Map.Entry<AttributeSet, String> found = findResource(query);
    return found == null
        ? new MockResponse().setResponseCode(HttpURLConnection.HTTP_NOT_FOUND)
        : new MockResponse().setResponseCode(HttpURLConnection.HTTP_OK).setBody(found.getValue());
  }

  private static String nameOf(AttributeSet attributes) {
    Attribute name = attributes.getAttribute(KubernetesAttributesExtractor.NAME);
    return name == null || name.getValues().size() != 1 ? null : name.getValues().get(0).toString();
  }

  /** The dispatcher's map, with the keys of each name kept beside it. */
  private static final class IndexedStore extends ConcurrentHashMap<AttributeSet, String> {
    private final Map<String, Set<AttributeSet>> byName = new ConcurrentHashMap<>();

    Set<AttributeSet> named(String name) {
      return byName.getOrDefault(name, Set.of());
    }

    @Override
    public String put(AttributeSet key, String value) {
      String name = nameOf(key);
      if (name != null) {
        byName.computeIfAbsent(name, n -> ConcurrentHashMap.newKeySet()).add(key);
      }
      return super.put(key, value);
    }

    @Override
    public String get(Object key) {
      return key == null ? null : super.get(key);
    }

    @Override
    public String remove(Object key) {
      if (key == null) {
        return null; // a create removes "no previous object"
      }
      String previous = super.remove(key);
      if (key instanceof AttributeSet set) {
        String name = nameOf(set);
        if (name != null) {
          byName.computeIfPresent(
              name,
              (n, keys) -> {
                keys.remove(set);
                return keys.isEmpty() ? null : keys;
              });
        }
      }
      return previous;
    }

    @Override
    public void clear() {
      super.clear();
      byName.clear();
    }
  }
}
