-- Releases a room's messages committed to a durable store, in the order of their SEQ (the
-- end of the store's id, dense per room): each is held until every lower SEQ was released,
-- then added to the room's stream and published as append.lua does, carrying the store's id.
-- Releasing a SEQ twice changes nothing: one below the room's next SEQ is ignored.
-- KEYS: next SEQ to release, held hash (SEQ -> payload), stream, stalled zset
-- ARGV: history limit, channel, room, SEQ to skip ('' for none: the gap fill found no such
--       message in the store), '1' to start at the lowest held SEQ when next is unknown,
--       then (SEQ, payload) for each message; a payload is {"id", "f" (absent for a notice), "t", "ts"}
-- Returns: {messages released, next SEQ (-1 when unknown), messages still held}
local function fmt(n) return string.format('%d', n) end
local next = tonumber(redis.call('GET', KEYS[1]) or '')
for i = 6, #ARGV, 2 do
  local seq = tonumber(ARGV[i])
  if next == nil or seq >= next then redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
end
-- Unknown (first use, or Redis lost its data): only SEQ 1 is surely first. Otherwise wait for
-- the gap fill to start at the lowest held SEQ, so that a lower SEQ still on its way is not skipped.
if next == nil and redis.call('HEXISTS', KEYS[2], '1') == 1 then next = 1 end
if next == nil and ARGV[5] == '1' then
  for _, field in ipairs(redis.call('HKEYS', KEYS[2])) do
    local seq = tonumber(field)
    if next == nil or seq < next then next = seq end
  end
end
if next ~= nil and ARGV[4] ~= '' and tonumber(ARGV[4]) == next then next = next + 1 end
local released = 0
if next ~= nil then
  while true do
    local payload = redis.call('HGET', KEYS[2], fmt(next))
    if not payload then break end
    redis.call('HDEL', KEYS[2], fmt(next))
    local m = cjson.decode(payload)
    local sid
    if m.f then
      sid = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[1], '*', 'i', m.id, 'f', m.f, 't', m.t, 'ts', m.ts)
    else
      sid = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[1], '*', 'i', m.id, 't', m.t, 'ts', m.ts)
    end
    local note = {k = 'm', id = sid, mid = m.id, t = m.t, ts = m.ts}
    if m.f then note.f = m.f end
    redis.call('PUBLISH', ARGV[2], cjson.encode(note))
    next = next + 1
    released = released + 1
  end
  redis.call('SET', KEYS[1], fmt(next))
end
local held = redis.call('HLEN', KEYS[2])
if held == 0 then
  redis.call('ZREM', KEYS[4], ARGV[3])
elseif released > 0 or not redis.call('ZSCORE', KEYS[4], ARGV[3]) then
  -- a new hole (or the first): the gap fill waits for it from now
  local t = redis.call('TIME')
  redis.call('ZADD', KEYS[4], tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), ARGV[3])
end
return {released, next or -1, held}
