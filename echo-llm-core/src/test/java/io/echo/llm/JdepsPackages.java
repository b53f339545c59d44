package io.echo.llm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * The package structure of one module as the JDK's {@code jdeps} reads it from the compiled classes, for the
 * {@code PackageStructureTests} of every module (core's test jar carries this one class to the others). A package
 * cycle means no package of it can be read or changed with only the packages below it in mind; a split package (one
 * name in two modules) breaks on the module path and hides who owns what.
 */
public final class JdepsPackages {

	/** {@code   io.echo.llm.web    -> io.echo.llm.chat    not found}: one package-level edge of {@code -verbose:package}. */
	private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s+.*$", Pattern.MULTILINE);

	private JdepsPackages() {
	}

	/**
	 * Fails naming the cycle when jdeps finds one among the packages of {@code target/classes} of the module whose
	 * directory is the working directory (as under Surefire).
	 * @return the package graph that was checked, for further assertions
	 */
	public static Map<String, Set<String>> assertNoPackageCycle() {
		Map<String, Set<String>> graph = graph(Path.of("target/classes"));
		List<String> cycle = cycle(graph);
		if (cycle != null) {
			throw new AssertionError("jdeps shows a package cycle " + String.join(" -> ", cycle) + " in " + graph);
		}
		return graph;
	}

	/**
	 * Fails naming the packages and modules when a package of this module's compiled classes is also declared by the
	 * main sources of a sibling module of the build.
	 */
	public static void assertNoSplitPackage() {
		Set<String> ours = packagesOf(Path.of("target/classes"), ".class");
		if (ours.isEmpty()) {
			throw new AssertionError("no compiled classes under " + Path.of("target/classes").toAbsolutePath());
		}
		Map<String, Set<String>> split = new TreeMap<>();
		Path self = Path.of("").toAbsolutePath();
		try (Stream<Path> modules = Files.list(self.getParent())) {
			for (Path module : modules.filter((dir) -> Files.isRegularFile(dir.resolve("pom.xml"))).toList()) {
				Path sources = module.resolve("src/main/java");
				if (!module.equals(self) && Files.isDirectory(sources)) {
					Set<String> theirs = packagesOf(sources, ".java");
					theirs.retainAll(ours);
					theirs.forEach((pkg) -> split.computeIfAbsent(pkg, (key) -> new TreeSet<>())
						.add(String.valueOf(module.getFileName())));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		if (!split.isEmpty()) {
			throw new AssertionError("split packages (package -> other modules declaring it): " + split);
		}
	}

	/**
	 * Runs {@code jdeps -verbose:package} on a class directory.
	 * @return package → the other packages of the same directory it depends on, for every package with classes
	 */
	public static Map<String, Set<String>> graph(Path classes) {
		Set<String> packages = packagesOf(classes, ".class");
		Map<String, Set<String>> graph = new TreeMap<>();
		packages.forEach((pkg) -> graph.put(pkg, new TreeSet<>()));
		Matcher edges = EDGE.matcher(jdeps("-verbose:package", "-e", "io\\.echo\\..*", classes.toString()));
		while (edges.find()) {
			String from = edges.group(1);
			String to = edges.group(2);
			if (packages.contains(from) && packages.contains(to) && !from.equals(to)) {
				graph.get(from).add(to);
			}
		}
		return graph;
	}

	/** One cycle as the packages along it (the first repeated at the end), or {@code null} when there is none. */
	public static @Nullable List<String> cycle(Map<String, Set<String>> graph) {
		Set<String> done = new TreeSet<>();
		for (String start : new TreeSet<>(graph.keySet())) {
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
			List<String> walked = new ArrayList<>();
			path.descendingIterator().forEachRemaining(walked::add);
			List<String> closed = new ArrayList<>(walked.subList(walked.indexOf(node), walked.size()));
			closed.add(node);
			return closed;
		}
		if (!done.add(node)) {
			return null;
		}
		path.push(node);
		for (String next : new TreeSet<>(graph.getOrDefault(node, Set.of()))) {
			List<String> found = cycleFrom(next, graph, path, done);
			if (found != null) {
				return found;
			}
		}
		path.pop();
		return null;
	}

	private static String jdeps(String... args) {
		ToolProvider jdeps = ToolProvider.findFirst("jdeps")
			.orElseThrow(() -> new AssertionError("this JDK has no jdeps (module jdk.jdeps)"));
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int status;
		try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
				PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
			status = jdeps.run(outStream, errStream, args);
		}
		if (status != 0) {
			throw new AssertionError("jdeps " + String.join(" ", args) + " exited with " + status + ": "
					+ err.toString(StandardCharsets.UTF_8));
		}
		return out.toString(StandardCharsets.UTF_8);
	}

	/**
	 * The dotted names of the directories under {@code root} that hold at least one file ending in {@code suffix}.
	 * Classes Spring AOT generated ({@code Foo__BeanDefinitions}, in the package of the configuration they stand for,
	 * which may be another module's: {@code aot-smoke.sh} leaves them in the sample's classes) are not the module's.
	 */
	private static Set<String> packagesOf(Path root, String suffix) {
		Set<String> packages = new TreeSet<>();
		if (!Files.isDirectory(root)) {
			return packages;
		}
		try (Stream<Path> files = Files.walk(root)) {
			files.filter((file) -> file.toString().endsWith(suffix) && !file.endsWith("package-info.java")
					&& !file.endsWith("package-info.class") && !file.getFileName().toString().contains("__"))
				.forEach((file) -> packages.add(root.relativize(file.getParent())
					.toString()
					.replace(file.getFileSystem().getSeparator(), ".")));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return packages;
	}

}
