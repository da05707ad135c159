-- wrk script: random 1 MiB ranges inside a 1 GiB object. PATH_SUFFIX is appended to the path.
local size = 1073741824
local span = 1048576
local suffix = os.getenv("PATH_SUFFIX") or ""
local path = os.getenv("OBJ_PATH") or "/obj1g.bin"
math.randomseed(os.time())
request = function()
  local first = math.random(0, (size - span) / 4096) * 4096
  return wrk.format("GET", path .. suffix, { ["Range"] = "bytes=" .. first .. "-" .. (first + span - 1) })
end
