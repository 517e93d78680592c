package io.yundoc.openapicheck;

import static org.assertj.core.api.Assertions.assertThat;

import io.yundoc.server.web.OpsRoutes;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.openapitools.codegen.DefaultGenerator;
import org.openapitools.codegen.config.CodegenConfigurator;

/**
 * The OpenAPI document served at {@code /openapi} is usable by a client generator: openapi-generator's Java client
 * ({@code native}: java.net.http + Jackson) generated from it compiles, with a method per operationId.
 */
class GeneratedClientCompilesTest {

    @Test
    void javaClientGeneratedFromTheDocumentCompiles() throws IOException {
        Path work = Path.of("target", "generated-client");
        if (Files.exists(work)) { // the generator never deletes: files of an earlier document would be compiled too
            try (Stream<Path> old = Files.walk(work)) {
                old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(work);
        Path spec = work.resolve("openapi.json");
        Files.write(spec, OpsRoutes.openapiDocument("http://127.0.0.1:8080"));
        Path out = work.resolve("src");
        CodegenConfigurator cfg = new CodegenConfigurator()
                .setGeneratorName("java")
                .setLibrary("native")
                .setInputSpec(spec.toString())
                .setOutputDir(out.toString())
                .setApiPackage("io.yundoc.generated.api")
                .setModelPackage("io.yundoc.generated.model")
                .setInvokerPackage("io.yundoc.generated")
                .addAdditionalProperty("hideGenerationTimestamp", true)
                .addAdditionalProperty("openApiNullable", true)
                .addAdditionalProperty("useJakartaEe", true)
                .addGlobalProperty("apiTests", "false")
                .addGlobalProperty("modelTests", "false")
                .addGlobalProperty("apiDocs", "false")
                .addGlobalProperty("modelDocs", "false");
        List<File> files = new DefaultGenerator().opts(cfg.toClientOptInput()).generate();
        assertThat(files).as("files generated").isNotEmpty();

        List<File> sources;
        try (Stream<Path> s = Files.walk(out.resolve("src/main/java"))) {
            sources = s.filter(p -> p.toString().endsWith(".java"))
                    .map(Path::toFile)
                    .toList();
        }
        assertThat(sources).as("generated Java sources").hasSizeGreaterThan(5);
        String apis = String.join(
                "\n",
                sources.stream()
                        .filter(f -> f.getPath().contains("/api/"))
                        .map(f -> {
                            try {
                                return Files.readString(f.toPath());
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        })
                        .toList());
        assertThat(apis).contains("appspaceFileInfo(", "personalDownload(", "personalGetLink(");

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Path classes = Files.createDirectories(work.resolve("classes"));
        StringWriter diagnostics = new StringWriter();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(null, null, null)) {
            boolean ok = javac.getTask(
                            diagnostics,
                            fm,
                            null,
                            List.of(
                                    "--release",
                                    "17",
                                    "-proc:none",
                                    "-nowarn",
                                    "-encoding",
                                    "UTF-8",
                                    "-classpath",
                                    System.getProperty("java.class.path"),
                                    "-d",
                                    classes.toString()),
                            null,
                            fm.getJavaFileObjectsFromFiles(sources))
                    .call();
            assertThat(ok).as("javac on the generated client:\n" + diagnostics).isTrue();
        }
        try (Stream<Path> s = Files.walk(classes)) {
            assertThat(s.anyMatch(p -> p.toString().endsWith("ApiClient.class")))
                    .isTrue();
        }
    }
}
