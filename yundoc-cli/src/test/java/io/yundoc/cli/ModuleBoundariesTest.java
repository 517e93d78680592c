package io.yundoc.cli;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The module arrows of design.md, and the capability packages inside the server, checked on the compiled classes. */
class ModuleBoundariesTest {
    static JavaClasses classes;

    /**
     * Main code only. ArchUnit's own DO_NOT_INCLUDE_TESTS knows {@code target/test-classes} but not a module's test jar,
     * which is what the reactor puts on this module's class path in {@code mvn verify} (the server's {@code -tests.jar}).
     */
    static final ImportOption MAIN_CODE_ONLY = location ->
            ImportOption.Predefined.DO_NOT_INCLUDE_TESTS.includes(location) && !location.contains("-tests.jar");

    // ---------------------------------------------------------------- layers inside the server (docs/architecture.md
    // §2)

    /** Every package of the server, each named in docs/architecture.md §2; a new one must be placed here and there. */
    static final Set<String> SERVER_PACKAGES = Set.of(
            "io.yundoc.server",
            "io.yundoc.server.api",
            "io.yundoc.server.auth",
            "io.yundoc.server.oauth",
            "io.yundoc.server.files",
            "io.yundoc.server.links",
            "io.yundoc.server.appspace",
            "io.yundoc.server.blob",
            "io.yundoc.server.quota",
            "io.yundoc.server.admin",
            "io.yundoc.server.web",
            "io.yundoc.server.migrate",
            "io.yundoc.server.core",
            "io.yundoc.server.http",
            "io.yundoc.server.sheets",
            "io.yundoc.server.tables",
            "io.yundoc.server.records",
            "io.yundoc.server.webhooks",
            "io.yundoc.server.drive",
            "io.yundoc.server.inspect",
            "io.yundoc.server.office");

    /** The Jdbi calls that carry SQL; a service may open a transaction and hand the {@code Handle} on, nothing more. */
    static final Set<String> STATEMENTS = Set.of(
            "createQuery",
            "createUpdate",
            "execute",
            "select",
            "createBatch",
            "prepareBatch",
            "createCall",
            "createScript");

    /**
     * Classes that translate HTTP to service calls: the route tables and the pages. Not the pipeline's own
     * registration types ({@code api.Routes}, {@code api.ApiRoutes}), through which a service may offer routes.
     */
    static final DescribedPredicate<JavaClass> ROUTES = describe(
            "routes",
            c -> c.getPackageName().startsWith("io.yundoc.server.")
                    && !c.getPackageName().equals("io.yundoc.server.api")
                    && isRoutesName(c));

    /** Classes that hold SQL: the stores of rows (not the byte stores of {@code blob}, which hold no SQL). */
    static final DescribedPredicate<JavaClass> STORES = describe(
            "stores of rows",
            c -> c.getPackageName().startsWith("io.yundoc.server.")
                    && outerName(c).endsWith("Store")
                    && !outerName(c).endsWith("BlobStore"));

    static final DescribedPredicate<JavaClass> SERVICES = describe(
            "services",
            c -> c.getPackageName().startsWith("io.yundoc.server.")
                    && !c.getPackageName().equals("io.yundoc.server")
                    && !c.getPackageName().startsWith("io.yundoc.server.core")
                    && !c.getPackageName().startsWith("io.yundoc.server.api")
                    && !ROUTES.test(c)
                    && !STORES.test(c));

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().withImportOption(MAIN_CODE_ONLY).importPackages("io.yundoc");
    }

    @Test
    void protocolUsesOnlyTheJdkAndJacksonAnnotations() {
        classes()
                .that()
                .resideInAPackage("io.yundoc.protocol..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("io.yundoc.protocol..", "java..", "com.fasterxml.jackson.annotation..")
                .check(classes);
    }

    @Test
    void clientNeverReachesTheServerOrTheCli() {
        noClasses()
                .that()
                .resideInAPackage("io.yundoc.client..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.yundoc.server..", "io.yundoc.cli..", "io.helidon..")
                .check(classes);
    }

    @Test
    void serverNeverReachesTheClientOrTheCli() {
        noClasses()
                .that()
                .resideInAPackage("io.yundoc.server..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.yundoc.client..", "io.yundoc.cli..")
                .check(classes);
    }

    @Test
    void clientUsesOnlyProtocolJdkAndJackson() {
        // com.sun.net.httpserver (module jdk.httpserver) is the JDK's: the loopback receiver of OAuth.loginWithBrowser
        classes()
                .that()
                .resideInAPackage("io.yundoc.client..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(
                        "io.yundoc.client..",
                        "io.yundoc.protocol..",
                        "java..",
                        "com.fasterxml.jackson..",
                        "com.sun.net.httpserver..")
                .check(classes);
    }

    @Test
    void testkitIsTheTestsOnly() {
        assertThat(classes.contain("io.yundoc.testkit.YundocServerExtension"))
                .as("the testkit must be on this module's test classpath for the rule below to mean anything")
                .isTrue();
        noClasses()
                .that()
                .resideOutsideOfPackage("io.yundoc.testkit..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.yundoc.testkit..")
                .check(classes);
    }

    @Test
    void testkitReachesOnlyServerClientProtocolAndJUnit() {
        classes()
                .that()
                .resideInAPackage("io.yundoc.testkit..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(
                        "io.yundoc.testkit..",
                        "io.yundoc.server..",
                        "io.yundoc.client..",
                        "io.yundoc.protocol..",
                        "java..",
                        "com.fasterxml.jackson..",
                        "org.junit.jupiter.api..",
                        // WebhookReceiver: the JDK's HTTP server and HMAC, both in every JDK 17
                        "com.sun.net.httpserver..",
                        "javax.crypto..")
                .check(classes);
    }

    @Test
    void onlyTheInProcessExtensionReachesTheServer() {
        // everything else in the testkit is Java 17 bytecode that a Java 17 user loads without yundoc-server
        noClasses()
                .that()
                .resideInAPackage("io.yundoc.testkit..")
                .and()
                .doNotHaveFullyQualifiedName("io.yundoc.testkit.YundocServerExtension")
                .and()
                .doNotHaveFullyQualifiedName("io.yundoc.testkit.YundocServerExtension$Builder")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.yundoc.server..")
                .check(classes);
    }

    static String outerName(JavaClass c) {
        String name = c.getName().substring(c.getPackageName().length() + 1);
        int nested = name.indexOf('$');
        return nested < 0 ? name : name.substring(0, nested);
    }

    static boolean isRoutesName(JavaClass c) {
        String name = outerName(c);
        return name.endsWith("Routes")
                || name.endsWith("Pages")
                || name.equals("Previews")
                || name.equals("LandingPage");
    }

    @Test
    void everyServerPackageIsOneOfTheDocumentedOnes() {
        Set<String> found = new TreeSet<>();
        classes.stream()
                .map(JavaClass::getPackageName)
                .filter(n -> n.startsWith("io.yundoc.server"))
                .forEach(found::add);
        assertThat(found)
                .as("server packages; place a new one in SERVER_PACKAGES and docs/architecture.md §2")
                .isSubsetOf(SERVER_PACKAGES)
                .contains("io.yundoc.server.oauth", "io.yundoc.server.migrate");
    }

    @Test
    void serverCoreDependsOnNoCapability() {
        // core is shared infrastructure: every other server package may use it, it uses none of them
        noClasses()
                .that()
                .resideInAPackage("io.yundoc.server.core..")
                .should()
                .dependOnClassesThat(describe(
                        "server classes outside core",
                        c -> c.getPackageName().startsWith("io.yundoc.server")
                                && !c.getPackageName().startsWith("io.yundoc.server.core")))
                .check(classes);
    }

    @Test
    void routesCallServicesNeverStores() {
        noClasses()
                .that(ROUTES)
                .should()
                .dependOnClassesThat(STORES)
                .orShould()
                .dependOnClassesThat()
                .resideInAnyPackage("org.jdbi..", "java.sql..")
                .check(classes);
    }

    @Test
    void servicesNeverReachRoutes() {
        noClasses()
                .that(SERVICES)
                .or(STORES)
                .should()
                .dependOnClassesThat(ROUTES)
                .check(classes);
    }

    @Test
    void storesNeverReachServices() {
        noClasses()
                .that(STORES)
                .should()
                .dependOnClassesThat(describe(
                        "services",
                        c -> c.getPackageName().startsWith("io.yundoc.server.")
                                && outerName(c).endsWith("Service")))
                .check(classes);
    }

    @Test
    void sqlLivesOnlyInStores() {
        DescribedPredicate<JavaMethodCall> statement = describe(
                "a Jdbi statement (SQL)",
                call -> call.getTargetOwner().isAssignableTo(Handle.class) && STATEMENTS.contains(call.getName()));
        noClasses()
                .that()
                .resideInAPackage("io.yundoc.server..")
                .and(DescribedPredicate.not(STORES))
                .and()
                .doNotHaveFullyQualifiedName("io.yundoc.server.core.Database")
                .should()
                .callMethodWhere(statement)
                .check(classes);
    }

    @Test
    void jdbcOnlyInStoresAndCore() {
        noClasses()
                .that()
                .resideInAPackage("io.yundoc.server..")
                .and(DescribedPredicate.not(STORES))
                .and()
                .resideOutsideOfPackage("io.yundoc.server.core..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "java.sql..",
                        "org.jdbi.v3.core.statement..",
                        "org.jdbi.v3.core.mapper..",
                        "org.jdbi.v3.core.result..")
                .check(classes);
    }

    @Test
    void serverPackagesHaveNoCycles() {
        slices().matching("io.yundoc.server.(*)..")
                .should()
                .beFreeOfCycles()
                .check(new ClassFileImporter()
                        .withImportOption(MAIN_CODE_ONLY)
                        .importPackages("io.yundoc.server")
                        .that(describe(
                                "not the assembly", c -> !c.getPackageName().equals("io.yundoc.server"))));
    }
}
