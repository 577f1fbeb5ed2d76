package dev.xpfleet.orchestrator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The boundaries docs/architecture.md writes down, enforced: feature packages without cycles,
 * authentication and support knowing no feature, no feature using the REST API's classes, and
 * common-lib never reaching into the orchestrator. (The task state is changed only in the task
 * package because {@code TaskRepository.transition} is package-private: the compiler enforces that.) (The agents cannot: the build bans a
 * dependency on the orchestrator in every other module.)
 */
class BoundariesTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.xpfleet.orchestrator", "dev.xpfleet.common");

    private static final String[] FEATURES = {
        "..orchestrator.api..",
        "..orchestrator.audit..",
        "..orchestrator.budget..",
        "..orchestrator.context..",
        "..orchestrator.forge..",
        "..orchestrator.gateway..",
        "..orchestrator.outbox..",
        "..orchestrator.results..",
        "..orchestrator.task..",
        "..orchestrator.webhook.."
    };

    @Test
    void theRulesSeeTheCode() {
        // An empty import would let every rule pass.
        assertThat(CLASSES.contain(dev.xpfleet.orchestrator.task.TaskFlow.class))
                .isTrue();
        assertThat(CLASSES.contain(dev.xpfleet.common.consumer.StreamConsumer.class))
                .isTrue();
        assertThat(CLASSES.stream().filter(c -> c.getPackageName().startsWith("dev.xpfleet.orchestrator.")))
                .hasSizeGreaterThan(100);
    }

    @Test
    void featurePackagesHaveNoCycles() {
        slices().matching("dev.xpfleet.orchestrator.(*)..")
                .should()
                .beFreeOfCycles()
                .check(CLASSES);
    }

    @Test
    void authenticationKnowsNoFeature() {
        noClasses()
                .that()
                .resideInAPackage("..orchestrator.auth..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(FEATURES)
                .check(CLASSES);
    }

    @Test
    void supportKnowsNoFeatureAndNoAuthentication() {
        noClasses()
                .that()
                .resideInAPackage("..orchestrator.support..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(FEATURES)
                .orShould()
                .dependOnClassesThat()
                .resideInAPackage("..orchestrator.auth..")
                .check(CLASSES);
    }

    @Test
    void noFeatureDependsOnTheRestApi() {
        noClasses()
                .that()
                .resideOutsideOfPackages("..orchestrator.api..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("..orchestrator.api..")
                .check(CLASSES);
    }

    @Test
    void commonLibNeverReachesIntoTheOrchestrator() {
        noClasses()
                .that()
                .resideInAPackage("dev.xpfleet.common..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.xpfleet.orchestrator..")
                .check(CLASSES);
    }
}
