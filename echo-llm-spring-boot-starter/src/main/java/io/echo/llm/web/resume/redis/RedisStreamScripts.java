package io.echo.llm.web.resume.redis;

import org.springframework.data.redis.core.script.RedisScript;

/**
 * The Lua scripts of {@link RedisLlmStreamStore}, one per operation that must be atomic on the server: appending,
 * trimming and refreshing the expiry in one step means the writer never waits for a follower and never leaves a
 * half-written event. {@code KEYS[1]} is always the stream's hash of counters and flags; the other keys share its hash
 * tag, so the scripts run on Redis Cluster too.
 */
final class RedisStreamScripts {

	private RedisStreamScripts() {
	}

	static final RedisScript<Long> CREATE = RedisScript.of("""
			redis.call('HSET', KEYS[1], 'seq', 0, 'bytes', 0)
			redis.call('PEXPIRE', KEYS[1], ARGV[1])
			redis.call('SET', KEYS[2], 1, 'PX', ARGV[2])
			return 1
			""", Long.class);

	static final RedisScript<Long> APPEND = RedisScript.of("""
			if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
			if redis.call('HEXISTS', KEYS[1], 'fin') == 1 then return -2 end
			local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
			local id = seq .. '-0'
			redis.call('XADD', KEYS[2], id, 'e', ARGV[1], 'd', ARGV[2])
			local bytes = redis.call('HINCRBY', KEYS[1], 'bytes', string.len(ARGV[1]) + string.len(ARGV[2]))
			local max = tonumber(ARGV[3])
			while bytes > max do
			  local first = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', 1)[1]
			  if first[1] == id then break end
			  local f = first[2]
			  bytes = redis.call('HINCRBY', KEYS[1], 'bytes', -(string.len(f[2]) + string.len(f[4])))
			  redis.call('XDEL', KEYS[2], first[1])
			end
			redis.call('PEXPIRE', KEYS[1], ARGV[4])
			redis.call('PEXPIRE', KEYS[2], ARGV[4])
			redis.call('SET', KEYS[3], 1, 'PX', ARGV[5])
			return seq
			""", Long.class);

	// A writer's batch: ARGV[1] the number of its first event, [2] max bytes, [3] the live expiry and [4] the writer
	// lease when they are due for renewal (else ''), [5] the retention when the stream ends after these events (else
	// ''), then event names and data alternating. -1: gone; -2: finished; -3: the first number does not follow the
	// last stored one (another writer); else the last number. Trims once per batch: the same events survive as when
	// trimming after each one. A one-event batch is an HMGET, an XADD and an HSET: the expiries are renewed only
	// every so often, as they last far longer than that.
	static final RedisScript<Long> APPEND_BATCH = RedisScript.of("""
			local meta = redis.call('HMGET', KEYS[1], 'seq', 'fin', 'bytes')
			if not meta[1] then return -1 end
			if meta[2] then return -2 end
			local seq = tonumber(meta[1])
			if seq + 1 ~= tonumber(ARGV[1]) then return -3 end
			local bytes = tonumber(meta[3]) or 0
			local id
			for i = 6, #ARGV, 2 do
			  seq = seq + 1
			  id = seq .. '-0'
			  redis.call('XADD', KEYS[2], id, 'e', ARGV[i], 'd', ARGV[i + 1])
			  bytes = bytes + string.len(ARGV[i]) + string.len(ARGV[i + 1])
			end
			if id then
			  local max = tonumber(ARGV[2])
			  while bytes > max do
			    local first = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', 1)[1]
			    if first[1] == id then break end
			    local f = first[2]
			    bytes = bytes - (string.len(f[2]) + string.len(f[4]))
			    redis.call('XDEL', KEYS[2], first[1])
			  end
			  redis.call('HSET', KEYS[1], 'seq', seq, 'bytes', bytes)
			end
			if ARGV[5] ~= '' then
			  redis.call('HSET', KEYS[1], 'fin', 1)
			  redis.call('XADD', KEYS[2], seq .. '-1', 'fin', 1)
			  redis.call('PEXPIRE', KEYS[1], ARGV[5])
			  redis.call('PEXPIRE', KEYS[2], ARGV[5])
			  return seq
			end
			if ARGV[3] ~= '' then
			  redis.call('PEXPIRE', KEYS[1], ARGV[3])
			  redis.call('PEXPIRE', KEYS[2], ARGV[3])
			end
			if ARGV[4] ~= '' then redis.call('SET', KEYS[3], 1, 'PX', ARGV[4]) end
			return seq
			""", Long.class);

	static final RedisScript<Long> KEEP_ALIVE = RedisScript.of("""
			if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'fin') == 1 then return 0 end
			redis.call('SET', KEYS[2], 1, 'PX', ARGV[1])
			return 1
			""", Long.class);

	// -1: gone; otherwise the last sequence, so that a follower never starts past it.
	static final RedisScript<Long> LAST_SEQUENCE = RedisScript.of("""
			local seq = redis.call('HGET', KEYS[1], 'seq')
			if not seq then return -1 end
			return tonumber(seq)
			""", Long.class);

	// 0: gone; 1: finished or its writer alive; 2: abandoned (unfinished, and the writer's key expired).
	static final RedisScript<Long> STATE = RedisScript.of("""
			if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
			if redis.call('HEXISTS', KEYS[1], 'fin') == 1 or redis.call('EXISTS', KEYS[2]) == 1 then return 1 end
			return 2
			""", Long.class);

	static final RedisScript<Long> FINISH = RedisScript.of("""
			local seq = redis.call('HGET', KEYS[1], 'seq')
			if not seq or redis.call('HEXISTS', KEYS[1], 'fin') == 1 then return 0 end
			redis.call('HSET', KEYS[1], 'fin', 1)
			redis.call('XADD', KEYS[2], seq .. '-1', 'fin', 1)
			redis.call('PEXPIRE', KEYS[1], ARGV[1])
			redis.call('PEXPIRE', KEYS[2], ARGV[1])
			return 1
			""", Long.class);

	static final RedisScript<Long> STOP = RedisScript.of("""
			if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
			redis.call('HSET', KEYS[1], 'stop', 1)
			redis.call('PUBLISH', ARGV[1], ARGV[2])
			return 1
			""", Long.class);

	// Presence is a sorted set of follower tokens scored by lease end, in Redis's clock so instances' clocks may differ.
	static final RedisScript<Long> TOUCH = RedisScript.of("""
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
			redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
			redis.call('PEXPIRE', KEYS[1], ARGV[3])
			return 1
			""", Long.class);

	static final RedisScript<Long> FOLLOWERS = RedisScript.of("""
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')
			""", Long.class);

}
