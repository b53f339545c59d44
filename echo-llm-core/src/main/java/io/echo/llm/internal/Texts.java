package io.echo.llm.internal;

import java.util.regex.Pattern;

/** Shortening of provider text for logs and exception messages. */
final class Texts {

	/** What follows the kept part of a shortened text. */
	static final String CUT_MARK = "... (";

	private static final Pattern LINE_BREAKS = Pattern.compile("\\s*[\\r\\n]+\\s*");

	private Texts() {
	}

	/** First {@code max} characters of {@code text} on one line, with a note of how much was cut. */
	static String abbreviate(String text, int max) {
		String oneLine = LINE_BREAKS.matcher(text.strip()).replaceAll(" ");
		if (oneLine.length() <= max) {
			return oneLine;
		}
		return oneLine.substring(0, max) + CUT_MARK + (oneLine.length() - max) + " more characters)";
	}

}
