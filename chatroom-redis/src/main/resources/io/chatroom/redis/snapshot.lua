-- Who is in a room and where its stream and presence stand, at one instant.
-- KEYS: present, online, stream, presence version
-- Returns: {last stream id or '0-0', presence version, now ms, present (flat), online (flat)}
local last = redis.call('XREVRANGE', KEYS[3], '+', '-', 'COUNT', 1)
local last_id = '0-0'
if #last > 0 then last_id = last[1][1] end
local v = redis.call('GET', KEYS[4]) or '0'
local t = redis.call('TIME')
local ts = string.format('%d', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
return {last_id, v, ts, redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2])}
