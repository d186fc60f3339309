package io.dpsoperator.device;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The device client stands alone, so it checks the emulator against the protocol. */
class DevicePackageArchitectureTest {
  @Test
  void importsNoOtherPackageOfTheProject() {
    noClasses()
        .that()
        .resideInAPackage("io.dpsoperator.device..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.dpsoperator.emulator..",
            "io.dpsoperator.operator..",
            "io.dpsoperator.dps..",
            "io.dpsoperator.api..",
            "io.dpsoperator.cli..")
        .check(
            new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("io.dpsoperator.device"));
  }
}
