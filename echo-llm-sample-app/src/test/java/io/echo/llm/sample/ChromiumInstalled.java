package io.echo.llm.sample;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a real-browser test class only where Debian's Chromium and ChromeDriver are installed, and reports it as
 * skipped, with the reason, where they are not. With {@code CI=true} the class always runs (and fails without them):
 * {@code .ci/run} installs them, so a skip there would hide a broken install step.
 * <p>
 * Use as {@code @ExtendWith(ChromiumInstalled.class)}, before any extension that starts an application context.
 */
public final class ChromiumInstalled implements ExecutionCondition {

	/** Debian's {@code chromium}. */
	public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	/** Debian's {@code chromium-driver}. */
	public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		if (installed()) {
			return ConditionEvaluationResult.enabled("Chromium and ChromeDriver are installed");
		}
		if ("true".equalsIgnoreCase(System.getenv("CI"))) {
			return ConditionEvaluationResult.enabled("CI=true: the browser tests must run (.ci/run installs Chromium)");
		}
		return ConditionEvaluationResult.disabled(missing() + ": skipping the real-browser tests. "
				+ "Install with `apt-get install -y chromium chromium-driver` (.ci/run does) to run them.");
	}

	/** Whether both executables are there. */
	static boolean installed() {
		return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
	}

	/** What is missing, for messages. */
	static String missing() {
		return "Chromium or ChromeDriver missing (" + CHROMIUM + ", " + CHROMEDRIVER + ")";
	}

}
