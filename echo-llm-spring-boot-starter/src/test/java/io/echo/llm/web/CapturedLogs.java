package io.echo.llm.web;

import java.util.List;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

/**
 * The events a logger (and the loggers under it) logs from now until {@link #close()}. Attach it after an application
 * starts: Boot's logging system resets the appenders when an application starts.
 */
final class CapturedLogs implements AutoCloseable {

	private final Logger logger;

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private CapturedLogs(Logger logger) {
		this.logger = logger;
		this.appender.start();
		logger.addAppender(this.appender);
	}

	/** Everything logged, by any logger. */
	static CapturedLogs all() {
		return new CapturedLogs((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME));
	}

	/** What the logger of this class logs. */
	static CapturedLogs of(Class<?> type) {
		return new CapturedLogs((Logger) LoggerFactory.getLogger(type));
	}

	/** The events so far, live: the list grows as events come. */
	List<ILoggingEvent> events() {
		return this.appender.list;
	}

	void clear() {
		this.appender.list.clear();
	}

	@Override
	public void close() {
		this.logger.detachAppender(this.appender);
	}

}
