-- After a reconnect: this node's shares are exactly the ones given (any other in its hash is
-- set absent, reason 'closed'), and the node beats again (it may have been reaped meanwhile).
-- ARGV: prefix, node, then (room, user, state, reason) for each remembered share
local prefix, node = ARGV[1], ARGV[2]
local ts = now_ms()
redis.call('ZADD', prefix .. 'nodes', ts, node)
local given = {}
for i = 3, #ARGV, 4 do
  given[ARGV[i] .. '\n' .. ARGV[i + 1]] = true
  presence_apply(prefix, node, ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ts)
end
for _, field in ipairs(redis.call('HKEYS', prefix .. 'node:' .. node)) do
  local nl = string.find(field, '\n', 1, true)
  if nl and not given[field] then
    presence_apply(prefix, node, string.sub(field, 1, nl - 1), string.sub(field, nl + 1), 'absent', 'closed', ts)
  end
end
return ts
