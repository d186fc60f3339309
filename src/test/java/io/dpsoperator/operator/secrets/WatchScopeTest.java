package io.dpsoperator.operator.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.constraints.UniqueElements;

/** The scope of the informer that covers a referenced object. */
class WatchScopeTest {

  private static final String OPERATOR_NAMESPACE = "dps-operator";

  @Property(tries = 200)
  void scopesDoNotGrowWithTheNumberOfReferencedObjects(
      @ForAll @Size(min = 1, max = 4) @UniqueElements
          List<@StringLength(min = 1, max = 3) String> watched,
      @ForAll @Size(max = 300) List<@StringLength(min = 1, max = 8) String> names,
      @ForAll boolean allNamespaces) {
    Set<String> watchedNamespaces = allNamespaces ? Set.of() : Set.copyOf(watched);
    Set<WatchScope> scopes =
        names.stream()
            .flatMap(
                name -> {
                  // Each resource refers to its own Secret and ConfigMap in its namespace, and to
                  // the operator-wide connection Secret.
                  String ns = watched.get(Math.floorMod(name.hashCode(), watched.size()));
                  return java.util.stream.Stream.of(
                      ObjectRef.secret(ns, name),
                      ObjectRef.configMap(ns, name),
                      ObjectRef.secret(OPERATOR_NAMESPACE, "dps-connection"));
                })
            .map(ref -> WatchScope.covering(ref, watchedNamespaces))
            .collect(Collectors.toSet());

    int bound = allNamespaces ? 2 : 2 * watched.size() + 1;
    assertThat(scopes).hasSizeLessThanOrEqualTo(bound);
  }

  @Property
  void aWatchedNamespaceIsWatchedWhole(
      @ForAll @StringLength(min = 1, max = 8) String namespace,
      @ForAll @StringLength(min = 1, max = 8) String name) {
    assertThat(WatchScope.covering(ObjectRef.secret(namespace, name), Set.of(namespace)))
        .isEqualTo(new WatchScope(ObjectRef.Kind.SECRET, namespace, null));
    assertThat(WatchScope.covering(ObjectRef.configMap(namespace, name), Set.of()))
        .isEqualTo(new WatchScope(ObjectRef.Kind.CONFIG_MAP, null, null));
  }

  @Property
  void outsideTheWatchedNamespacesOnlyTheObjectIsWatched(
      @ForAll @StringLength(min = 1, max = 8) String name) {
    assertThat(WatchScope.covering(ObjectRef.secret(OPERATOR_NAMESPACE, name), Set.of("team-a")))
        .isEqualTo(new WatchScope(ObjectRef.Kind.SECRET, OPERATOR_NAMESPACE, name));
  }
}
