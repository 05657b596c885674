-- A person has a connection in a room on one process, or still has (a
-- renewal): their member for that process is (re)set to expire in ARGV[3]
-- ms. If none of their members was live, they come online, and every
-- process hears it in the same step. Touches only this person's keys and
-- the room's one member: the cost does not grow with the room.
--
-- KEYS[1]: the room's members (a sorted set: member -> expiry, in ms of
-- Redis's own clock). KEYS[2]: the rooms with members. KEYS[3]: this
-- person's processes in the room (a sorted set: node -> expiry).
-- ARGV: member ("user|node|name"), node, ttl ms, room, name, channel.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ttl = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
local was_online = redis.call('ZCARD', KEYS[3]) > 0
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('ZADD', KEYS[3], now + ttl, ARGV[2])
-- The person's key outlives their last member, never the other way.
if redis.call('PTTL', KEYS[3]) < ttl then
  redis.call('PEXPIRE', KEYS[3], ttl)
end
redis.call('SADD', KEYS[2], ARGV[4])
if not was_online then
  redis.call('PUBLISH', ARGV[6], 'redis\n' .. cjson.encode({
    notice = 'presence', room = ARGV[4], name = ARGV[5], online = true }))
end
return was_online and 0 or 1
