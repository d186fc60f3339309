package io.dpsoperator.packaging;

import static io.dpsoperator.packaging.Manifests.env;
import static io.dpsoperator.packaging.Manifests.operatorContainer;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every operator setting is set by the chart, named in values.yaml and documented. */
class SettingsDocumentedTest {
  private static final Pattern SETTING = Pattern.compile("DPS_OPERATOR_[A-Z_]*[A-Z]");

  @Test
  void chartSetsEverySetting() {
    Deployment deployment = Chart.render().single(Deployment.class);

    assertThat(env(operatorContainer(deployment)).keySet())
        .containsExactlyInAnyOrderElementsOf(OperatorSettings.ENV);
  }

  @Test
  void valuesYamlNamesTheSettingOfEachValue() {
    String values = Manifests.read(Chart.DIR.resolve("values.yaml"));

    // DPS_OPERATOR_NAMESPACE is the release namespace, from the downward API.
    assertThat(settingsIn(values))
        .containsExactlyInAnyOrderElementsOf(
            OperatorSettings.ENV.stream()
                .filter(s -> !s.equals("DPS_OPERATOR_NAMESPACE"))
                .toList());
  }

  @Test
  void installGuideDocumentsEverySetting() {
    assertThat(settingsIn(Manifests.read(Manifests.ROOT.resolve("docs/install.md"))))
        .containsAll(OperatorSettings.ENV)
        .allMatch(OperatorSettings.ENV::contains);
  }

  @Test
  void chartReadmeDocumentsEverySetting() {
    assertThat(settingsIn(Manifests.read(Chart.DIR.resolve("README.md"))))
        .containsAll(OperatorSettings.ENV)
        .allMatch(OperatorSettings.ENV::contains);
  }

  /** Every key of values.yaml has a comment on the line above it. */
  @Test
  void everyValueIsCommented() {
    List<String> lines = Manifests.read(Chart.DIR.resolve("values.yaml")).lines().toList();
    Pattern key = Pattern.compile("^(\\s*)([A-Za-z][\\w.-]*):(\\s.*)?$");
    List<String> uncommented = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (key.matcher(lines.get(i)).matches()) {
        String previous = i == 0 ? "" : lines.get(i - 1).strip();
        if (!previous.startsWith("#")) {
          uncommented.add((i + 1) + ": " + lines.get(i));
        }
      }
    }
    assertThat(uncommented).isEmpty();
  }

  private static List<String> settingsIn(String text) {
    List<String> found = new ArrayList<>();
    Matcher matcher = SETTING.matcher(text);
    while (matcher.find()) {
      if (!found.contains(matcher.group())) {
        found.add(matcher.group());
      }
    }
    return found;
  }
}
