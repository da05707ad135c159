#!/usr/bin/env bash
# Steering endpoint under Gatling: starts a single node (admin + cache) on loopback, registers
# NODES cache nodes with /24 blocks, activates each with a heartbeat, then runs SteeringSimulation
# (RATE requests/s for SECONDS). Prints Gatling's global statistics (req/s, percentiles).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar="$repo/cluster-node/target/ispcache-node.jar"
[[ -f "$jar" ]] || (cd "$repo" && mvn -B -q -DskipTests package)
NODES=${NODES:-200} RATE=${RATE:-2000} SECONDS_=${SECONDS_:-30}
work="$(mktemp -d)"
key="gatling-operator-key-0123456789abcdef"
cat >"$work/node.conf" <<CONF
ispcache {
  data-dir = "$work/data"
  content { interface = "127.0.0.1", port = 19080 }
  health { interface = "127.0.0.1", port = 19050 }
  peer { interface = "127.0.0.1", port = 19070 }
  admin { interface = "127.0.0.1", port = 19090, operator-key = "$key", heartbeat-timeout = 10m }
  store.drives = [ { path = "$work/data/drive-1", size = 1GiB } ]
  origins = [ { name = "none", hosts = ["none.example.net"] } ]
  cluster.management = false
}
akka.remote.artery.canonical.port = 0
CONF
java -Xmx1g -Dconfig.file="$work/node.conf" -jar "$jar" >"$work/node.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do curl -sf 127.0.0.1:19050/health >/dev/null && break; sleep 0.5; done
api=http://127.0.0.1:19090/api/v1
for _ in $(seq 1 120); do curl -sf "$api/steer?clientIp=1.1.1.1" >/dev/null && break; sleep 0.5; done
json() { python3 -c "import sys, json; print(json.load(sys.stdin)$1)"; }
customer=$(curl -sf -X POST -H "Authorization: Bearer $key" -d '{"name":"Load ISP"}' $api/customers | json "['id']")
ckey=$(curl -sf -X POST -H "Authorization: Bearer $key" $api/customers/$customer/keys | json "['apiKey']")
resource=$(curl -sf -X POST -H "Authorization: Bearer $ckey" -d '{"name":"main"}' $api/resources | json "['id']")
for i in $(seq 0 $((NODES - 1))); do
  body="{\"resourceId\":\"$resource\",\"name\":\"n$i\",\"serverIp\":\"20.$((i / 256)).$((i % 256)).1\",\"cidrBlocks\":\"50.$((i / 256)).$((i % 256)).0/24\"}"
  keys=$(curl -sf -X POST -H "Authorization: Bearer $ckey" -d "$body" $api/nodes | json "['activationKeys']")
  hb=$(echo "$keys" | python3 -c "import sys, ast, json; k = ast.literal_eval(sys.stdin.read()); k.update(healthy=True, hitBytes=0, missBytes=0, egressBytes=0, requests=0, diskUsedBytes=0, diskCapacityBytes=1); print(json.dumps(k))")
  curl -sf -X POST -d "$hb" $api/agent/heartbeat >/dev/null
done
cd "$repo/load-tests/gatling"
mvn -B -q gatling:test -Dgatling.data.enableAnalytics=false -Dadmin=http://127.0.0.1:19090 -Drate="$RATE" -Dseconds="$SECONDS_" -Dnodes="$NODES" 2>&1 \
  | sed -n '/Global Information/,/^=====/p'
