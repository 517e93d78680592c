package io.yundoc.testcontainers;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The module's promise: users get the SDK, the testkit's Fault and Testcontainers, never the server and its jars. */
class ClassPathTest {
    @Test
    void noServerClassIsOnTheTestClassPath() {
        assertThatThrownBy(() -> Class.forName("io.yundoc.server.YundocServer"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("io.helidon.webserver.WebServer"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("org.flywaydb.core.Flyway")).isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void reachesOnlyTheSdkTestkitTestcontainersJacksonAndJUnit() {
        classes()
                .that()
                .resideInAPackage("io.yundoc.testcontainers..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(
                        "io.yundoc.testcontainers..",
                        "io.yundoc.client..",
                        "io.yundoc.testkit",
                        "io.yundoc.protocol..",
                        "org.testcontainers..",
                        "com.github.dockerjava.api..",
                        "com.fasterxml.jackson..",
                        "org.junit.jupiter.api..",
                        "java..")
                .check(new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.yundoc.testcontainers"));
    }
}
