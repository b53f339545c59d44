package io.echo.llm;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * jdeps shows no package cycle among core's compiled classes, so that each package can be read and changed with only
 * the packages below it in mind, and no other module of the build declares one of core's packages. The other modules
 * run the same checks through {@link JdepsPackages} from core's test jar.
 */
class PackageStructureTests {

	@Test
	void jdepsShowsNoPackageCycle() {
		Map<String, Set<String>> graph = JdepsPackages.assertNoPackageCycle();
		assertThat(graph).containsKeys("io.echo.llm", "io.echo.llm.internal", "io.echo.llm.http", "io.echo.llm.chat",
				"io.echo.llm.sse");
		assertThat(graph.get("io.echo.llm.sse")).as("the SSE parser is spec only").isEmpty();
	}

	@Test
	void noPackageIsSplitAcrossModules() {
		JdepsPackages.assertNoSplitPackage();
	}

	@Test
	void aCycleThroughAThirdPackageIsFound() {
		Map<String, Set<String>> graph = new TreeMap<>();
		graph.put("a", Set.of("b"));
		graph.put("b", Set.of("c"));
		graph.put("c", Set.of("a"));
		graph.put("d", Set.of("a"));
		assertThat(JdepsPackages.cycle(graph)).containsExactly("a", "b", "c", "a");
		graph.put("c", Set.of());
		assertThat(JdepsPackages.cycle(graph)).isNull();
	}

}
