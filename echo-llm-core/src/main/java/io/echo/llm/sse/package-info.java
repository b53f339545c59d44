/**
 * Spec-exact {@code text/event-stream} parsing (WHATWG HTML "interpreting an event stream"). Depends on the JDK only.
 */
package io.echo.llm.sse;
