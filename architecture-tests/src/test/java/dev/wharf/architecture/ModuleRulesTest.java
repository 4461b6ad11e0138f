package dev.wharf.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The arrows of DESIGN.md's module picture, checked on the compiled main classes of every module: values and
 * SPIs ({@code engine-api}) depend on nothing but the JDK; the stores, the servlet adapter and the contract kits
 * depend on {@code engine-api}, never on {@code engine-core}; the engine knows no servlet, RocksDB or Jetty; no
 * other module reaches into the engine's internal package; and no two packages depend on each other in a cycle.
 * The Maven side of the same rule (which module may declare which dependency) is the enforcer's
 * {@code bannedDependencies} in the module POMs.
 */
class ModuleRulesTest {
    private static JavaClasses wharf;

    @BeforeAll
    static void importMainClasses() {
        wharf = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.wharf");
    }

    @Test
    void shouldSeeEveryModulesClasses() {
        // A rule over no classes passes vacuously: make sure each module's main classes were imported.
        for (String pkg : new String[] {"dev.wharf.api", "dev.wharf.spi", "dev.wharf.core", "dev.wharf.core.internal",
                "dev.wharf.core.storage", "dev.wharf.core.manifest", "dev.wharf.core.access", "dev.wharf.testkit",
                "dev.wharf.rocksdb", "dev.wharf.s3", "dev.wharf.jdbc", "dev.wharf.servlet",
                "dev.wharf.testing", "dev.wharf.testing.launcher"}) {
            assertThat(wharf.containPackage(pkg)).as(pkg).isTrue();
            assertThat(wharf.getPackage(pkg).getClasses()).as(pkg).isNotEmpty();
        }
        assertThat(wharf.contain("dev.wharf.architecture.ModuleRulesTest")).as("test classes are not imported").isFalse();
        assertThat(wharf.contain("dev.wharf.testkit.MetadataStoreContract")).as("the kits are main classes").isTrue();
    }

    @Test
    void shouldKeepValuesAndSpisOnTheJdkAlone() {
        check(classes().that().resideInAnyPackage("dev.wharf.api..", "dev.wharf.spi..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.wharf.api..", "dev.wharf.spi.."));
    }

    @Test
    void shouldKeepTheEngineFreeOfServletRocksDbJettyAndItsUsers() {
        check(noClasses().that().resideInAPackage("dev.wharf.core..")
                .should().dependOnClassesThat().resideInAnyPackage("jakarta.servlet..", "org.rocksdb..",
                        "org.eclipse.jetty..", "dev.wharf.servlet..", "dev.wharf.rocksdb..", "dev.wharf.s3..",
                        "software.amazon.awssdk..", "dev.wharf.testing..",
                        "dev.wharf.testkit.."));
    }

    @Test
    void shouldKeepTheRocksDbStoreOnTheSpisAlone() {
        check(classes().that().resideInAPackage("dev.wharf.rocksdb..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.rocksdb..", "dev.wharf.api..",
                        "dev.wharf.spi..", "dev.wharf.rocksdb.."));
    }

    @Test
    void shouldKeepTheS3StoreOnTheSpisAndTheAwsSdkAlone() {
        check(classes().that().resideInAPackage("dev.wharf.s3..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "software.amazon.awssdk..",
                        "dev.wharf.api..", "dev.wharf.spi..", "dev.wharf.s3.."));
    }

    /** Only the launcher's S3 door loads the S3 store: TestRegistry's users need not have the AWS SDK. */
    @Test
    void shouldLoadTheS3StoreOnlyThroughTheLaunchersDoor() {
        check(noClasses().that().resideOutsideOfPackage("dev.wharf.s3..")
                .and().doNotHaveFullyQualifiedName("dev.wharf.testing.launcher.S3Blobs")
                .should().dependOnClassesThat().resideInAnyPackage("dev.wharf.s3..", "software.amazon.awssdk.."));
    }

    @Test
    void shouldKeepThePostgresStoreOnTheSpisJdbcAndItsPool() {
        check(classes().that().resideInAPackage("dev.wharf.jdbc..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax.sql..", "com.zaxxer.hikari..",
                        "dev.wharf.api..", "dev.wharf.spi..", "dev.wharf.jdbc.."));
    }

    /** Only the launcher's JDBC door loads the PostgreSQL store: TestRegistry's users need not have the driver. */
    @Test
    void shouldLoadThePostgresStoreOnlyThroughTheLaunchersDoor() {
        check(noClasses().that().resideOutsideOfPackage("dev.wharf.jdbc..")
                .and().doNotHaveFullyQualifiedName("dev.wharf.testing.launcher.JdbcMetadata")
                .should().dependOnClassesThat().resideInAnyPackage("dev.wharf.jdbc..", "com.zaxxer..", "org.postgresql.."));
    }

    @Test
    void shouldKeepTheServletAdapterOnTheApiAlone() {
        check(classes().that().resideInAPackage("dev.wharf.servlet..")
                .and().resideOutsideOfPackage("dev.wharf.servlet.auth..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "jakarta.servlet..",
                        "com.fasterxml.jackson..", "dev.wharf.api..", "dev.wharf.spi..", "dev.wharf.servlet.."));
    }

    /** Rate limiters see a request as a value, never a servlet request: any adapter could ask them. */
    @Test
    void shouldKeepTheRateLimitsFreeOfTheServletApi() {
        check(classes().that().resideInAPackage("dev.wharf.servlet.limit..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.wharf.api..",
                        "dev.wharf.servlet.limit.."));
    }

    /** The cryptography libraries (JWT, bcrypt) stay in the authentication package. */
    @Test
    void shouldKeepTheCryptographyLibrariesInTheAuthenticationPackage() {
        check(classes().that().resideInAPackage("dev.wharf.servlet.auth..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "jakarta.servlet..",
                        "com.fasterxml.jackson..", "com.nimbusds..", "at.favre.lib..", "dev.wharf.api..",
                        "dev.wharf.spi..", "dev.wharf.servlet.."));
    }

    @Test
    void shouldKeepTheContractKitsOnTheSpisAndTestLibraries() {
        check(classes().that().resideInAPackage("dev.wharf.testkit..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.junit..", "org.assertj..",
                        "org.opentest4j..", "dev.wharf.api..", "dev.wharf.spi..", "dev.wharf.testkit.."));
    }

    @Test
    void shouldKeepEngineInternalsToTheEngine() {
        check(noClasses().that().resideOutsideOfPackage("dev.wharf.core..")
                .should().dependOnClassesThat().resideInAPackage("dev.wharf.core.internal.."));
    }

    @Test
    void shouldKeepReferenceStoresIndependentOfTheEngine() {
        check(noClasses().that().resideInAPackage("dev.wharf.core.storage..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.wharf.core", "dev.wharf.core.internal.."));
    }

    /** The access policy is an Authorizer over the values: usable by a token service without the engine. */
    @Test
    void shouldKeepTheAccessPolicyOnTheApiAlone() {
        check(classes().that().resideInAPackage("dev.wharf.core.access..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.wharf.api..", "dev.wharf.spi..",
                        "dev.wharf.core.access.."));
    }

    @Test
    void shouldKeepTheTestRegistryLibraryFreeOfTheLauncher() {
        check(noClasses().that().resideInAPackage("dev.wharf.testing")
                .should().dependOnClassesThat().resideInAPackage("dev.wharf.testing.launcher.."));
    }

    /**
     * No two packages depend on each other, except the values and the SPIs of {@code engine-api}, which are one
     * vocabulary: stores take values, and the builder takes stores.
     */
    @Test
    void shouldHaveNoCyclesBetweenPackages() {
        check(slices().matching("dev.wharf.(**)").should().beFreeOfCycles()
                .ignoreDependency(resideInAPackage("dev.wharf.api.."), resideInAPackage("dev.wharf.spi..")));
    }

    private static void check(ArchRule rule) {
        rule.check(wharf);
    }
}
