-- Shared by presence.lua, resync.lua, beat.lua and leave.lua (prepended to each when loaded).
--
-- Keys are made from the prefix here, not passed as KEYS: a reap touches the rooms of a node
-- that only its hash names. So these scripts need one Redis (or a Sentinel primary), not a
-- Redis Cluster.

-- Redis time in epoch milliseconds, as a string.
local function now_ms()
  local t = redis.call('TIME')
  return string.format('%d', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
end

-- Sets this node's share of a user in a room to state ('online', 'away' or 'absent'), keeps
-- the room's counts and the users hash, and publishes what the cluster sees change.
local function presence_apply(prefix, node, room, user, state, reason, ts)
  local node_key = prefix .. 'node:' .. node
  local field = room .. '\n' .. user
  local old = redis.call('HGET', node_key, field)
  if not old then old = 'absent' end
  if old == state then return 0 end

  local rk = prefix .. '{' .. room .. '}'
  local present_key = rk .. ':present'
  local online_key = rk .. ':online'
  local p0 = tonumber(redis.call('HGET', present_key, user) or '0')
  local o0 = tonumber(redis.call('HGET', online_key, user) or '0')
  local share = ((state ~= 'absent') and 1 or 0) - ((old ~= 'absent') and 1 or 0)
  local p1 = math.max(p0 + share, 0)
  local o1 = math.max(o0 + ((state == 'online') and 1 or 0) - ((old == 'online') and 1 or 0), 0)
  if p1 > 0 then redis.call('HSET', present_key, user, p1) else redis.call('HDEL', present_key, user) end
  if o1 > 0 then redis.call('HSET', online_key, user, o1) else redis.call('HDEL', online_key, user) end
  if state == 'absent' then redis.call('HDEL', node_key, field) else redis.call('HSET', node_key, field, state) end

  if share ~= 0 then
    local users_key = prefix .. 'users'
    local n = redis.call('HINCRBY', users_key, user, share)
    local before = n - share
    if n <= 0 then redis.call('HDEL', users_key, user) end
    if (before <= 0) ~= (n <= 0) then
      local v = redis.call('INCR', users_key .. ':v')
      redis.call('PUBLISH', users_key, ((n > 0) and '+' or '-') .. v .. '\n' .. user)
    end
  end

  local away0 = p0 > 0 and o0 == 0
  local away1 = p1 > 0 and o1 == 0
  if (p0 > 0) ~= (p1 > 0) or away0 ~= away1 then
    local v = redis.call('INCR', rk .. ':pv')
    local note = {k = 'p', v = v, u = user, present = (p1 > 0), away = away1, ts = ts}
    if p1 == 0 then note.r = reason end
    redis.call('PUBLISH', rk, cjson.encode(note))
  end
  return 1
end

-- Sets every share of a node absent, then forgets the node.
local function reap(prefix, node, reason, ts)
  local node_key = prefix .. 'node:' .. node
  for _, field in ipairs(redis.call('HKEYS', node_key)) do
    local nl = string.find(field, '\n', 1, true)
    if nl then
      presence_apply(prefix, node, string.sub(field, 1, nl - 1), string.sub(field, nl + 1), 'absent', reason, ts)
    end
  end
  redis.call('DEL', node_key)
  redis.call('ZREM', prefix .. 'nodes', node)
end
