-- Records (or lifts) a ban and publishes it to every node.
-- KEYS: bans. ARGV: channel, user, '1' to ban ('0' to lift), the value to keep, the notification
if ARGV[3] == '1' then redis.call('HSET', KEYS[1], ARGV[2], ARGV[4]) else redis.call('HDEL', KEYS[1], ARGV[2]) end
return redis.call('PUBLISH', ARGV[1], ARGV[5])
