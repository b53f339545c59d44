package io.echo.llm.sample.demo;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * An OpenAI-compatible {@code /chat/completions} endpoint with scripted answers (see {@link DemoScript}), served by
 * the application itself under {@value #PATH}: what the sample talks to when no {@code echo.llm.base-url} is set.
 * <p>
 * The echo-llm client reaches it over HTTP on loopback like any provider, so everything between the page and the
 * provider is the real thing. Streams are paced by a small scheduler ({@link DemoStream}), never by a sleeping
 * request thread. Streams that end because the client went away are recorded in {@link DemoCancellations}.
 * <p>
 * It behaves as a model does in a client's agent loop: it calls a tool the request offers (or, when the request offers
 * none, as the chat page's do not, its own demo tools), answers in text with {@code finish_reason} {@code "stop"} once
 * the tool results come back, and answers {@code n} (1 to {@value DemoRequest#MAX_CHOICES}) choices side by side.
 * <p>
 * Threads: requests arrive on any request thread and streams end on scheduler threads, so the two counters
 * ({@code active} streams, response {@code ids}) are atomic; all else is final.
 */
@RestController
@RequestMapping(DemoProvider.PATH)
public class DemoProvider implements DisposableBean {

	/** Path of the demo provider's base URL on this application. */
	public static final String PATH = "/demo/v1";

	/** Model named in answers to requests that name none. */
	public static final String MODEL = "echo-demo";

	private static final JsonMapper json = JsonMapper.builder().build();

	private final DemoProperties properties;

	private final DemoCancellations cancellations;

	private final ScheduledExecutorService scheduler;

	private final AtomicInteger active = new AtomicInteger();

	private final AtomicLong ids = new AtomicLong();

	DemoProvider(DemoProperties properties, DemoCancellations cancellations) {
		this.properties = properties;
		this.cancellations = cancellations;
		CustomizableThreadFactory threads = new CustomizableThreadFactory("echo-demo-");
		threads.setDaemon(true);
		// Not a bean: an Executor bean would make Boot back off from the applicationTaskExecutor the relay uses.
		this.scheduler = Executors.newScheduledThreadPool(1, threads);
	}

	@PostMapping(path = "/chat/completions", consumes = MediaType.APPLICATION_JSON_VALUE)
	Object chatCompletions(@RequestBody byte[] body) {
		DemoRequest request;
		try {
			request = DemoRequest.parse(json.readTree(body));
		}
		catch (DemoRequest.InvalidException ex) {
			return error(HttpStatus.BAD_REQUEST, ex.getMessage(), "invalid_request_error", ex.param(),
					"invalid_value");
		}
		catch (JacksonException ex) {
			return error(HttpStatus.BAD_REQUEST, "The body is not valid JSON.", "invalid_request_error", null,
					"invalid_json");
		}
		DemoScript script = DemoScript.forRequest(request);
		if (script.failure() == DemoScript.Failure.RATE_LIMIT) {
			// Every attempt gets it, so the client's retries give up and the user sees the error.
			return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
				.header("Retry-After", "1")
				.contentType(MediaType.APPLICATION_JSON)
				.body(DemoChunks.error(json, "Rate limit reached for the demo provider: the prompt contains "
						+ DemoScript.RATE_LIMIT_PHRASE + ".", "requests", "rate_limit_exceeded"));
		}
		DemoChunks chunks = new DemoChunks(json, "chatcmpl-demo-" + this.ids.incrementAndGet(), request.model());
		return request.stream() ? stream(request, script, chunks) : complete(request, script, chunks);
	}

	@GetMapping("/models")
	ObjectNode models() {
		ObjectNode body = json.createObjectNode().put("object", "list");
		body.putArray("data").addObject().put("id", MODEL).put("object", "model").put("owned_by", "echo-llm");
		return body;
	}

	private Object stream(DemoRequest request, DemoScript script, DemoChunks chunks) {
		if (this.active.incrementAndGet() > this.properties.maxStreams()) {
			this.active.decrementAndGet();
			return error(HttpStatus.SERVICE_UNAVAILABLE, "The demo provider serves at most "
					+ this.properties.maxStreams() + " streams at once.", "server_error", "overloaded");
		}
		Duration stall = (script.failure() == DemoScript.Failure.STALL) ? this.properties.stallTimeout() : null;
		return new DemoStream(chunks.stream(script, request.promptTokens(), request.choices()), stall, this.scheduler,
				this.properties.tokenDelay(), () -> this.cancellations.record(request.prompt()),
				this.active::decrementAndGet)
			.start();
	}

	private Object complete(DemoRequest request, DemoScript script, DemoChunks chunks) {
		return switch (script.failure()) {
			case MID_STREAM_ERROR -> error(HttpStatus.INTERNAL_SERVER_ERROR, "The demo provider failed: the prompt "
					+ "contains " + DemoScript.ERROR_PHRASE + ".", "server_error", "demo_error");
			case STALL -> stall();
			default -> ResponseEntity.ok()
				.contentType(MediaType.APPLICATION_JSON)
				.body(chunks.completion(script, request.promptTokens(), request.choices()));
		};
	}

	// No answer until the client's timeout gives up, or the stall timeout ends it with a 504.
	private DeferredResult<ResponseEntity<JsonNode>> stall() {
		DeferredResult<ResponseEntity<JsonNode>> result = new DeferredResult<>(
				this.properties.stallTimeout().toMillis());
		result.onTimeout(() -> result.setResult(error(HttpStatus.GATEWAY_TIMEOUT, "The demo provider stalled: the "
				+ "prompt contains " + DemoScript.STALL_PHRASE + ".", "server_error", "demo_stall")));
		return result;
	}

	private static ResponseEntity<JsonNode> error(HttpStatus status, String message, String type,
			@Nullable String code) {
		return error(status, message, type, null, code);
	}

	private static ResponseEntity<JsonNode> error(HttpStatus status, String message, String type,
			@Nullable String param, @Nullable String code) {
		return ResponseEntity.status(status)
			.contentType(MediaType.APPLICATION_JSON)
			.body(DemoChunks.error(json, message, type, param, code));
	}

	@Override
	public void destroy() {
		this.scheduler.shutdownNow();
	}

}
