package io.yundoc.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The module arrows of design.md, and the capability packages inside the server, checked on the compiled classes. */
class ModuleBoundariesTest {
    static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.yundoc");
    }

    @Test
    void protocolUsesOnlyTheJdkAndJacksonAnnotations() {
        classes().that().resideInAPackage("io.yundoc.protocol..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.yundoc.protocol..", "java..",
                        "com.fasterxml.jackson.annotation..")
                .check(classes);
    }

    @Test
    void clientNeverReachesTheServerOrTheCli() {
        noClasses().that().resideInAPackage("io.yundoc.client..")
                .should().dependOnClassesThat().resideInAnyPackage("io.yundoc.server..", "io.yundoc.cli..", "io.helidon..")
                .check(classes);
    }

    @Test
    void serverNeverReachesTheClientOrTheCli() {
        noClasses().that().resideInAPackage("io.yundoc.server..")
                .should().dependOnClassesThat().resideInAnyPackage("io.yundoc.client..", "io.yundoc.cli..")
                .check(classes);
    }

    @Test
    void clientUsesOnlyProtocolJdkAndJackson() {
        classes().that().resideInAPackage("io.yundoc.client..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.yundoc.client..", "io.yundoc.protocol..", "java..",
                        "com.fasterxml.jackson..")
                .check(classes);
    }

    @Test
    void testkitIsTheTestsOnly() {
        assertThat(classes.contain("io.yundoc.testkit.YundocServerExtension"))
                .as("the testkit must be on this module's test classpath for the rule below to mean anything").isTrue();
        noClasses().that().resideOutsideOfPackage("io.yundoc.testkit..")
                .should().dependOnClassesThat().resideInAPackage("io.yundoc.testkit..")
                .check(classes);
    }

    @Test
    void testkitReachesOnlyServerClientProtocolAndJUnit() {
        classes().that().resideInAPackage("io.yundoc.testkit..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.yundoc.testkit..", "io.yundoc.server..",
                        "io.yundoc.client..", "io.yundoc.protocol..", "java..", "com.fasterxml.jackson..",
                        "org.junit.jupiter.api..",
                        // WebhookReceiver: the JDK's HTTP server and HMAC, both in every JDK 17
                        "com.sun.net.httpserver..", "javax.crypto..")
                .check(classes);
    }

    @Test
    void onlyTheInProcessExtensionReachesTheServer() {
        // everything else in the testkit is Java 17 bytecode that a Java 17 user loads without yundoc-server
        noClasses().that().resideInAPackage("io.yundoc.testkit..")
                .and().doNotHaveFullyQualifiedName("io.yundoc.testkit.YundocServerExtension")
                .and().doNotHaveFullyQualifiedName("io.yundoc.testkit.YundocServerExtension$Builder")
                .should().dependOnClassesThat().resideInAPackage("io.yundoc.server..")
                .check(classes);
    }

    @Test
    void serverCoreDependsOnNoCapability() {
        noClasses().that().resideInAPackage("io.yundoc.server.core..")
                .should().dependOnClassesThat().resideInAnyPackage("io.yundoc.server.auth..", "io.yundoc.server.files..",
                        "io.yundoc.server.links..", "io.yundoc.server.appspace..", "io.yundoc.server.quota..",
                        "io.yundoc.server.blob..", "io.yundoc.server.admin..", "io.yundoc.server.web..", "io.yundoc.server.api..")
                .check(classes);
    }

    @Test
    void serverPackagesHaveNoCycles() {
        slices().matching("io.yundoc.server.(*)..").should().beFreeOfCycles().check(
                new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.yundoc.server").that(com.tngtech.archunit.base.DescribedPredicate.describe(
                                "not the assembly", c -> !c.getPackageName().equals("io.yundoc.server"))));
    }
}
