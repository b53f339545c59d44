package io.echo.llm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package graph of core's main sources, read from their imports: no two packages may depend on each other, even
 * through others, so that each can be read and changed with only the packages below it in mind; and no other module
 * may put classes into one of core's packages (a split package breaks on the module path and hides who owns what).
 * jdeps checks the compiled classes the same way ({@code jdeps -verbose:package echo-llm-core/target/classes}).
 */
class PackageStructureTests {

	private static final Path MAIN = Path.of("src/main/java");

	private static final Pattern IMPORT = Pattern
		.compile("^import\\s+(?:static\\s+)?(io\\.echo\\.llm(?:\\.[a-z][a-z0-9]*)*)\\.[A-Z]", Pattern.MULTILINE);

	private static final List<String> OTHER_MODULES = List.of("../echo-llm-spring-boot-starter",
			"../echo-llm-sample-app", "../echo-llm-benchmarks");

	@Test
	void corePackagesFormNoCycle() {
		Map<String, Set<String>> graph = importGraph(MAIN);
		assertThat(graph).containsKeys("io.echo.llm", "io.echo.llm.internal", "io.echo.llm.http", "io.echo.llm.chat",
				"io.echo.llm.sse");
		assertThat(cycle(graph)).as("package cycle in %s", graph).isNull();
	}

	@Test
	void aCycleThroughAThirdPackageIsFound() {
		Map<String, Set<String>> graph = new TreeMap<>();
		graph.put("a", Set.of("b"));
		graph.put("b", Set.of("c"));
		graph.put("c", Set.of("a"));
		graph.put("d", Set.of("a"));
		assertThat(cycle(graph)).containsExactly("a", "b", "c", "a");
		graph.put("c", Set.of());
		assertThat(cycle(graph)).isNull();
	}

	@Test
	void noOtherModulePutsClassesIntoACorePackage() {
		Set<String> core = importGraph(MAIN).keySet();
		for (String module : OTHER_MODULES) {
			for (String tree : List.of("/src/main/java", "/src/test/java")) {
				Path sources = Path.of(module + tree);
				if (Files.isDirectory(sources)) {
					Set<String> theirs = new TreeSet<>(importGraph(sources).keySet());
					theirs.retainAll(core);
					assertThat(theirs).as("packages of echo-llm-core that %s%s also declares", module, tree).isEmpty();
				}
			}
		}
	}

	/** Package → the io.echo.llm packages its main sources import, without itself. */
	private static Map<String, Set<String>> importGraph(Path root) {
		Map<String, Set<String>> graph = new TreeMap<>();
		try (Stream<Path> files = Files.walk(root)) {
			for (Path file : files.filter((path) -> path.toString().endsWith(".java")).toList()) {
				String pkg = root.relativize(file.getParent()).toString().replace(file.getFileSystem().getSeparator(), ".");
				Set<String> targets = graph.computeIfAbsent(pkg, (key) -> new TreeSet<>());
				Matcher imports = IMPORT.matcher(Files.readString(file));
				while (imports.find()) {
					if (!imports.group(1).equals(pkg)) {
						targets.add(imports.group(1));
					}
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return graph;
	}

	/** One cycle as the packages along it (the first repeated at the end), or {@code null} when there is none. */
	private static @Nullable List<String> cycle(Map<String, Set<String>> graph) {
		Set<String> done = new TreeSet<>();
		for (String start : graph.keySet()) {
			List<String> found = cycleFrom(start, graph, new ArrayDeque<>(), done);
			if (found != null) {
				return found;
			}
		}
		return null;
	}

	private static @Nullable List<String> cycleFrom(String node, Map<String, Set<String>> graph, Deque<String> path,
			Set<String> done) {
		if (path.contains(node)) {
			List<String> cycle = new ArrayList<>();
			path.descendingIterator().forEachRemaining(cycle::add);
			List<String> closed = new ArrayList<>(cycle.subList(cycle.indexOf(node), cycle.size()));
			closed.add(node);
			return closed;
		}
		if (!done.add(node)) {
			return null;
		}
		path.push(node);
		for (String next : graph.getOrDefault(node, Set.of())) {
			List<String> found = cycleFrom(next, graph, path, done);
			if (found != null) {
				return found;
			}
		}
		path.pop();
		return null;
	}

}
