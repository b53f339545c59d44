/**
 * The {@link io.echo.llm.web.resume.LlmStreamStore} for several instances:
 * {@link io.echo.llm.web.resume.redis.RedisLlmStreamStore}, on Redis streams and pub/sub through Spring Data Redis,
 * which only this package needs.
 */
@NullMarked
package io.echo.llm.web.resume.redis;

import org.jspecify.annotations.NullMarked;
