-- A person has no connection in a room on one process any more: their
-- member for that process goes. If no other member of theirs is live,
-- they go offline, and every process hears it in the same step.
--
-- KEYS[1]: the room's members. ARGV: member, prefix, room, name, channel.
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then
  -- Expired and swept already, which said so.
  return 0
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local prefix = ARGV[2]
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')) do
  if string.sub(member, 1, #prefix) == prefix then
    return 0
  end
end
redis.call('PUBLISH', ARGV[5], 'redis\n' .. cjson.encode({
  notice = 'presence', room = ARGV[3], name = ARGV[4], online = false }))
return 1
