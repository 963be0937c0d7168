-- This node's share of a user in a room.
-- ARGV: prefix, node, room, user, state ('online' | 'away' | 'absent'), reason ('' when present), ts
return presence_apply(ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7])
