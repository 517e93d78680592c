package io.yundoc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreeScanner;
import com.sun.source.util.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The source habits the formatter cannot see (issue 14 item 7), checked on every module's main and test sources with
 * the JDK's own parser: fields come before code in a class, and a type is named through an import where one would do.
 */
class SourceHabitsTest {
    /** Package roots a fully qualified type name starts with; enough to find them without attributing types. */
    private static final Set<String> PACKAGE_ROOTS = Set.of("java", "javax", "jdk", "io", "org", "com");

    private static List<CompilationUnitTree> units;
    private static SourcePositions positions;

    @BeforeAll
    static void parse() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.toString().contains("/src/main/java/")
                            || p.toString().contains("/src/test/java/"))
                    .filter(p -> !p.toString().contains("/target/"))
                    .toList();
        }
        assertThat(files).as("sources under %s", root).hasSizeGreaterThan(300);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StandardJavaFileManager fm = javac.getStandardFileManager(null, null, null);
        JavacTask task = (JavacTask)
                javac.getTask(null, fm, d -> {}, List.of("-proc:none"), null, fm.getJavaFileObjectsFromPaths(files));
        units = new ArrayList<>();
        task.parse().forEach(units::add);
        positions = Trees.instance(task).getSourcePositions();
    }

    @Test
    void fieldsComeBeforeCodeInEveryClass() {
        List<String> late = new ArrayList<>();
        for (CompilationUnitTree unit : units) {
            new TreeScanner<Void, Void>() {
                @Override
                public Void visitClass(ClassTree type, Void unused) {
                    boolean code = false;
                    for (Tree member : type.getMembers()) {
                        if (member instanceof MethodTree) {
                            code = true;
                        } else if ((member instanceof VariableTree || member instanceof BlockTree) && code) {
                            late.add(where(unit, member));
                        }
                    }
                    return super.visitClass(type, null);
                }
            }.scan(unit, null);
        }
        assertThat(late)
                .as("fields or initializer blocks declared after a method or constructor")
                .isEmpty();
    }

    @Test
    void typesAreNamedThroughImportsWhereOneWouldDo() {
        List<String> qualified = new ArrayList<>();
        for (CompilationUnitTree unit : units) {
            Set<String> imported = new HashSet<>();
            for (ImportTree i : unit.getImports()) {
                if (i.getQualifiedIdentifier() instanceof MemberSelectTree s) {
                    imported.add(s.getIdentifier().toString());
                }
            }
            Set<String> declared = new HashSet<>();
            new TreeScanner<Void, Void>() {
                @Override
                public Void visitClass(ClassTree type, Void unused) {
                    declared.add(type.getSimpleName().toString());
                    return super.visitClass(type, null);
                }
            }.scan(unit, null);
            new TreeScanner<Void, Void>() {
                @Override
                public Void visitImport(ImportTree node, Void unused) {
                    return null; // imports are where qualified names belong
                }

                @Override
                public Void visitMemberSelect(MemberSelectTree select, Void unused) {
                    String name = select.getIdentifier().toString();
                    if (isQualifiedTypeName(select) && !imported.contains(name) && !declared.contains(name)) {
                        qualified.add(where(unit, select) + " " + select);
                        return null;
                    }
                    return super.visitMemberSelect(select, null);
                }
            }.scan(unit.getTypeDecls(), null);
        }
        assertThat(qualified)
                .as("fully qualified type names where an import would do")
                .isEmpty();
    }

    /** {@code a.b.C}: lower-case package segments from a known root, then an upper-case type name. */
    private static boolean isQualifiedTypeName(MemberSelectTree select) {
        if (!Character.isUpperCase(select.getIdentifier().toString().charAt(0))) {
            return false;
        }
        Tree expression = select.getExpression();
        int segments = 0;
        while (expression instanceof MemberSelectTree inner) {
            if (!Character.isLowerCase(inner.getIdentifier().toString().charAt(0))) {
                return false;
            }
            segments++;
            expression = inner.getExpression();
        }
        return segments >= 1
                && expression instanceof IdentifierTree id
                && PACKAGE_ROOTS.contains(id.getName().toString());
    }

    private static String where(CompilationUnitTree unit, Tree tree) {
        long line = unit.getLineMap().getLineNumber(positions.getStartPosition(unit, tree));
        return Path.of(unit.getSourceFile().toUri()).getFileName() + ":" + line;
    }
}
