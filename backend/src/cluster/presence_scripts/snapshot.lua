-- Every room's live members, as { {room, {member, ...}}, ... }.
--
-- KEYS[1]: the rooms with members. ARGV: the prefix of a room's key.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local rooms = {}
for _, room in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local live = redis.call('ZRANGEBYSCORE', ARGV[1] .. room, '(' .. now, '+inf')
  if #live > 0 then
    table.insert(rooms, { room, live })
  end
end
return rooms
