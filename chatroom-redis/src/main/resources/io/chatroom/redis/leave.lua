-- This node shuts down: its users leave everywhere (reason 'shutdown') and it is forgotten.
-- ARGV: prefix, node
reap(ARGV[1], ARGV[2], 'shutdown', now_ms())
return 1
