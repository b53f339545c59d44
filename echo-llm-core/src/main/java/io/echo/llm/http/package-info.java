/**
 * Public set-up of the HTTP clients the engine streams over, for users who build their client themselves:
 * {@link io.echo.llm.http.ApacheHttpClients}. The set-up itself lives in {@code internal} (next to the abort registry
 * its hook feeds); this package only delegates, so it depends on {@code internal} and never the other way round.
 */
@NullMarked
package io.echo.llm.http;

import org.jspecify.annotations.NullMarked;
