-- This node is alive; every node silent for longer than the timeout is reaped: its users
-- leave with reason 'timeout'. Atomic, so exactly one node reaps another.
-- ARGV: prefix, node, timeout in ms, '1' to first reap this node's own leftovers (a restart)
local prefix, node, timeout = ARGV[1], ARGV[2], tonumber(ARGV[3])
local ts = now_ms()
if ARGV[4] == '1' then reap(prefix, node, 'timeout', ts) end
local nodes_key = prefix .. 'nodes'
redis.call('ZADD', nodes_key, ts, node)
local reaped = 0
for _, other in ipairs(redis.call('ZRANGEBYSCORE', nodes_key, '-inf', '(' .. (tonumber(ts) - timeout))) do
  if other ~= node then
    reap(prefix, other, 'timeout', ts)
    reaped = reaped + 1
  end
end
return reaped
