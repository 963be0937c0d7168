-- The rooms whose release has waited for a missing SEQ for longer than the gap timeout.
-- KEYS: stalled zset. ARGV: prefix, gap timeout in ms, most rooms answered
-- Returns: for each room, {room, next SEQ ('' when unknown), the payload of its lowest held SEQ}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local out = {}
for _, room in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. string.format('%d', now - tonumber(ARGV[2])),
    'LIMIT', 0, tonumber(ARGV[3]))) do
  local rk = ARGV[1] .. '{' .. room .. '}'
  local lowest
  for _, field in ipairs(redis.call('HKEYS', rk .. ':held')) do
    local seq = tonumber(field)
    if lowest == nil or seq < lowest then lowest = seq end
  end
  if lowest == nil then
    redis.call('ZREM', KEYS[1], room)
  else
    local payload = redis.call('HGET', rk .. ':held', string.format('%d', lowest))
    table.insert(out, {room, redis.call('GET', rk .. ':next') or '', payload})
  end
end
return out
