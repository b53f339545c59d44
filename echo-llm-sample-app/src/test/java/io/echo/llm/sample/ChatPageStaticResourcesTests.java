package io.echo.llm.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat page's scripts are ES modules, which a browser refuses to run unless served with a JavaScript MIME type,
 * and whose relative imports must resolve under a servlet context path too: every module the page loads, and every
 * module those import, is served that way, and each one imported is preloaded so the page does not fetch them one
 * import level at a time. The properties match {@link ContextPathTests}, so both share one application context.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.servlet.context-path=/chat", "echo.demo.token-delay=0ms" })
class ChatPageStaticResourcesTests {

	private static final Pattern MODULE_SCRIPT = Pattern.compile("<script type=\"module\" src=\"([^\"]+)\"");

	private static final Pattern MODULE_PRELOAD = Pattern.compile("<link rel=\"modulepreload\" href=\"([^\"]+)\"");

	/** Static imports: {@code import ... from './x.js';} and {@code import './x.js';}. */
	private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:[^'\"]*\\sfrom\\s+)?['\"]([^'\"]+)['\"]",
			Pattern.MULTILINE);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@LocalServerPort
	private int port;

	@Test
	void everyModuleOfThePageIsServedAsJavaScriptAndPreloaded() throws Exception {
		URI page = URI.create("http://127.0.0.1:" + this.port + "/chat/");
		// As a browser asks for it: the welcome page answers requests that accept HTML.
		HttpResponse<String> html = get(page, "text/html");
		assertThat(html.statusCode()).isEqualTo(200);

		Set<URI> entries = matches(MODULE_SCRIPT, html.body(), page);
		Set<URI> preloaded = matches(MODULE_PRELOAD, html.body(), page);
		assertThat(entries).as("module scripts of the page").isNotEmpty();

		Set<URI> imported = new LinkedHashSet<>();
		Set<URI> seen = new LinkedHashSet<>(entries);
		Deque<URI> pending = new ArrayDeque<>(entries);
		while (!pending.isEmpty()) {
			URI module = pending.removeFirst();
			HttpResponse<String> script = get(module, "*/*");
			assertThat(script.statusCode()).as(module.toString()).isEqualTo(200);
			// A module script needs a JavaScript MIME type essence (text/javascript is the standard's own).
			assertThat(script.headers().firstValue("Content-Type")).as(module.toString())
				.hasValueSatisfying((type) -> assertThat(type).matches("(?i)(text|application)/javascript(;.*)?"));
			for (URI dependency : matches(IMPORT, script.body(), module)) {
				imported.add(dependency);
				if (seen.add(dependency)) {
					pending.addLast(dependency);
				}
			}
		}
		assertThat(imported).as("modules the page's scripts import").isNotEmpty();
		assertThat(preloaded).as("modulepreload links").containsExactlyInAnyOrderElementsOf(imported);
	}

	private static Set<URI> matches(Pattern pattern, String text, URI base) {
		Set<URI> found = new LinkedHashSet<>();
		Matcher matcher = pattern.matcher(text);
		while (matcher.find()) {
			found.add(base.resolve(matcher.group(1)));
		}
		return found;
	}

	private HttpResponse<String> get(URI uri, String accept) throws Exception {
		return this.http.send(
				HttpRequest.newBuilder(uri).header("Accept", accept).timeout(Duration.ofSeconds(10)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
