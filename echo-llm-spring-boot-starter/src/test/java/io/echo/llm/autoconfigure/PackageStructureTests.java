package io.echo.llm.autoconfigure;

import java.util.Map;
import java.util.Set;

import io.echo.llm.JdepsPackages;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * jdeps shows the starter's packages depending on each other without a cycle: {@code web} is the relay API,
 * {@code web.resume} builds on it, {@code web.resume.redis} on that, and the auto-configuration wires them all; and no
 * package of the starter is declared by another module of the build.
 */
class PackageStructureTests {

	@Test
	void jdepsShowsNoPackageCycle() {
		Map<String, Set<String>> graph = JdepsPackages.assertNoPackageCycle();
		assertThat(graph).containsKeys("io.echo.llm.web", "io.echo.llm.web.resume", "io.echo.llm.web.resume.redis");
	}

	@Test
	void relayApiDoesNotDependOnTheResumableRelay() {
		assertThat(JdepsPackages.assertNoPackageCycle().get("io.echo.llm.web")).doesNotContain("io.echo.llm.web.resume",
				"io.echo.llm.web.resume.redis", "io.echo.llm.autoconfigure");
	}

	@Test
	void noPackageIsSplitAcrossModules() {
		JdepsPackages.assertNoSplitPackage();
	}

}
