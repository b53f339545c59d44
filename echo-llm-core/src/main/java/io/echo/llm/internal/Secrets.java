package io.echo.llm.internal;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.echo.llm.LlmClientSettings;
import org.jspecify.annotations.Nullable;

/**
 * The credentials one service sends (its API key and its header values) and the masking of them in text that came
 * from the provider. Some providers quote the credential they were sent ("Incorrect API key provided: sk-..."), in
 * full, in part or with JSON's unicode escapes for every character; that text ends up in exception messages, events
 * to clients, logs and observations. So every provider-sourced string is masked after it was decoded: the whole
 * secret, and any piece of it of {@value #MIN_PIECE} characters or more, becomes {@value #MASK}. Not API: public for
 * the starter, whose actuator masking follows the same rule.
 */
public final class Secrets {

	/** What a secret, or a piece of one, is replaced by. */
	static final String MASK = "******";

	/** Masks nothing: for a service without credentials, and for callers that have no service. */
	static final Secrets NONE = new Secrets(List.of());

	// Shorter pieces ("sk-", a version, "true") are common text: masking them would garble the provider's words
	// without hiding anything that could be used.
	private static final int MIN_PIECE = 8;

	/** Every run of {@value #MIN_PIECE} characters found in a secret. */
	private final Set<String> pieces;

	private Secrets(Collection<String> secrets) {
		Set<String> pieces = new HashSet<>();
		for (String secret : secrets) {
			for (int start = 0; start + MIN_PIECE <= secret.length(); start++) {
				pieces.add(secret.substring(start, start + MIN_PIECE));
			}
		}
		this.pieces = Set.copyOf(pieces);
	}

	/**
	 * The given secrets; those shorter than {@value #MIN_PIECE} characters are not masked.
	 * @param secrets the secrets
	 * @return what masks them
	 */
	public static Secrets of(Collection<String> secrets) {
		return new Secrets(secrets);
	}

	/** The API key and every header value of the settings (headers often carry keys: Azure's {@code api-key}). */
	static Secrets of(LlmClientSettings settings) {
		List<String> secrets = new ArrayList<>(settings.headers().values());
		if (settings.apiKey() != null) {
			secrets.add(settings.apiKey());
		}
		// A base URL may carry a credential too (user:key@host, ?api-key=...), and HTTP clients quote the URL.
		try {
			URI base = URI.create(settings.baseUrl());
			if (base.getRawUserInfo() != null) {
				secrets.add(base.getRawUserInfo());
			}
			if (base.getRawQuery() != null) {
				for (String parameter : base.getRawQuery().split("&")) {
					secrets.add(parameter.substring(parameter.indexOf('=') + 1));
				}
			}
		}
		catch (IllegalArgumentException ex) {
			// Not a URI: the transport refuses it, and there is nothing of it to mask.
		}
		return new Secrets(secrets);
	}

	/**
	 * Masks a decoded string: every run of characters made of overlapping {@value #MIN_PIECE}-character pieces of a
	 * secret (the secret itself, or any cut of it that long) becomes {@value #MASK}.
	 * @param text decoded text
	 * @return the text, masked
	 */
	public String mask(String text) {
		if (this.pieces.isEmpty() || text.length() < MIN_PIECE) {
			return text;
		}
		boolean[] covered = null;
		for (int start = 0; start + MIN_PIECE <= text.length(); start++) {
			if (this.pieces.contains(text.substring(start, start + MIN_PIECE))) {
				if (covered == null) {
					covered = new boolean[text.length()];
				}
				for (int i = start; i < start + MIN_PIECE; i++) {
					covered[i] = true;
				}
			}
		}
		if (covered == null) {
			return text;
		}
		StringBuilder masked = new StringBuilder(text.length());
		for (int i = 0; i < text.length(); i++) {
			if (!covered[i]) {
				masked.append(text.charAt(i));
			}
			else if (i == 0 || !covered[i - 1]) {
				masked.append(MASK);
			}
		}
		return masked.toString();
	}

	/** Masks a string that may be absent. */
	@Nullable String maskNullable(@Nullable String text) {
		return (text != null) ? mask(text) : null;
	}

	/**
	 * Masks raw provider data that may not be valid JSON (a body cut short, an event that is not a chunk): its JSON
	 * escapes are decoded first, so that a secret spelt with unicode escapes is masked too.
	 * @param raw text that may hold JSON escapes
	 * @return the same text when it holds no secret, else the text with its escapes decoded, masked
	 */
	public String maskRaw(String raw) {
		String decoded = unescapeJson(raw);
		String masked = mask(decoded);
		return masked.equals(decoded) ? raw : masked;
	}

	/** Decodes the escapes a JSON string may hold; anything that is not a valid escape stays as it is. */
	static String unescapeJson(String text) {
		if (text.indexOf('\\') < 0) {
			return text;
		}
		StringBuilder out = new StringBuilder(text.length());
		int i = 0;
		while (i < text.length()) {
			char c = text.charAt(i);
			if (c != '\\' || i + 1 >= text.length()) {
				out.append(c);
				i++;
				continue;
			}
			char next = text.charAt(i + 1);
			int consumed = 2;
			switch (next) {
				case '"', '\\', '/' -> out.append(next);
				case 'b' -> out.append('\b');
				case 'f' -> out.append('\f');
				case 'n' -> out.append('\n');
				case 'r' -> out.append('\r');
				case 't' -> out.append('\t');
				case 'u' -> {
					int code = (i + 6 <= text.length()) ? hex(text, i + 2) : -1;
					if (code >= 0) {
						out.append((char) code);
						consumed = 6;
					}
					else {
						out.append(c).append(next);
					}
				}
				default -> out.append(c).append(next);
			}
			i += consumed;
		}
		return out.toString();
	}

	private static int hex(String text, int start) {
		int value = 0;
		for (int i = start; i < start + 4; i++) {
			int digit = Character.digit(text.charAt(i), 16);
			if (digit < 0) {
				return -1;
			}
			value = value * 16 + digit;
		}
		return value;
	}

	@Override
	public String toString() {
		return "Secrets[" + this.pieces.size() + " pieces]";
	}

}
