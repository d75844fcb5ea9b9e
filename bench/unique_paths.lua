-- wrk script: every request asks for a different path, read from a file (one path a line).
-- Arguments after "--": the file, the first line to use (1-based) and the number of threads.
-- Thread k takes lines start + k, start + k + threads, ..., so no two requests share a path
-- (until the file runs out: the benchmark writes more lines than a run can ask for).
local paths = {}
local thread_count = 0

function setup(thread)
  thread:set("number", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  step = tonumber(args[3])
  position = tonumber(args[2]) + number
end

function request()
  local path = paths[((position - 1) % #paths) + 1]
  position = position + step
  return wrk.format("GET", path)
end
