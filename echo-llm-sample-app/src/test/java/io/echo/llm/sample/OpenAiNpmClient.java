package io.echo.llm.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * The official {@code openai} npm client (6.x, which runs on Node 20) installed under {@code target/openai-npm}, to run
 * a script against the sample the way a Node user would. Without Node and npm, or when the package cannot be
 * installed (no registry), the test using it is skipped with the reason printed.
 */
final class OpenAiNpmClient {

	private static final Path DIR = Path.of("target", "openai-npm");

	private OpenAiNpmClient() {
	}

	/** Runs the ES module script with the arguments and returns its standard output; fails on a non-zero exit. */
	static String run(String script, String... args) throws IOException, InterruptedException {
		install();
		Path file = DIR.resolve("script-" + System.nanoTime() + ".mjs");
		Files.writeString(file, script);
		List<String> command = new ArrayList<>(List.of("node", file.getFileName().toString()));
		command.addAll(List.of(args));
		Result result = exec(command, 60);
		if (result.exit != 0) {
			throw new AssertionError("node exited with " + result.exit + ":\n" + result.output);
		}
		return result.output;
	}

	private static synchronized void install() throws IOException, InterruptedException {
		skipUnless("node", "--version");
		skipUnless("npm", "--version");
		if (Files.isDirectory(DIR.resolve("node_modules/openai"))) {
			return;
		}
		Files.createDirectories(DIR);
		Files.writeString(DIR.resolve("package.json"), "{\"private\":true,\"type\":\"module\"}");
		Result result = exec(List.of("npm", "install", "--no-audit", "--no-fund", "openai@6"), 180);
		if (result.exit != 0) {
			skip("npm install openai@6 failed (no registry?): " + result.output.strip());
		}
	}

	private static void skipUnless(String... command) throws InterruptedException {
		try {
			Result result = exec(List.of(command), 30);
			if (result.exit != 0) {
				skip(command[0] + " is not usable: " + result.output.strip());
			}
		}
		catch (IOException ex) {
			skip(command[0] + " is not installed: " + ex.getMessage());
		}
	}

	private static void skip(String reason) {
		System.out.println("Skipping the openai npm client test: " + reason);
		Assumptions.abort(reason);
	}

	private static Result exec(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).directory(DIR.toFile().exists() ? DIR.toFile() : null)
			.redirectErrorStream(true)
			.start();
		// Output is small; reading it after exit could block a chatty process, so read it first.
		byte[] output = process.getInputStream().readAllBytes();
		if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new AssertionError(String.join(" ", command) + " did not end within " + timeoutSeconds + " s");
		}
		return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
	}

	private record Result(int exit, String output) {
	}

}
