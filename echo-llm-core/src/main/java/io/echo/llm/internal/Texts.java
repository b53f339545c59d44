package io.echo.llm.internal;

/** Shortening of provider text for logs and exception messages. */
final class Texts {

	private Texts() {
	}

	/** First {@code max} characters of {@code text} on one line, with a note of how much was cut. */
	static String abbreviate(String text, int max) {
		String oneLine = text.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
		if (oneLine.length() <= max) {
			return oneLine;
		}
		return oneLine.substring(0, max) + "... (" + (oneLine.length() - max) + " more characters)";
	}

}
