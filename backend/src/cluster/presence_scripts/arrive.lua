-- A person has a connection in a room on one process, or still has (a
-- renewal): their member for that process is (re)set to expire in ARGV[3]
-- ms. If none of their members was live, they come online, and every
-- process hears it in the same step.
--
-- KEYS[1]: the room's members (a sorted set: member -> expiry, in ms of
-- Redis's own clock). KEYS[2]: the rooms with members.
-- ARGV: member ("user|node|name"), the person's prefix ("user|"), ttl ms,
-- room, name, channel.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local prefix = ARGV[2]
local was_online = false
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')) do
  if string.sub(member, 1, #prefix) == prefix then
    was_online = true
    break
  end
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('SADD', KEYS[2], ARGV[4])
if not was_online then
  redis.call('PUBLISH', ARGV[6], 'redis\n' .. cjson.encode({
    notice = 'presence', room = ARGV[4], name = ARGV[5], online = true }))
end
return was_online and 0 or 1
