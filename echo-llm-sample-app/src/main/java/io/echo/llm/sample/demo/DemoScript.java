package io.echo.llm.sample.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * What the demo provider answers to one prompt, worked out before a byte is sent so that it can be tested without
 * HTTP: reasoning pieces, content tokens, an optional tool call and an optional failure.
 *
 * @param reasoning reasoning deltas ({@code reasoning_content}), in order
 * @param content content deltas, in order; a failing script holds only what is sent before the failure
 * @param toolCall tool call streamed after the content, or {@code null}
 * @param failure how the answer fails, {@link Failure#NONE} when it does not
 */
record DemoScript(List<String> reasoning, List<String> content, @Nullable ToolCall toolCall, Failure failure) {

	/** Phrase that makes the demo provider answer HTTP 429 (every attempt, so the retries give up). */
	static final String RATE_LIMIT_PHRASE = "demo:429";

	/** Phrase that makes the demo provider send an {@code error} event after a few tokens. */
	static final String ERROR_PHRASE = "demo:error";

	/** Phrase that makes the demo provider stop sending after a few tokens, so the idle timeout fires. */
	static final String STALL_PHRASE = "demo:stall";

	/** Content tokens sent before a mid-stream error or a stall. */
	static final int TOKENS_BEFORE_FAILURE = 8;

	private static final Pattern TOKEN = Pattern.compile("\\s*\\S+");

	private static final Pattern TIME = Pattern.compile("\\b(time|clock|date)\\b", Pattern.CASE_INSENSITIVE);

	private static final Pattern WEATHER = Pattern.compile("\\b(weather|forecast|temperature)\\b",
			Pattern.CASE_INSENSITIVE);

	private static final Pattern CITY = Pattern.compile("\\b(?:in|for|at)\\s+([A-Z][\\p{L}-]+(?:\\s[A-Z][\\p{L}-]+)?)");

	private static final int QUOTE_LENGTH = 80;

	/** How a scripted answer fails. */
	enum Failure {

		/** It does not. */
		NONE,

		/** HTTP 429 before any byte of the stream. */
		RATE_LIMIT,

		/** An {@code error} event after {@link #TOKENS_BEFORE_FAILURE} tokens. */
		MID_STREAM_ERROR,

		/** Silence after {@link #TOKENS_BEFORE_FAILURE} tokens, with the connection held open. */
		STALL

	}

	/**
	 * A function call the model asks for.
	 * @param id call id, as OpenAI's {@code call_...}
	 * @param name function name
	 * @param argumentPieces the JSON arguments in the pieces they are streamed in
	 */
	record ToolCall(String id, String name, List<String> argumentPieces) {

		String arguments() {
			return String.join("", this.argumentPieces);
		}

	}

	/** Scripts the answer to the last user message {@code prompt}, as to a request that offers no tools. */
	static DemoScript forPrompt(String prompt) {
		return forRequest(prompt, List.of(), (name) -> true);
	}

	/** Scripts the answer to a request: a text answer after tool results, else what {@link #forPrompt} says. */
	static DemoScript forRequest(DemoRequest request) {
		return forRequest(request.prompt(), request.toolResults(), request::mayCall);
	}

	private static DemoScript forRequest(String prompt, List<DemoRequest.ToolResult> toolResults,
			Predicate<String> mayCall) {
		String lower = prompt.toLowerCase(Locale.ROOT);
		String quote = quote(prompt);
		if (lower.contains(RATE_LIMIT_PHRASE)) {
			return new DemoScript(List.of(), List.of(), null, Failure.RATE_LIMIT);
		}
		// After a tool result a model answers with it instead of calling the tool again: that ends an agent loop.
		ToolCall toolCall = toolResults.isEmpty() ? toolCallFor(prompt) : null;
		if (toolCall != null && mayCall.test(toolCall.name())) {
			return new DemoScript(tokens(toolReasoning(quote, toolCall)), List.of(), toolCall, Failure.NONE);
		}
		List<String> reasoning = tokens(toolResults.isEmpty() ? reasoning(quote) : resultReasoning(quote, toolResults));
		List<String> content = tokens(toolResults.isEmpty() ? answer(quote) : resultAnswer(toolResults));
		if (lower.contains(ERROR_PHRASE)) {
			return new DemoScript(reasoning, failing(content), null, Failure.MID_STREAM_ERROR);
		}
		if (lower.contains(STALL_PHRASE)) {
			return new DemoScript(reasoning, failing(content), null, Failure.STALL);
		}
		return new DemoScript(reasoning, content, null, Failure.NONE);
	}

	private static List<String> failing(List<String> content) {
		return content.subList(0, Math.min(TOKENS_BEFORE_FAILURE, content.size()));
	}

	/** Tokens the answer is billed for: every reasoning and content delta and every argument piece. */
	int completionTokens() {
		int toolTokens = (this.toolCall != null) ? this.toolCall.argumentPieces().size() + 1 : 0;
		return this.reasoning.size() + this.content.size() + toolTokens;
	}

	String reasoningText() {
		return String.join("", this.reasoning);
	}

	String contentText() {
		return String.join("", this.content);
	}

	/** Splits text into word tokens that keep their leading white space, so joining them gives the text back. */
	static List<String> tokens(String text) {
		List<String> tokens = new ArrayList<>();
		Matcher matcher = TOKEN.matcher(text);
		while (matcher.find()) {
			tokens.add(matcher.group());
		}
		return List.copyOf(tokens);
	}

	/** Rough token count of a prompt, for the usage chunk. */
	static int countTokens(String text) {
		return tokens(text).size();
	}

	private static @Nullable ToolCall toolCallFor(String prompt) {
		if (WEATHER.matcher(prompt).find()) {
			Matcher city = CITY.matcher(prompt);
			String location = city.find() ? city.group(1) : "Berlin";
			return new ToolCall("call_demo_weather", "get_weather",
					List.of("{\"location\"", ": \"" + location.replace("\"", "") + "\"", ", \"unit\"", ": \"celsius\"}"));
		}
		if (TIME.matcher(prompt).find()) {
			return new ToolCall("call_demo_time", "get_current_time", List.of("{\"timezone\"", ": \"UTC\"}"));
		}
		return null;
	}

	private static String quote(String prompt) {
		String flat = prompt.strip().replaceAll("\\s+", " ");
		return (flat.length() <= QUOTE_LENGTH) ? flat : flat.substring(0, QUOTE_LENGTH - 1) + "…";
	}

	private static String reasoning(String quote) {
		return "The user wrote \"" + quote + "\". I am the demo provider, so I have no model to ask; the useful "
				+ "thing is to explain what they are looking at: a stream of small deltas, each sent as its own "
				+ "server-sent event. Keep it short and mention the phrases that show the error handling.";
	}

	private static String toolReasoning(String quote, ToolCall toolCall) {
		return "The user wrote \"" + quote + "\". That needs live data I do not have, so I should call the "
				+ toolCall.name() + " tool and let the application answer with its result.";
	}

	private static String resultReasoning(String quote, List<DemoRequest.ToolResult> results) {
		return "The user wrote \"" + quote + "\" and the application ran " + names(results) + " for me. I can "
				+ "answer from " + ((results.size() == 1) ? "its result" : "their results") + " now, without "
				+ "calling a tool again.";
	}

	private static String resultAnswer(List<DemoRequest.ToolResult> results) {
		StringBuilder answer = new StringBuilder();
		for (DemoRequest.ToolResult result : results) {
			answer.append("The ").append(result.name()).append(" tool answered: ")
				.append(result.content().isBlank() ? "nothing" : quote(result.content()))
				.append(". ");
		}
		return answer.append("That is what I know: I am the demo provider, so I pass the result on as it came. A "
				+ "real model would put it in its own words.").toString();
	}

	private static String names(List<DemoRequest.ToolResult> results) {
		return String.join(" and ", results.stream().map(DemoRequest.ToolResult::name).distinct().toList());
	}

	private static String answer(String quote) {
		return "You said: \"" + quote + "\". I am the echo-llm demo provider, a scripted OpenAI-compatible endpoint "
				+ "running inside this app, so everything here works offline. Each word you are reading arrived as "
				+ "its own server-sent event: the demo provider streamed it, the echo-llm engine parsed it, and "
				+ "LlmSseRelay forwarded it to this page as a token event. Ask for the time or the weather to see a "
				+ "tool call, or put demo:429, demo:error or demo:stall in a prompt to watch the error handling. Set "
				+ "ECHO_LLM_BASE_URL, ECHO_LLM_API_KEY and ECHO_LLM_MODEL to talk to a real model instead.";
	}

}
