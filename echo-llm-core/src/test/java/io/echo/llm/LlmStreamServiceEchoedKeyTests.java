package io.echo.llm;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.chat.ChatJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import static io.echo.llm.TestStreams.chunkEvent;
import static io.echo.llm.TestStreams.finishEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A hostile provider echoes the API key (or a header value) back in every field of its errors, raw and with JSON's
 * unicode escapes, in an error status body and inside a 200 stream, and in data the engine skips. No piece of it of
 * 8 characters or more reaches the exception, the chunks handed out or a log line of the engine at TRACE.
 */
@Timeout(20)
class LlmStreamServiceEchoedKeyTests extends RawServerSupport {

	static final String KEY = "sk-proj-Zx81QpLm4NvT7rW2yK9bC3dF";

	static final String HEADER_SECRET = "azure-Hq3Vt9LmP2wX7cR4";

	private static final Pattern UNICODE_ESCAPE = Pattern.compile("\\\\u([0-9a-fA-F]{4})");

	private final Logger logger = (Logger) LoggerFactory.getLogger("io.echo.llm");

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private Level previousLevel;

	@BeforeEach
	void captureLogs() {
		this.appender.start();
		this.previousLevel = this.logger.getLevel();
		this.logger.setLevel(Level.TRACE);
		this.logger.addAppender(this.appender);
	}

	@AfterEach
	void restoreLogs() {
		this.logger.detachAppender(this.appender);
		this.logger.setLevel(this.previousLevel);
	}

	static Stream<Arguments> echoes() {
		List<Arguments> cases = new ArrayList<>();
		for (String field : List.of("code", "message", "type", "param")) {
			for (boolean escaped : List.of(false, true)) {
				cases.add(Arguments.of(field, escaped));
			}
		}
		return cases.stream();
	}

	@ParameterizedTest(name = "{0}, escaped={1}")
	@MethodSource("echoes")
	void errorStatusBodyThatEchoesTheKey(String field, boolean escaped) throws Exception {
		String body = errorBody(field, escaped ? escape(KEY) : KEY);
		this.server = new RawHttpServer((exchange) -> exchange.raw("HTTP/1.1 401 Unauthorized\r\n"
				+ "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body));
		LlmApiException failure = catchThrowableOfType(LlmApiException.class, () -> consume(service()));
		assertThat(failure.status()).isEqualTo(401);
		assertNoSecret(failure);
		assertLogsClean();
	}

	@ParameterizedTest(name = "{0}, escaped={1}")
	@MethodSource("echoes")
	void errorEventInStreamThatEchoesTheKey(String field, boolean escaped) throws Exception {
		String data = errorBody(field, escaped ? escape(KEY) : KEY);
		this.server = new RawHttpServer((exchange) -> exchange.sseHeaders()
			.chunk(chunkEvent("c1", "Hi"))
			.chunk("event: error\ndata: " + data + "\n\n")
			.endBody());
		List<ChatCompletionChunk> chunks = new ArrayList<>();
		LlmStreamErrorException failure = catchThrowableOfType(LlmStreamErrorException.class,
				() -> consume(service(), chunks));
		assertThat(chunks).hasSize(1);
		assertNoSecret(failure);
		assertLogsClean();
	}

	@ParameterizedTest(name = "{0}, escaped={1}")
	@MethodSource("echoes")
	void errorDataInStreamThatEchoesTheKey(String field, boolean escaped) throws Exception {
		String data = errorBody(field, escaped ? escape(KEY) : KEY);
		this.server = new RawHttpServer((exchange) -> exchange.sseHeaders()
			.chunk(chunkEvent("c1", "Hi"))
			.chunk("data: " + data + "\n\n")
			.endBody());
		LlmStreamErrorException failure = catchThrowableOfType(LlmStreamErrorException.class,
				() -> consume(service()));
		assertNoSecret(failure);
		assertLogsClean();
	}

	@ParameterizedTest(name = "{0}, escaped={1}")
	@MethodSource("echoes")
	void chunkWithChoicesAndAnErrorThatEchoesTheKey(String field, boolean escaped) throws Exception {
		String error = errorObject(field, escaped ? escape(KEY) : KEY);
		this.server = new RawHttpServer((exchange) -> exchange.sseHeaders()
			.chunk("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
					+ "\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}],\"error\":" + error + "}\n\n")
			.endBody());
		List<ChatCompletionChunk> chunks = new ArrayList<>();
		LlmStreamErrorException failure = catchThrowableOfType(LlmStreamErrorException.class,
				() -> consume(service(), chunks));
		assertThat(chunks).hasSize(1);
		// A relay writes the chunk back out as it was read: the error it carried must not ride along.
		assertNoSecret(ChatJson.mapper().writeValueAsString(chunks.get(0)));
		assertNoSecret(failure);
		assertLogsClean();
	}

	@ParameterizedTest(name = "escaped={0}")
	@MethodSource("spellings")
	void skippedDataThatEchoesTheKey(boolean escaped) throws Exception {
		String key = escaped ? escape(KEY) : KEY;
		this.server = new RawHttpServer((exchange) -> exchange.sseHeaders()
			.chunk("data: {\"note\":\"the key is " + key + "\"}\n\n")
			.chunk("data: {\"note\":\"the header is " + escape(HEADER_SECRET) + "\"}\n\n")
			.chunk(chunkEvent("c1", "Hi"))
			.chunk(finishEvent("c1"))
			.chunk("data: [DONE]\n\n")
			.endBody());
		List<ChatCompletionChunk> chunks = new ArrayList<>();
		consume(service().header("api-key", HEADER_SECRET), chunks);
		assertThat(chunks).hasSize(2);
		assertThat(this.appender.list).map(ILoggingEvent::getFormattedMessage)
			.anySatisfy((line) -> assertThat(line).startsWith("Skipped event data: "));
		assertLogsClean();
	}

	@ParameterizedTest(name = "escaped={0}")
	@MethodSource("spellings")
	void undecodableDataThatEchoesTheKey(boolean escaped) throws Exception {
		// Data that is not JSON ends the stream; Jackson's message quotes it, so the exception must be masked.
		String key = escaped ? escape(KEY) : KEY;
		this.server = new RawHttpServer((exchange) -> exchange.sseHeaders()
			.chunk(chunkEvent("c1", "Hi"))
			.chunk("data: not json, but the key " + key + "\n\n")
			.endBody());
		List<ChatCompletionChunk> chunks = new ArrayList<>();
		LlmInvalidResponseException failure = catchThrowableOfType(LlmInvalidResponseException.class,
				() -> consume(service(), chunks));
		assertThat(chunks).hasSize(1);
		assertThat(failure).hasMessageContaining("could not be decoded");
		assertNoSecret(failure);
		assertLogsClean();
	}

	@Test
	void keyInTheBaseUrlIsSentButNeverNamed() throws Exception {
		// User info and a query may hold credentials: the request keeps them, messages and toString() do not.
		this.server = new RawHttpServer((exchange) -> exchange.raw("HTTP/1.1 500 Internal Server Error\r\n"
				+ "Content-Type: text/plain\r\nContent-Length: 4\r\n\r\noops"));
		String baseUrl = this.server.baseUrl() + "?api-key=" + KEY;
		LlmApiException failure = catchThrowableOfType(LlmApiException.class,
				() -> consume(TestStreams.client(baseUrl).maxAttempts(1)));
		assertThat(this.server.requests()).singleElement()
			.satisfies((request) -> assertThat(request).startsWith("POST /v1/chat/completions?api-key=" + KEY + " "));
		assertNoSecret(failure);
		// Apache refuses user info in a request URI; whichever client, the failure does not name it.
		String withUserInfo = this.server.baseUrl().replace("http://", "http://user:" + KEY + "@");
		assertNoSecret(catchThrowableOfType(LlmException.class,
				() -> consume(TestStreams.client(withUserInfo).maxAttempts(1))));
		assertThat(new LlmClientSettings(withUserInfo + "?api-key=" + KEY, null, null, java.util.Map.of(), java.time.Duration.ZERO,
				java.time.Duration.ZERO, java.time.Duration.ZERO, java.time.Duration.ZERO, 1, java.time.Duration.ZERO,
				java.time.Duration.ZERO, java.time.Duration.ZERO, 1024).toString()).doesNotContain(KEY);
		assertLogsClean();
	}

	static Stream<Boolean> spellings() {
		return Stream.of(false, true);
	}

	@Test
	void keyCutByTheShorteningOfALongMessageIsMaskedWhole() throws Exception {
		// The message is shortened to 300 characters; the key straddles the cut.
		String message = "x".repeat(290) + " " + escape(KEY);
		String body = "{\"error\":{\"message\":\"" + message + "\",\"type\":\"invalid_request_error\"}}";
		this.server = new RawHttpServer((exchange) -> exchange.raw("HTTP/1.1 401 Unauthorized\r\n"
				+ "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body));
		LlmApiException failure = catchThrowableOfType(LlmApiException.class, () -> consume(service()));
		assertNoSecret(failure);
		assertLogsClean();
	}

	@Test
	void keyTheProviderShowsInPartIsMasked() throws Exception {
		// OpenAI's own style: the first characters and the last four of the key it was sent.
		String partial = KEY.substring(0, 12) + "****************" + KEY.substring(KEY.length() - 4);
		String body = errorBody("message", partial);
		this.server = new RawHttpServer((exchange) -> exchange.raw("HTTP/1.1 401 Unauthorized\r\n"
				+ "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body));
		LlmApiException failure = catchThrowableOfType(LlmApiException.class, () -> consume(service()));
		assertNoSecret(failure);
		assertThat(failure.providerMessage()).contains("Incorrect API key provided: ******");
		assertLogsClean();
	}

	@Test
	void headerValueEchoedEscapedInAnErrorBodyIsMasked() throws Exception {
		String body = errorBody("message", escape(HEADER_SECRET));
		this.server = new RawHttpServer((exchange) -> exchange.raw("HTTP/1.1 403 Forbidden\r\n"
				+ "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body));
		LlmApiException failure = catchThrowableOfType(LlmApiException.class,
				() -> consume(service().header("api-key", HEADER_SECRET)));
		assertNoSecret(failure);
		assertLogsClean();
	}

	@Test
	void errorBodyOfACompletionWithStatus200ThatEchoesTheKeyEscaped() throws Exception {
		String body = errorBody("code", escape(KEY));
		this.server = new RawHttpServer((exchange) -> exchange.raw("HTTP/1.1 200 OK\r\n"
				+ "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body));
		LlmApiException failure = catchThrowableOfType(LlmApiException.class,
				() -> service().build().complete(TestStreams.hello()));
		assertNoSecret(failure);
		assertLogsClean();
	}

	static Stream<Arguments> malformedResponses() {
		return Stream.of(Arguments.of("header line", "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nBearer "
				+ KEY + "\r\n\r\n"),
				Arguments.of("status line", "HTTP/1.1 2xx " + KEY + "\r\n\r\n"),
				Arguments.of("content type", "HTTP/1.1 200 OK\r\nContent-Type: text/html; token=" + KEY
						+ "\r\nContent-Length: 2\r\n\r\nhi"),
				Arguments.of("content encoding", "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
						+ "Content-Encoding: " + KEY + "\r\nContent-Length: 2\r\n\r\nhi"),
				Arguments.of("chunk header", "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
						+ "Transfer-Encoding: chunked\r\n\r\n" + KEY + "\r\n"));
	}

	// The HTTP client's own exceptions quote the malformed line they choke on, and the engine quoted them in turn.
	@ParameterizedTest(name = "{0}")
	@MethodSource("malformedResponses")
	void malformedResponseThatEchoesTheKey(String where, String response) throws Exception {
		this.server = new RawHttpServer((exchange) -> exchange.raw(response));
		LlmException failure = catchThrowableOfType(LlmException.class, () -> consume(service()));
		assertNoSecret(failure);
		assertLogsClean();
	}

	/** A service with the key, against the hostile server, that tries once (a retry would only repeat the case). */
	private LlmStreamService.Builder service() {
		return TestStreams.client(this.server.baseUrl()).apiKey(KEY).maxAttempts(1);
	}

	private void consume(LlmStreamService.Builder service) {
		consume(service, new ArrayList<>());
	}

	private void consume(LlmStreamService.Builder service, List<ChatCompletionChunk> into) {
		try (ChatCompletionStream stream = service.build().stream(TestStreams.hello())) {
			for (ChatCompletionChunk chunk : stream) {
				into.add(chunk);
			}
		}
	}

	/** OpenAI's error shape, the given field holding the (perhaps escaped) secret and the others plain values. */
	static String errorBody(String field, String secret) {
		return "{\"error\":" + errorObject(field, secret) + "}";
	}

	static String errorObject(String field, String secret) {
		String message = field.equals("message") ? "Incorrect API key provided: " + secret + "." : "Bad key";
		String type = field.equals("type") ? secret : "invalid_request_error";
		String param = field.equals("param") ? secret : "key";
		String code = field.equals("code") ? secret : "invalid_api_key";
		return "{\"message\":\"" + message + "\",\"type\":\"" + type + "\",\"param\":\"" + param + "\",\"code\":\""
				+ code + "\"}";
	}

	/** The text with every character written as a JSON unicode escape. */
	static String escape(String text) {
		StringBuilder escaped = new StringBuilder();
		text.chars().forEach((c) -> escaped.append(String.format("\\u%04x", c)));
		return escaped.toString();
	}

	private void assertNoSecret(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			assertNoSecret(cause.getMessage());
			assertNoSecret(cause.toString());
		}
		if (failure instanceof LlmException llm) {
			assertNoSecret(llm.code());
		}
		if (failure instanceof LlmApiException api) {
			assertNoSecret(api.providerMessage());
		}
		if (failure instanceof LlmStreamErrorException stream) {
			assertNoSecret(stream.providerMessage());
		}
	}

	private void assertLogsClean() {
		assertThat(this.appender.list).isNotEmpty();
		for (ILoggingEvent event : this.appender.list) {
			assertNoSecret(event.getFormattedMessage());
			for (IThrowableProxy proxy = event.getThrowableProxy(); proxy != null; proxy = proxy.getCause()) {
				assertNoSecret(proxy.getMessage());
			}
		}
	}

	/** At most the last four characters of a secret may show: no run of 8 of its characters, decoded or not. */
	static void assertNoSecret(String text) {
		if (text == null) {
			return;
		}
		String decoded = unescape(text);
		for (String secret : List.of(KEY, HEADER_SECRET)) {
			for (int start = 0; start + 8 <= secret.length(); start++) {
				assertThat(decoded).as("a piece of a secret").doesNotContain(secret.substring(start, start + 8));
			}
		}
	}

	private static String unescape(String text) {
		Matcher matcher = UNICODE_ESCAPE.matcher(text);
		StringBuilder out = new StringBuilder();
		while (matcher.find()) {
			matcher.appendReplacement(out,
					Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(matcher.group(1), 16))));
		}
		matcher.appendTail(out);
		return out.toString();
	}

}
