-- The users present on some node, with the version of that set.
-- KEYS: users, users version. Returns: {version, users}
return {redis.call('GET', KEYS[2]) or '0', redis.call('HKEYS', KEYS[1])}
