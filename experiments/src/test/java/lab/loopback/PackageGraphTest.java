package lab.loopback;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The packages by role point one way: experiments → measurements → workbench, and nothing of the workbench's or the
 * lib's names an experiment (the workbench finds them through its Catalog).
 */
class PackageGraphTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("lab.loopback");

    @Test
    void theWorkbenchNamesNoExperimentAndNoMeasurement() {
        noClasses()
                .that()
                .resideInAPackage("lab.loopback.workbench..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("lab.loopback.experiments..", "lab.loopback.measurements..", "lab.loopback.cli..")
                .check(CLASSES);
    }

    @Test
    void measurementsNameNoExperiment() {
        noClasses()
                .that()
                .resideInAPackage("lab.loopback.measurements..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("lab.loopback.experiments..", "lab.loopback.cli..")
                .check(CLASSES);
    }

    @Test
    void experimentsAreNotTheCommandLine() {
        noClasses()
                .that()
                .resideInAPackage("lab.loopback.experiments..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("lab.loopback.cli..", "lab.loopback.jupyter..")
                .check(CLASSES);
    }

    /** A guest is booted by the command line; what runs inside it is the ordinary run, reached only through LabCli. */
    @Test
    void theGuestNamesNoExperimentNoWorkbenchAndNoCommandLine() {
        noClasses()
                .that()
                .resideInAPackage("lab.loopback.guest..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "lab.loopback.experiments..",
                        "lab.loopback.measurements..",
                        "lab.loopback.workbench..",
                        "lab.loopback.cli..")
                .check(CLASSES);
    }

    /** The rules above would pass on classes the importer failed to read: it must see the one dependency that exists. */
    @Test
    void theImporterSeesTheExperimentsUseOfTheWorkbench() {
        var rule = noClasses()
                .that()
                .resideInAPackage("lab.loopback.experiments..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("lab.loopback.workbench..");
        Assertions.assertThrows(AssertionError.class, () -> rule.check(CLASSES));
    }

    @Test
    void theCatalogIsFoundAndDeclaresEveryExperimentOnce() {
        var all = lab.loopback.workbench.Experiments.all();
        Assertions.assertEquals(
                all.size(), all.stream().map(e -> e.getClass()).distinct().count(), "an experiment listed twice");
        Assertions.assertEquals("lab.loopback.experiments", lab.loopback.workbench.Experiments.catalogPackage());
    }
}
