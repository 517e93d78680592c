package io.yundoc.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The repository documents itself: every section the code and docs cite ({@code api.md §5.3}, {@code
 * api-families.md §F2.6}, {@code design.md "Emulator controls"}) exists in {@code docs/}, and every relative link in
 * the Markdown files points at a file of the repository. Lives here because this module builds first and needs
 * nothing else.
 */
class DocReferencesTest {
    private static final Pattern SECTION =
            Pattern.compile("\\b(api|api-families|design|architecture)\\.md\\s?§\\s?(F?\\d+(?:\\.\\d+)*)");
    private static final Pattern QUOTED =
            Pattern.compile("\\b(api|api-families|design|architecture)\\.md:?\\s\"([^\"]+)\"");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Set<String> TEXT = Set.of(
            "java",
            "md",
            "sh",
            "json",
            "sql",
            "lua",
            "properties",
            "xml",
            "yaml",
            "yml",
            "conf",
            "html",
            "txt",
            "jte",
            "run");
    private static Path root;
    private static final Map<String, List<String>> HEADINGS = new HashMap<>();

    @BeforeAll
    static void load() throws IOException {
        root = Path.of("").toAbsolutePath().getParent();
        assertThat(root.resolve("docs/api.md"))
                .as("docs/api.md in the repository")
                .exists();
        for (String doc : List.of("api", "api-families", "design", "architecture")) {
            List<String> heads = new ArrayList<>();
            for (String line : Files.readAllLines(root.resolve("docs/" + doc + ".md"))) {
                if (line.startsWith("#")) {
                    heads.add(line.replaceFirst("^#+\\s*", ""));
                } else if (line.startsWith("**") || line.startsWith("- **")) {
                    heads.add(line.replaceFirst("^-?\\s*\\*\\*", "").replaceFirst("\\*\\*.*", ""));
                }
            }
            HEADINGS.put(doc, heads);
        }
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> {
                        String rel = root.relativize(p).toString();
                        return !rel.startsWith(".git")
                                && !rel.contains("/target/")
                                && !rel.startsWith("target/")
                                && !rel.contains("node_modules")
                                && !rel.startsWith("bench/out")
                                && !rel.contains("yundoc-data")
                                && !rel.startsWith("docs/seeds/");
                    })
                    .filter(p -> {
                        String n = p.getFileName().toString();
                        int dot = n.lastIndexOf('.');
                        return dot < 0
                                ? p.getParent().getFileName().toString().equals("bin")
                                : TEXT.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
                    })
                    .toList();
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean hasSection(String doc, String section) {
        return HEADINGS.get(doc).stream()
                .anyMatch(h -> h.equals(section) || h.startsWith(section + " ") || h.startsWith(section + ". "));
    }

    @Test
    void everyCitedSectionExists() throws IOException {
        List<String> missing = new ArrayList<>();
        int cited = 0;
        for (Path p : sources()) {
            String text = read(p);
            Matcher m = SECTION.matcher(text);
            while (m.find()) {
                cited++;
                if (!hasSection(m.group(1), m.group(2))) {
                    missing.add(root.relativize(p) + ": " + m.group());
                }
            }
            Matcher q = QUOTED.matcher(text);
            while (q.find()) {
                cited++;
                String want = q.group(2).toLowerCase(Locale.ROOT);
                if (HEADINGS.get(q.group(1)).stream()
                        .noneMatch(h -> h.toLowerCase(Locale.ROOT).startsWith(want))) {
                    missing.add(root.relativize(p) + ": " + q.group());
                }
            }
        }
        assertThat(cited).as("citations found (the scan itself works)").isGreaterThan(100);
        assertThat(missing).as("cited sections that docs/ does not have").isEmpty();
    }

    @Test
    void markdownLinksPointInsideTheRepository() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path p : sources()) {
            if (!p.toString().endsWith(".md")) {
                continue;
            }
            Matcher m = LINK.matcher(read(p));
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*") || target.startsWith("#") || target.startsWith("<")) {
                    continue; // absolute URLs and anchors
                }
                String file = target.replaceFirst("#.*", "");
                if (file.isEmpty() || file.startsWith("$") || file.contains("<")) {
                    continue;
                }
                Path resolved = p.getParent().resolve(file).normalize();
                if (!resolved.startsWith(root) || !Files.exists(resolved)) {
                    broken.add(root.relativize(p) + ": " + target);
                }
            }
        }
        assertThat(broken)
                .as("relative links to files that are not in the repository")
                .isEmpty();
    }

    @Test
    void sectionMatchingIsExact() {
        assertThat(hasSection("api", "5.3")).isTrue();
        assertThat(hasSection("api", "5.30")).isFalse();
        assertThat(hasSection("api-families", "F2.6")).isTrue();
        assertThat(hasSection("design", "9.9")).isFalse();
    }
}
