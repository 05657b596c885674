-- Removes every member whose process stopped renewing it (killed, cut
-- off), and says offline for each person left with no live member. Every
-- process runs this; the removal and the notice are one step, so exactly
-- one of them says it.
--
-- KEYS[1]: the rooms with members. ARGV: the prefix of a room's key,
-- channel.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local offline = 0
for _, room in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local key = ARGV[1] .. room
  local expired = redis.call('ZRANGEBYSCORE', key, '-inf', now)
  if #expired > 0 then
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
    local live = redis.call('ZRANGEBYSCORE', key, '(' .. now, '+inf')
    local told = {}
    for _, member in ipairs(expired) do
      local prefix, name = string.match(member, '^(%-?%d+|)[^|]*|(.*)$')
      if prefix and not told[prefix] then
        told[prefix] = true
        local still_online = false
        for _, other in ipairs(live) do
          if string.sub(other, 1, #prefix) == prefix then
            still_online = true
            break
          end
        end
        if not still_online then
          offline = offline + 1
          redis.call('PUBLISH', ARGV[2], 'redis\n' .. cjson.encode({
            notice = 'presence', room = room, name = name, online = false }))
        end
      end
    end
  end
  if redis.call('ZCARD', key) == 0 then
    redis.call('SREM', KEYS[1], room)
  end
end
return offline
