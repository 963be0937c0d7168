-- Appends a message to a room's stream (its id is the message id) and publishes it.
-- KEYS: the room's stream. ARGV: history limit, channel, '1' if from is given, from, text, ts
local id
if ARGV[3] == '1' then
  id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'f', ARGV[4], 't', ARGV[5], 'ts', ARGV[6])
else
  id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 't', ARGV[5], 'ts', ARGV[6])
end
local note = {k = 'm', id = id, t = ARGV[5], ts = ARGV[6]}
if ARGV[3] == '1' then note.f = ARGV[4] end
redis.call('PUBLISH', ARGV[2], cjson.encode(note))
return id
