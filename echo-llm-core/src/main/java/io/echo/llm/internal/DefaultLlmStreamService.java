package io.echo.llm.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;

import io.echo.llm.ChatCompletionStream;
import io.echo.llm.LlmCallListener;
import io.echo.llm.LlmCancellation;
import io.echo.llm.LlmCancelledException;
import io.echo.llm.LlmCallListener.Outcome;
import io.echo.llm.LlmClientSettings;
import io.echo.llm.LlmException;
import io.echo.llm.LlmInvalidResponseException;
import io.echo.llm.LlmStreamService;
import io.echo.llm.chat.ChatCompletionRequest;
import io.echo.llm.chat.ChatCompletionResponse;
import io.echo.llm.chat.ChatJson;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The {@link LlmStreamService} over Spring's {@link RestClient}: prepares the request, opens it through a
 * {@link RetryingCall} (the retry loop, until a response opens and, for a stream, until the first chunk is handed
 * out), checks what came back, then streams the body through {@link DefaultChatCompletionStream}. Not API.
 */
public final class DefaultLlmStreamService implements LlmStreamService {

	private static final Logger logger = LoggerFactory.getLogger(DefaultLlmStreamService.class);

	private static final MediaType EVENT_STREAM = MediaType.TEXT_EVENT_STREAM;

	private final LlmClientSettings settings;

	private final ChatTransport transport;

	private final String clientName;

	private final LlmCallListener listener;

	/** Host and port of the base URL, which a listener reports (never its user info or query). */
	private final @Nullable String serverAddress;

	private final int serverPort;

	/**
	 * Creates the service; use {@link LlmStreamService#builder()} instead.
	 * @param settings endpoint, key, timeouts and retry settings
	 * @param restClient builder to clone for the HTTP client, or {@code null} for one over the JDK
	 * {@code HttpClient}
	 * @param clientName name reported to the listener
	 * @param listener told about every call
	 */
	public DefaultLlmStreamService(LlmClientSettings settings, RestClient.@Nullable Builder restClient,
			String clientName, LlmCallListener listener) {
		this(settings, restClient, clientName, listener, TimeoutWatchdog.shared());
	}

	DefaultLlmStreamService(LlmClientSettings settings, RestClient.@Nullable Builder restClient, String clientName,
			LlmCallListener listener, TimeoutWatchdog watchdog) {
		this.settings = Objects.requireNonNull(settings, "settings");
		this.clientName = Objects.requireNonNull(clientName, "clientName");
		this.listener = Objects.requireNonNull(listener, "listener");
		this.transport = new ChatTransport(settings, restClient, watchdog);
		URI server = this.transport.uri();
		this.serverAddress = server.getHost();
		this.serverPort = serverPort(server);
	}

	private static int serverPort(URI server) {
		if (server.getPort() != -1) {
			return server.getPort();
		}
		return switch (String.valueOf(server.getScheme()).toLowerCase(Locale.ROOT)) {
			case "https" -> 443;
			case "http" -> 80;
			default -> -1;
		};
	}

	@Override
	public ChatCompletionStream stream(ChatCompletionRequest request) {
		return stream(request, null);
	}

	@Override
	public ChatCompletionStream stream(ChatCompletionRequest request, @Nullable LlmCancellation cancellation) {
		ChatCompletionRequest prepared = prepare(request, true);
		RetryingCall call = call(prepared, true, cancellation);
		ChatTransport.Opened opened = call.open(null, EVENT_STREAM);
		if (ResponseChecks.isJson(opened.headers())) {
			rejectJsonInsteadOfStream(opened, call.tracker());
		}
		LlmInvalidResponseException wrongType = ResponseChecks.notAnEventStream(opened.headers(),
				this.transport.uri(), this.transport.secrets()::mask);
		if (wrongType != null) {
			opened.exchange().close();
			call.tracker().end(Outcome.ERROR, wrongType);
			throw wrongType;
		}
		DefaultChatCompletionStream stream = new DefaultChatCompletionStream(opened, call, call.tracker(),
				this.transport, this.settings.maxEventBytes());
		call.opened(stream);
		return stream;
	}

	/**
	 * Some gateways answer an error (or ignore {@code "stream": true}) with a plain JSON body and status 200: say
	 * so, with the provider's message, rather than report a truncated stream. A whole completion is refused too
	 * (as okhttp-sse refuses any type but an event stream): the caller asked for a stream and would get it in one
	 * piece, after the first-chunk timeout meant for the first token.
	 */
	private void rejectJsonInsteadOfStream(ChatTransport.Opened opened, CallTracker tracker) {
		LlmException failure;
		try {
			readResponse(opened, tracker);
			failure = new LlmInvalidResponseException("The LLM provider at " + this.transport.uri()
					+ " answered a streaming request with Content-Type "
					+ this.transport.secrets().mask(String.valueOf(opened.headers().getContentType()))
					+ " (a whole completion) instead of text/event-stream", null);
		}
		catch (LlmException ex) {
			failure = ex;
		}
		finally {
			opened.exchange().close();
		}
		tracker.end((failure instanceof LlmCancelledException) ? Outcome.CANCELLED : Outcome.ERROR, failure);
		throw failure;
	}

	@Override
	public ChatCompletionResponse complete(ChatCompletionRequest request) {
		return complete(request, null);
	}

	@Override
	public ChatCompletionResponse complete(ChatCompletionRequest request, @Nullable LlmCancellation cancellation) {
		ChatCompletionRequest prepared = prepare(request, false);
		RetryingCall call = call(prepared, false, cancellation);
		ChatTransport.Opened opened = call.open(null, MediaType.APPLICATION_JSON);
		try {
			ChatCompletionResponse response = readResponse(opened, call.tracker());
			call.tracker().response(response);
			call.tracker().end(Outcome.SUCCESS, null);
			return response;
		}
		catch (LlmException ex) {
			call.tracker().end((ex instanceof LlmCancelledException) ? Outcome.CANCELLED : Outcome.ERROR, ex);
			throw ex;
		}
		finally {
			opened.exchange().close();
		}
	}

	private ChatCompletionRequest prepare(ChatCompletionRequest request, boolean stream) {
		Objects.requireNonNull(request, "request");
		ChatCompletionRequest prepared = request.withStream(stream);
		if (stream && request.streamOptions() == null && !this.settings.includeUsage()) {
			// withStream asked for usage on the caller's behalf; this server rejects stream_options or must not get them.
			prepared = prepared.toBuilder().streamOptions(null).build();
		}
		if (prepared.model() == null && this.settings.model() != null) {
			prepared = prepared.withModel(this.settings.model());
		}
		return prepared;
	}

	private ChatCompletionResponse readResponse(ChatTransport.Opened opened, CallTracker tracker) {
		// The headers count as the first chunk; from here the idle and overall deadlines guard the body.
		opened.exchange().chunkArrived();
		byte[] body = readBody(opened, tracker);
		JsonNode tree;
		try {
			tree = ChatJson.mapper().readTree(body);
		}
		catch (JacksonException ex) {
			throw new LlmInvalidResponseException("The LLM provider at " + this.transport.uri()
					+ " answered HTTP " + opened.status() + " with a body that is not JSON", ex);
		}
		JsonNode error = (tree != null) ? tree.get("error") : null;
		if (error != null && !error.isNull()) {
			// Gateways that answer errors with 200 quote the key as readily as the ones that use a 4xx status.
			throw ProviderErrors.apiException(opened.status(), tree.toString(), null, this.transport.secrets());
		}
		try {
			return ChatJson.mapper().treeToValue(tree, ChatCompletionResponse.class);
		}
		catch (JacksonException ex) {
			// Jackson quotes the value it could not bind, and that value may be a key the provider echoed.
			String reason = String.valueOf(ex.getOriginalMessage());
			String masked = this.transport.secrets().mask(reason);
			throw new LlmInvalidResponseException("The LLM provider at " + this.transport.uri()
					+ " answered with JSON that is not a chat completion: " + masked,
					masked.equals(reason) ? ex : null);
		}
	}

	private byte[] readBody(ChatTransport.Opened opened, CallTracker tracker) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		byte[] buffer = new byte[8192];
		try {
			int read;
			do {
				read = this.transport.read(opened, buffer);
				if (read > 0) {
					out.write(buffer, 0, read);
					// A whole response has no chunks: its bytes keep the idle deadline away.
					opened.exchange().chunkArrived();
				}
				if (out.size() > this.settings.maxEventBytes()) {
					throw new LlmInvalidResponseException("The LLM provider's response is larger than "
							+ this.settings.maxEventBytes() + " bytes (maxEventBytes)", null);
				}
			}
			while (read >= 0);
		}
		catch (IOException ex) {
			throw this.transport.failure(opened.exchange(), ex, tracker);
		}
		return out.toByteArray();
	}

	/** Starts one call: its listener is told now, and its request is written once for every attempt. */
	private RetryingCall call(ChatCompletionRequest request, boolean streaming,
			@Nullable LlmCancellation cancellation) {
		CallTracker tracker = CallTracker.start(this.listener, new LlmCallListener.CallInfo(this.clientName,
				request.model(), streaming, this.serverAddress, this.serverPort));
		if (logger.isDebugEnabled()) {
			logger.debug("{} chat completion: client={}, model={}, messages={}", streaming ? "Streaming" : "Requesting",
					this.clientName, request.model(), request.messages().size());
		}
		byte[] body;
		try {
			body = ChatJson.mapper().writeValueAsBytes(request);
		}
		catch (JacksonException ex) {
			LlmException failure = new LlmException("Could not write the request as JSON: " + ex.getOriginalMessage(),
					ex);
			tracker.end(Outcome.ERROR, failure);
			throw failure;
		}
		return new RetryingCall(this.transport, this.settings, tracker, body, cancellation);
	}

}
