#!/usr/bin/env bash
# Steering endpoint and admin plane under load, the node on its own core: starts a single node
# (admin + cache, embedded H2) pinned to CPU NODE_CPU with taskset, registers NODES cache nodes (one
# /24 each, a heartbeat each so they are healthy), then loads it from CPU LOAD_CPU:
#   MODE=wrk (default)  GET /api/v1/steer with wrk, WARMUP then DURATION; prints wrk's latency
#                       distribution and the node's CPU time, so answers per CPU-second of the node
#   MODE=gatling        Gatling's SteeringSimulation, RATE requests/s for SECONDS_
#   MODE=admin          Gatling's AdminSteeringSimulation (issue 20's scenario 3): node create,
#                       read, edit, re-block and delete at CRUD_RATE lifecycles/s beside steering at RATE/s
# A fifth of the steering clients are outside every block ("use the CDN"). Loopback only; bounded
# in connections, users and time.
#
#   load-tests/steering/run.sh
#   MODE=admin RATE=2000 CRUD_RATE=5 SECONDS_=30 load-tests/steering/run.sh
#   NODES=1000 CONNECTIONS=64 DURATION=30s JAR=path/to/ispcache-node.jar load-tests/steering/run.sh
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar="${JAR:-$repo/cluster-node/target/ispcache-node.jar}"
[[ -f "$jar" ]] || (cd "$repo" && mvn -B -q -DskipTests package)
NODES=${NODES:-200} CONNECTIONS=${CONNECTIONS:-64} DURATION=${DURATION:-30s} WARMUP=${WARMUP:-20s}
NODE_CPU=${NODE_CPU:-0} LOAD_CPU=${LOAD_CPU:-1} MODE=${MODE:-wrk} RATE=${RATE:-5000} CRUD_RATE=${CRUD_RATE:-5} SECONDS_=${SECONDS_:-30}
command -v wrk >/dev/null || { echo "wrk is missing (Debian: apt-get install wrk)" >&2; exit 1; }
work="$(mktemp -d)"
key="steering-operator-key-0123456789abcdef"
cat >"$work/node.conf" <<CONF
ispcache {
  data-dir = "$work/data"
  content { interface = "127.0.0.1", port = 0 }
  health { interface = "127.0.0.1", port = 0 }
  peer { interface = "127.0.0.1", port = 0 }
  admin { interface = "127.0.0.1", port = 0, operator-key = "$key", heartbeat-timeout = 60m }
  store.drives = [ { path = "$work/data/drive-1", size = 1GiB } ]
  origins = [ { name = "none", hosts = ["none.example.net"] } ]
  cluster.management = false
}
akka.remote.artery.canonical.port = 0
CONF
taskset -c "$NODE_CPU" java -Xmx1g ${NODE_OPTS:-} -Dconfig.file="$work/node.conf" -jar "$jar" >"$work/node.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 240); do grep -q "admin API and portal listening" "$work/node.log" && break; sleep 0.5; done
admin=http://$(grep -m1 "admin API and portal listening" "$work/node.log" | grep -oE "[0-9.]+:[0-9]+$") \
  || { echo "the node did not start; its log:" >&2; tail -20 "$work/node.log" >&2; exit 1; }
api=$admin/api/v1
python3 - "$api" "$key" "$NODES" <<'PY'
import json, sys, urllib.request
api, key, nodes = sys.argv[1], sys.argv[2], int(sys.argv[3])
def call(path, body=None, bearer=None):
    req = urllib.request.Request(api + path, data=b"" if body is None else json.dumps(body).encode(), method="POST")
    req.add_header("Content-Type", "application/json")
    if bearer:
        req.add_header("Authorization", "Bearer " + bearer)
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read() or b"{}")
customer = call("/customers", {"name": "Steering ISP"}, key)["id"]
ckey = call("/customers/%s/keys" % customer, None, key)["apiKey"]
resource = call("/resources", {"name": "main"}, ckey)["id"]
for i in range(nodes):
    keys = call("/nodes", {"resourceId": resource, "name": "n%d" % i, "serverIp": "20.%d.%d.1" % (i // 256, i % 256),
                           "cidrBlocks": "50.%d.%d.0/24" % (i // 256, i % 256)}, ckey)["activationKeys"]
    keys.update(healthy=True, hitBytes=0, missBytes=0, egressBytes=0, requests=0, diskUsedBytes=0, diskCapacityBytes=1)
    call("/agent/heartbeat", keys)
PY
for _ in $(seq 1 60); do
  curl -sf "$api/steer?clientIp=50.0.0.1" | grep -q '"useCdn":false' && break; sleep 0.5
done
cat >"$work/steer.lua" <<LUA
-- Clients from the registered blocks 50.<i/256>.<i%256>.0/24 (i < NODES), a fifth outside them.
local paths = {}
math.randomseed(42)
for k = 1, 20000 do
  local i = math.random(0, $NODES - 1)
  if math.random(5) == 1 then
    paths[k] = "/api/v1/steer?clientIp=60." .. math.random(0, 255) .. "." .. math.random(0, 255) .. "." .. math.random(0, 255)
  else
    paths[k] = "/api/v1/steer?clientIp=50." .. math.floor(i / 256) .. "." .. (i % 256) .. "." .. math.random(0, 255)
  end
end
local n = 0
request = function()
  n = n % #paths + 1
  return wrk.format("GET", paths[n])
end
LUA
echo "node: $(java -version 2>&1 | head -1), CPU $NODE_CPU of $(nproc) ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)); load: CPU $LOAD_CPU; $NODES nodes registered"
if [[ "$MODE" == wrk ]]; then
  taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"$WARMUP" -s "$work/steer.lua" "$admin" >/dev/null
  read -r user0 sys0 < <(awk '{print $14, $15}' /proc/$pid/stat)
  taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$work/steer.lua" "$admin" | tee "$work/wrk.txt"
  read -r user1 sys1 < <(awk '{print $14, $15}' /proc/$pid/stat)
  requests=$(grep -m1 "requests in" "$work/wrk.txt" | awk '{print $1}')
  awk -v u="$(( user1 - user0 ))" -v s="$(( sys1 - sys0 ))" -v hz="$(getconf CLK_TCK)" -v n="$requests" \
    'BEGIN { printf "node CPU during the run: %.1f s (user %.1f, system %.1f), so %.0f answers per CPU-second of the node\n",
             (u + s) / hz, u / hz, s / hz, n / ((u + s) / hz) }'
fi
grep -E "WARN|ERROR" "$work/node.log" | grep -v "operator-key" | tail -5 || true
if [[ "$MODE" != wrk ]]; then
  # Gatling from the load CPU, run by its main class (load-tests/gatling's plugin is set to
  # SteeringSimulation): MODE=gatling runs SteeringSimulation at RATE; MODE=admin runs
  # AdminSteeringSimulation (issue 20's scenario 3: node CRUD at CRUD_RATE plus steering at RATE).
  simulation=io.ispcache.load.SteeringSimulation
  [[ "$MODE" == admin ]] && simulation=io.ispcache.load.AdminSteeringSimulation
  cd "$repo/load-tests/gatling"
  set +e
  # Gatling reads JDK internals (--add-opens); its main runs in Maven's JVM. Pinned to one CPU, the JVM
  # would size Gatling's pools to one thread, where its controller waits on its own stats writers.
  MAVEN_OPTS="${MAVEN_OPTS:-} -XX:ActiveProcessorCount=2 --add-opens java.base/java.lang=ALL-UNNAMED -Dlogback.configurationFile=$repo/load-tests/steering/gatling-logback.xml" \
  taskset -c "$LOAD_CPU" mvn -B -q test-compile org.codehaus.mojo:exec-maven-plugin:3.4.1:java -Dexec.classpathScope=test \
    -Dexec.mainClass=io.gatling.app.Gatling -Dexec.args="--simulation $simulation --results-folder $work/gatling" \
    -Dgatling.data.enableAnalytics=false -Dadmin="$admin" -DoperatorKey="$key" -Dregister=false -Dnodes="$NODES" \
    -Drate="$RATE" -DsteerRate="$RATE" -Dconnections="$CONNECTIONS" -DcrudRate="$CRUD_RATE" -Dseconds="$SECONDS_" >"$work/gatling.txt" 2>&1
  status=$?
  set -e
  sed -n '/Global Information/,/^=====/p;/Requests .*|/p;/Assertion/,$p' "$work/gatling.txt" | grep -v "^\[" | head -80 || true
  [[ $status == 0 ]] || { echo "Gatling failed (status $status)"; tail -20 "$work/gatling.txt"; exit $status; }
fi
