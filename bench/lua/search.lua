-- Search-page requests for bench/web.py: each connection walks the query list in turn.
--
-- wrk -s search.lua URL -- <query> <query> ...   (queries already URL-encoded)

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("offset", #threads * 7)
end

function init(args)
  queries = args
  n = offset or 0
end

function request()
  n = n + 1
  return wrk.format("GET", "/search/?q=" .. queries[(n % #queries) + 1])
end

-- The one-line report bench/web.py reads: the same as a plain run's.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "stats.lua")
