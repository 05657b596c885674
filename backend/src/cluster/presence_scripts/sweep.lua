-- Removes every member whose process stopped renewing it (killed, cut
-- off), and says offline for each person left with no live member. Every
-- process runs this; the removal and the notice are one step, so exactly
-- one of them says it. Reads only what expired, and each such person's
-- own keys.
--
-- KEYS[1]: the rooms with members. ARGV: the prefix of a room's key,
-- channel, the prefix of a person's key (then "user|room").
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local offline = 0
for _, room in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local key = ARGV[1] .. room
  local expired = redis.call('ZRANGEBYSCORE', key, '-inf', now)
  if #expired > 0 then
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
    local told = {}
    for _, member in ipairs(expired) do
      local user, node, name = string.match(member, '^(%-?%d+)|([^|]*)|(.*)$')
      if user then
        local person = ARGV[3] .. user .. '|' .. room
        redis.call('ZREM', person, node)
        if not told[user] then
          told[user] = true
          if redis.call('ZCOUNT', person, '(' .. now, '+inf') == 0 then
            offline = offline + 1
            redis.call('PUBLISH', ARGV[2], 'redis\n' .. cjson.encode({
              notice = 'presence', room = room, name = name, online = false }))
          end
        end
      end
    end
  end
  if redis.call('ZCARD', key) == 0 then
    redis.call('SREM', KEYS[1], room)
  end
end
return offline
