package io.echo.llm.sample;

import io.echo.llm.JdepsPackages;
import org.junit.jupiter.api.Test;

/**
 * jdeps shows no cycle among the packages of the sample app's compiled classes, and no other module of the build
 * declares one of them (a split package, as when the benchmarks once put a class into core's
 * {@code io.echo.llm.internal}).
 */
class PackageStructureTests {

	@Test
	void jdepsShowsNoPackageCycle() {
		JdepsPackages.assertNoPackageCycle();
	}

	@Test
	void noPackageIsSplitAcrossModules() {
		JdepsPackages.assertNoSplitPackage();
	}

}
