package io.dpsoperator.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * The Argo CD health checks, run by a Lua interpreter (LuaJ) against resources as Argo CD hands
 * them over: the object as a Lua table in the global {@code obj}.
 */
class ArgoCdHealthTest {
  static final Path ARGOCD = Manifests.ROOT.resolve("deploy/argocd");
  static final Path INDIVIDUAL = ARGOCD.resolve("dpsoperator.io_IndividualEnrollment/health.lua");
  static final Path GROUP = ARGOCD.resolve("dpsoperator.io_EnrollmentGroup/health.lua");
  private static final ObjectMapper JSON = new ObjectMapper();

  record Health(String status, String message) {}

  static Stream<Arguments> samples() {
    return Stream.of(
        Arguments.of(INDIVIDUAL, "individualenrollment-healthy.json", "Healthy", "in sync"),
        Arguments.of(INDIVIDUAL, "individualenrollment-new.json", "Progressing", "reconcile"),
        Arguments.of(
            INDIVIDUAL, "individualenrollment-spec-changed.json", "Progressing", "generation 4"),
        Arguments.of(GROUP, "enrollmentgroup-degraded.json", "Degraded", "SecretNotFound"),
        Arguments.of(GROUP, "enrollmentgroup-throttled.json", "Progressing", "Throttled"));
  }

  @ParameterizedTest(name = "{1} -> {2}")
  @MethodSource("samples")
  void sampleResources(Path script, String sample, String status, String message) {
    Health health = run(script, sample(sample));

    assertThat(health.status()).isEqualTo(status);
    assertThat(health.message()).containsIgnoringCase(message);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "InvalidSpec",
        "InvalidSecret",
        "SecretNotFound",
        "DpsUnauthorized",
        "DuplicateRegistrationId",
        "SomeFutureTerminalReason"
      })
  void readyFalseWithATerminalReasonIsDegraded(String reason) {
    Health health = run(GROUP, enrollment(5, 5, "False", reason, 5));

    assertThat(health.status()).isEqualTo("Degraded");
    assertThat(health.message()).startsWith(reason + ": ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"DpsUnavailable", "Throttled"})
  void readyFalseWithATransientReasonIsProgressing(String reason) {
    assertThat(run(INDIVIDUAL, enrollment(1, 1, "False", reason, 1)).status())
        .isEqualTo("Progressing");
  }

  @Test
  void pausedWithDriftIsSuspended() {
    Health health = run(GROUP, enrollment(3, 3, "False", "Paused", 3));

    assertThat(health.status()).isEqualTo("Suspended");
    assertThat(health.message()).startsWith("Paused: ");
  }

  @Test
  void readyTrueForTheCurrentGenerationIsHealthy() {
    assertThat(run(INDIVIDUAL, enrollment(2, 2, "True", "Synced", 2)).status())
        .isEqualTo("Healthy");
  }

  @Test
  void statusOlderThanTheSpecIsProgressingEvenWhenReady() {
    assertThat(run(INDIVIDUAL, enrollment(3, 2, "True", "Synced", 2)).status())
        .isEqualTo("Progressing");
  }

  @Test
  void terminalFailureOfAnOlderSpecIsProgressing() {
    // The user fixed the spec; the Degraded verdict belonged to the previous generation.
    assertThat(run(GROUP, enrollment(3, 2, "False", "InvalidSpec", 2)).status())
        .isEqualTo("Progressing");
  }

  @Test
  void readyConditionOfAnOlderGenerationIsProgressing() {
    assertThat(run(GROUP, enrollment(3, 3, "True", "Synced", 2)).status()).isEqualTo("Progressing");
  }

  @Test
  void noReadyConditionYetIsProgressing() {
    ObjectNodeBuilder object = new ObjectNodeBuilder(1);
    object.status().put("observedGeneration", 1).putArray("conditions");
    assertThat(run(INDIVIDUAL, object.node).status()).isEqualTo("Progressing");
  }

  @Test
  void readyUnknownIsProgressing() {
    assertThat(run(INDIVIDUAL, enrollment(1, 1, "Unknown", "Reconciling", 1)).status())
        .isEqualTo("Progressing");
  }

  @Test
  void deletionIsProgressing() {
    JsonNode object = enrollment(1, 1, "True", "Synced", 1);
    ((com.fasterxml.jackson.databind.node.ObjectNode) object.get("metadata"))
        .put("deletionTimestamp", "2024-01-15T10:00:00Z");
    assertThat(run(INDIVIDUAL, object).status()).isEqualTo("Progressing");
  }

  @Test
  void bothKindsShareOneScript() {
    assertThat(Manifests.read(GROUP)).isEqualTo(Manifests.read(INDIVIDUAL));
  }

  /** The argocd-cm patch carries the same scripts, under Argo CD's key for each kind. */
  @Test
  void argocdCmPatchInlinesTheScripts() throws IOException {
    JsonNode patch =
        new ObjectMapper(new YAMLFactory())
            .readTree(ARGOCD.resolve("argocd-cm-patch.yaml").toFile());

    assertThat(patch.path("kind").asText()).isEqualTo("ConfigMap");
    assertThat(patch.path("metadata").path("name").asText()).isEqualTo("argocd-cm");
    Map<String, Path> expected =
        Map.of(
            "resource.customizations.health.dpsoperator.io_IndividualEnrollment", INDIVIDUAL,
            "resource.customizations.health.dpsoperator.io_EnrollmentGroup", GROUP);
    assertThat(patch.path("data").size()).isEqualTo(expected.size());
    expected.forEach(
        (key, script) ->
            assertThat(patch.path("data").path(key).asText()).isEqualTo(Manifests.read(script)));
  }

  /** The kustomize Component patches an existing argocd-cm and keeps its other settings. */
  @Test
  void componentPatchesArgocdCm(@TempDir Path temp) throws Exception {
    assumeTrue(kubectl("version", "--client").exitCode() == 0, "kubectl is not on the PATH");
    Files.writeString(
        temp.resolve("argocd-cm.yaml"),
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: argocd-cm
          namespace: argocd
        data:
          url: https://argocd.example.com
        """);
    Files.writeString(
        temp.resolve("kustomization.yaml"),
        "resources: [argocd-cm.yaml]\ncomponents: ["
            + temp.toRealPath().relativize(ARGOCD.toRealPath())
            + "]\n");

    Result built = kubectl("kustomize", temp.toString());

    assertThat(built.exitCode()).as(built.output()).isZero();
    ConfigMap configMap = Serialization.unmarshal(built.output(), ConfigMap.class);
    assertThat(configMap.getData())
        .containsEntry("url", "https://argocd.example.com")
        .containsEntry(
            "resource.customizations.health.dpsoperator.io_EnrollmentGroup", Manifests.read(GROUP))
        .containsEntry(
            "resource.customizations.health.dpsoperator.io_IndividualEnrollment",
            Manifests.read(INDIVIDUAL));
  }

  record Result(int exitCode, String output) {}

  private static Result kubectl(String... args) {
    List<String> command = new ArrayList<>(List.of("kubectl"));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return process.waitFor(60, TimeUnit.SECONDS)
          ? new Result(process.exitValue(), output)
          : new Result(-1, output);
    } catch (IOException e) {
      return new Result(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, e.toString());
    }
  }

  // --- Running the script as Argo CD does.

  static Health run(Path script, JsonNode object) {
    Globals globals = JsePlatform.standardGlobals();
    globals.set("obj", toLua(object));
    LuaValue result = globals.load(Manifests.read(script), script.getFileName().toString()).call();
    assertThat(result.istable()).as("the script returns a table").isTrue();
    String status = result.get("status").tojstring();
    assertThat(status)
        .isIn("Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown");
    LuaValue message = result.get("message");
    return new Health(status, message.isnil() ? "" : message.tojstring());
  }

  /** JSON to Lua as Argo CD converts it: objects and arrays become tables, arrays from index 1. */
  static LuaValue toLua(JsonNode node) {
    if (node.isObject()) {
      LuaTable table = new LuaTable();
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (!field.getValue().isNull()) {
          table.set(field.getKey(), toLua(field.getValue()));
        }
      }
      return table;
    }
    if (node.isArray()) {
      LuaTable table = new LuaTable();
      for (int i = 0; i < node.size(); i++) {
        table.set(i + 1, toLua(node.get(i)));
      }
      return table;
    }
    if (node.isIntegralNumber()) {
      return LuaValue.valueOf(node.asLong());
    }
    if (node.isNumber()) {
      return LuaValue.valueOf(node.asDouble());
    }
    if (node.isBoolean()) {
      return LuaValue.valueOf(node.asBoolean());
    }
    return node.isNull() ? LuaValue.NIL : LuaValue.valueOf(node.asText());
  }

  private static JsonNode sample(String name) {
    try (InputStream in = ArgoCdHealthTest.class.getResourceAsStream("/packaging/argocd/" + name)) {
      assertThat(in).as("sample %s", name).isNotNull();
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode enrollment(
      long generation,
      long observedGeneration,
      String readyStatus,
      String reason,
      long conditionGeneration) {
    ObjectNodeBuilder object = new ObjectNodeBuilder(generation);
    var ready =
        object
            .status()
            .put("observedGeneration", observedGeneration)
            .putArray("conditions")
            .addObject();
    ready
        .put("type", "Ready")
        .put("status", readyStatus)
        .put("reason", reason)
        .put("message", "details of " + reason)
        .put("lastTransitionTime", "2024-01-15T10:00:00Z")
        .put("observedGeneration", conditionGeneration);
    return object.node;
  }

  /** A minimal resource: metadata with a generation, and a status to fill. */
  private static final class ObjectNodeBuilder {
    final com.fasterxml.jackson.databind.node.ObjectNode node = JSON.createObjectNode();

    ObjectNodeBuilder(long generation) {
      node.put("apiVersion", "dpsoperator.io/v1alpha1").put("kind", "EnrollmentGroup");
      node.putObject("metadata")
          .put("name", "x")
          .put("namespace", "y")
          .put("generation", generation);
    }

    com.fasterxml.jackson.databind.node.ObjectNode status() {
      return node.putObject("status");
    }
  }
}
