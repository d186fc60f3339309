package io.dpsoperator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The dependency rules between packages. */
class ArchitectureTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.dpsoperator");

  @Test
  void dpsClientImportsNeitherOperatorNorKubernetes() {
    noClasses()
        .that()
        .resideInAPackage("io.dpsoperator.dps..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.dpsoperator.operator..",
            "io.dpsoperator.emulator..",
            "io.dpsoperator.api..",
            "io.fabric8..",
            "io.javaoperatorsdk..")
        .allowEmptyShould(true)
        .check(MAIN);
  }

  @Test
  void emulatorImportsNeitherClientNorOperator() {
    noClasses()
        .that()
        .resideInAPackage("io.dpsoperator.emulator..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.dpsoperator.dps..", "io.dpsoperator.operator..", "io.dpsoperator.api..")
        .allowEmptyShould(true)
        .check(MAIN);
  }

  @Test
  void theResourceModelHoldsNoOperatorLogic() {
    noClasses()
        .that()
        .resideInAPackage("io.dpsoperator.api..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.dpsoperator.operator..",
            "io.dpsoperator.dps..",
            "io.dpsoperator.emulator..",
            "io.dpsoperator.demo..",
            "io.dpsoperator.cli..")
        .check(MAIN);
  }

  @Test
  void theOperatorDoesNotDependOnTheDemoOrItsEmbeddedApi() {
    noClasses()
        .that()
        .resideInAPackage("io.dpsoperator.operator..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.dpsoperator.demo..",
            "io.dpsoperator.emulator..",
            "io.dpsoperator.cli..",
            "io.fabric8.kubernetes.client.server.mock..",
            "io.fabric8.mockwebserver..")
        .check(MAIN);
  }
}
