package io.echo.llm.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's packages depend on each other without a cycle: {@code web} is the relay API, {@code web.resume} builds
 * on it, {@code web.resume.redis} on that, and the auto-configuration wires them all. Read from the imports of
 * {@code src/main/java}, so that no extra library is needed; {@code jdeps -verbose:package target/classes} shows the same
 * graph from the bytecode.
 */
class PackageCycleTests {

	private static final Path SOURCES = Path.of("src/main/java");

	private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);

	private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)(?:\\.\\*)?\\s*;",
			Pattern.MULTILINE);

	@Test
	void starterPackagesHaveNoCycle() {
		Map<String, Set<String>> graph = packageGraph(SOURCES);
		assertThat(graph).containsKeys("io.echo.llm.web", "io.echo.llm.web.resume", "io.echo.llm.web.resume.redis");
		assertThat(cycle(graph)).as("package cycle in %s", graph).isEmpty();
	}

	@Test
	void relayApiDoesNotDependOnTheResumableRelay() {
		assertThat(packageGraph(SOURCES).get("io.echo.llm.web")).doesNotContain("io.echo.llm.web.resume",
				"io.echo.llm.web.resume.redis");
	}

	@Test
	void cycleIsFoundWhereThereIsOne() {
		Map<String, Set<String>> graph = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
		assertThat(cycle(graph)).containsExactly("a", "b", "c", "a");
	}

	/** Returns, for each package of the sources, the other packages of the sources its files import. */
	static Map<String, Set<String>> packageGraph(Path sources) {
		Map<String, List<String>> imports = new TreeMap<>();
		try (Stream<Path> files = Files.walk(sources)) {
			for (Path file : files.filter((path) -> path.toString().endsWith(".java")).toList()) {
				String text = Files.readString(file);
				Matcher pkg = PACKAGE.matcher(text);
				if (!pkg.find()) {
					continue;
				}
				List<String> names = imports.computeIfAbsent(pkg.group(1), (key) -> new ArrayList<>());
				Matcher imported = IMPORT.matcher(text);
				while (imported.find()) {
					names.add(imported.group(1));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Map<String, Set<String>> graph = new TreeMap<>();
		imports.forEach((pkg, names) -> {
			Set<String> targets = new TreeSet<>();
			for (String name : names) {
				String target = owningPackage(name, imports.keySet());
				if (target != null && !target.equals(pkg)) {
					targets.add(target);
				}
			}
			graph.put(pkg, targets);
		});
		return graph;
	}

	// The longest package of the sources that the imported name starts with: a type, a nested type or a static member.
	private static String owningPackage(String name, Set<String> packages) {
		String best = null;
		for (String pkg : packages) {
			if (name.startsWith(pkg + ".") && (best == null || pkg.length() > best.length())
					&& Character.isUpperCase(name.charAt(pkg.length() + 1))) {
				best = pkg;
			}
		}
		return best;
	}

	/** Returns one cycle as the path that closes it, or an empty list when the graph has none. */
	static List<String> cycle(Map<String, Set<String>> graph) {
		Set<String> done = new HashSet<>();
		for (String start : new TreeSet<>(graph.keySet())) {
			List<String> found = visit(start, graph, done, new ArrayDeque<>());
			if (!found.isEmpty()) {
				return found;
			}
		}
		return List.of();
	}

	private static List<String> visit(String node, Map<String, Set<String>> graph, Set<String> done,
			Deque<String> path) {
		if (path.contains(node)) {
			List<String> cycle = new ArrayList<>();
			boolean inCycle = false;
			for (String step : (Iterable<String>) path::descendingIterator) {
				inCycle = inCycle || step.equals(node);
				if (inCycle) {
					cycle.add(step);
				}
			}
			cycle.add(node);
			return cycle;
		}
		if (!done.add(node)) {
			return List.of();
		}
		path.push(node);
		for (String next : new TreeSet<>(graph.getOrDefault(node, Set.of()))) {
			List<String> found = visit(next, graph, done, path);
			if (!found.isEmpty()) {
				return found;
			}
		}
		path.pop();
		return List.of();
	}

}
