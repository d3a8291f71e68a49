/**
 * The Lua scripts of the Redis registry. Each one touches the keys of one hash slot only (a user's keys, the
 * sweep's index, the revocations, one session pointer), so all of them run on Redis Cluster, and each is one
 * atomic step. Entries are JSON, decoded and encoded with Redis' cjson.
 */

/** Keeps the user's keys alive at least `ttl` ms more (never shortens them). */
const EXTEND = `
local function extend(ttl)
  for _, key in ipairs(KEYS) do
    if redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, ttl) end
  end
end`;

/** Deletes the user's entries past the time they may be kept. */
const PRUNE = `
local function prune(now)
  for _, dead in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)) do redis.call('HDEL', KEYS[2], dead) end
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
end`;

/**
 * The limit step: prune, find the live others, store the entry, evict the least recently active others over
 * the limit; all in one script, so two logins at the same moment never both pass the limit.
 * KEYS: sessions, entries. ARGV: id, entry JSON, now, limit (0: none), keepUntil, ttl.
 * Returns { previous entry or false, the live others before the eviction, the evicted IDs }.
 */
export const LINK = `${EXTEND}${PRUNE}
local id, now, limit = ARGV[1], tonumber(ARGV[3]), tonumber(ARGV[4])
prune(now)
local previous = redis.call('HGET', KEYS[2], id)
local others = {}
for _, other in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if other ~= id then
    local raw = redis.call('HGET', KEYS[2], other)
    if raw then
      local entry = cjson.decode(raw)
      if entry.expiresAt > now and entry.endedAt == nil then
        table.insert(others, { other, raw, entry.lastActivityAt, entry.linkedAt })
      end
    else
      redis.call('ZREM', KEYS[1], other)
    end
  end
end
local raws = {}
for i, other in ipairs(others) do raws[i] = other[2] end
local evicted = {}
if limit > 0 and #others + 1 > limit then
  table.sort(others, function(a, b)
    if a[3] ~= b[3] then return a[3] < b[3] end
    if a[4] ~= b[4] then return a[4] < b[4] end
    return a[1] > b[1]
  end)
  for i = 1, #others + 1 - limit do
    table.insert(evicted, others[i][1])
    redis.call('HDEL', KEYS[2], others[i][1])
    redis.call('ZREM', KEYS[1], others[i][1])
  end
end
redis.call('HSET', KEYS[2], id, ARGV[2])
redis.call('ZADD', KEYS[1], ARGV[5], id)
extend(tonumber(ARGV[6]))
return { previous or false, raws, evicted }`;

/**
 * A touch: newer times (never older ones), the latest device and network.
 * KEYS: sessions, entries. ARGV: id, lastActivityAt, expiresAt, keepUntil, ttl, device JSON, ipPrefix or ''.
 * Returns the entry as it was, or false when the session is not linked.
 */
export const TOUCH = `${EXTEND}
local raw = redis.call('HGET', KEYS[2], ARGV[1])
if not raw then return false end
local entry = cjson.decode(raw)
if tonumber(ARGV[2]) > entry.lastActivityAt then
  entry.lastActivityAt = tonumber(ARGV[2])
  entry.expiresAt = tonumber(ARGV[3])
  entry.keepUntil = tonumber(ARGV[4])
  entry.device = cjson.decode(ARGV[6])
  if ARGV[7] == '' then entry.ipPrefix = nil else entry.ipPrefix = ARGV[7] end
  redis.call('HSET', KEYS[2], ARGV[1], cjson.encode(entry))
  redis.call('ZADD', KEYS[1], ARGV[4], ARGV[1])
  extend(tonumber(ARGV[5]))
end
return raw`;

/**
 * A rotation: the entry moves to the next logical ID of the same cookie session, live again.
 * KEYS: sessions, entries. ARGV: previous id, id, createdAt, lastActivityAt, expiresAt, keepUntil, ttl.
 */
export const MOVE = `${EXTEND}
local raw = redis.call('HGET', KEYS[2], ARGV[1])
if not raw then return false end
local entry = cjson.decode(raw)
entry.sessionId = ARGV[2]
entry.createdAt = tonumber(ARGV[3])
entry.lastActivityAt = tonumber(ARGV[4])
entry.expiresAt = tonumber(ARGV[5])
entry.keepUntil = tonumber(ARGV[6])
entry.endedAt = nil
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[2], cjson.encode(entry))
redis.call('ZADD', KEYS[1], ARGV[6], ARGV[2])
extend(tonumber(ARGV[7]))
return 1`;

/**
 * KEYS: sessions, entries. ARGV: now, then the IDs to delete, or '*' and the one ID to keep ('' for none).
 * Returns the deleted entries.
 */
export const REMOVE = `${PRUNE}
prune(ARGV[1])
local ids = {}
if ARGV[2] == '*' then ids = redis.call('ZRANGE', KEYS[1], 0, -1) else for i = 2, #ARGV do ids[i - 1] = ARGV[i] end end
local removed = {}
for _, id in ipairs(ids) do
  if ARGV[2] ~= '*' or id ~= ARGV[3] then
    local raw = redis.call('HGET', KEYS[2], id)
    if raw then table.insert(removed, raw) end
    redis.call('HDEL', KEYS[2], id)
    redis.call('ZREM', KEYS[1], id)
  end
end
return removed`;

/** KEYS: sessions, entries. ARGV: now. The user's entries after pruning. */
export const LIST = `${PRUNE}
prune(ARGV[1])
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
if #ids == 0 then return {} end
return redis.call('HMGET', KEYS[2], unpack(ids))`;

/** KEYS: entries. ARGV: id. */
export const GET = `return redis.call('HGET', KEYS[1], ARGV[1])`;

/**
 * The sweep's look at one session it claimed. KEYS: sessions, entries. ARGV: id, now.
 * Returns { state, time }: 'ended' (the caller fires the end; kept until time), 'ended-deleted', 'live' (due
 * again at time), 'kept' (until time), or 'gone'.
 */
export const EXPIRE = `
local now = tonumber(ARGV[2])
local raw = redis.call('HGET', KEYS[2], ARGV[1])
if not raw then return { 'gone', 0 } end
local entry = cjson.decode(raw)
if entry.endedAt == nil and entry.expiresAt > now then return { 'live', entry.expiresAt } end
if entry.keepUntil <= now then
  redis.call('HDEL', KEYS[2], ARGV[1])
  redis.call('ZREM', KEYS[1], ARGV[1])
  if entry.endedAt == nil then return { 'ended-deleted', entry.expiresAt } end
  return { 'gone', 0 }
end
if entry.endedAt ~= nil then return { 'kept', entry.keepUntil } end
entry.endedAt = now
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode(entry))
return { 'ended', entry.expiresAt, entry.keepUntil }`;

/** KEYS: pointer. ARGV: escaped user, ttl ('' to read, '-' to delete). Returns the escaped user or false. */
export const POINTER = `
if ARGV[2] == '-' then return redis.call('GETDEL', KEYS[1]) end
if ARGV[2] ~= '' then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return redis.call('GET', KEYS[1])`;

/** KEYS: index. ARGV: members to remove, then '|', then score/member pairs to add. */
export const INDEX = `
local i = 1
while ARGV[i] ~= '|' do redis.call('ZREM', KEYS[1], ARGV[i]); i = i + 1 end
i = i + 1
while i < #ARGV do redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1]); i = i + 2 end
return 1`;

/**
 * The sweep's claim: takes up to ARGV[2] members due by ARGV[1] out of the index, so no other instance takes
 * them, under a lock (ARGV[3] token, ARGV[4] ms) so only one instance sweeps at a time.
 * KEYS: index, lock. Returns the members, or false when another instance holds the lock.
 */
export const CLAIM = `
local owner = redis.call('GET', KEYS[2])
if owner and owner ~= ARGV[3] then return false end
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, member in ipairs(due) do redis.call('ZREM', KEYS[1], member) end
return due`;

/** KEYS: lock. ARGV: token. Releases the sweep's lock if this instance still holds it. */
export const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`;

/**
 * Stores revocations and broadcasts each (PUBLISH reaches every node of a cluster).
 * KEYS: ids, reasons. ARGV: channel, ttl, then id/reason/until triples.
 */
export const REVOKE = `
for i = 3, #ARGV, 3 do
  redis.call('ZADD', KEYS[1], ARGV[i + 2], ARGV[i])
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
  redis.call('PUBLISH', ARGV[1], ARGV[i] .. ' ' .. ARGV[i + 1] .. ' ' .. ARGV[i + 2])
end
for _, key in ipairs(KEYS) do
  if redis.call('PTTL', key) < tonumber(ARGV[2]) then redis.call('PEXPIRE', key, ARGV[2]) end
end
return 1`;

/**
 * KEYS: ids, reasons. ARGV: now, limit. Forgets up to `limit` revocations past their time and returns those
 * still in force as a flat id/until/reason list, or just the count of those forgotten when ARGV[3] is 'purge'.
 */
export const REVOCATIONS = `
local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(old) do
  redis.call('HDEL', KEYS[2], id)
  redis.call('ZREM', KEYS[1], id)
end
if ARGV[3] == 'purge' then return #old end
local live = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '+inf', 'WITHSCORES')
local result = {}
for i = 1, #live, 2 do
  table.insert(result, live[i])
  table.insert(result, live[i + 1])
  table.insert(result, redis.call('HGET', KEYS[2], live[i]) or 'revoked')
end
return result`;
