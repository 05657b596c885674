-- A person has no connection in a room on one process any more: their
-- member for that process goes. If no other member of theirs is live,
-- they go offline, and every process hears it in the same step. Touches
-- only this person's keys and the room's one member.
--
-- KEYS[1]: the room's members. KEYS[2]: this person's processes in the
-- room. ARGV: member, node, room, name, channel.
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then
  -- Expired and swept already, which said so.
  return 0
end
redis.call('ZREM', KEYS[2], ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
if redis.call('ZCOUNT', KEYS[2], '(' .. now, '+inf') > 0 then
  return 0
end
redis.call('PUBLISH', ARGV[5], 'redis\n' .. cjson.encode({
  notice = 'presence', room = ARGV[3], name = ARGV[4], online = false }))
return 1
