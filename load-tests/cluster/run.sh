#!/usr/bin/env bash
# Cluster benchmark: peer-fill throughput (node B filling a 1 GiB object from node A) against
# origin-fill throughput, and hit throughput on A while it also serves a peer fill.
# Loopback only, bounded (a few minutes). Needs nginx (Debian nginx-light) and a built jar.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar="$repo/cluster-node/target/ispcache-node.jar"
[[ -f "$jar" ]] || (cd "$repo" && mvn -B -q -DskipTests package)
work="$(mktemp -d)"
chmod 755 "$work"
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

mkdir -p "$work/www" "$work/nginx"
head -c 1073741824 /dev/urandom >"$work/www/a.bin"
head -c 1073741824 /dev/urandom >"$work/www/b.bin"
head -c 268435456 /dev/urandom >"$work/www/warm-1.bin"
head -c 268435456 /dev/urandom >"$work/www/warm-2.bin"
chmod -R a+rX "$work/www"
want_a=$(sha256sum "$work/www/a.bin" | cut -d' ' -f1)
want_b=$(sha256sum "$work/www/b.bin" | cut -d' ' -f1)
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 256; }
http {
  access_log off;
  sendfile on;
  server { listen 127.0.0.1:18281; root $work/www; }
}
CONF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" -g 'daemon off;' &
pids+=($!)

node_conf() { # name content health peer remote seed
  cat >"$work/$1.conf" <<CONF
ispcache {
  data-dir = "$work/$1"
  content { interface = "127.0.0.1", port = $2 }
  health { interface = "127.0.0.1", port = $3 }
  peer { interface = "127.0.0.1", port = $4 }
  store { chunk-size = 2MiB, drives = [ { path = "$work/$1/drive-1", size = 8GiB } ] }
  origins = [ { name = "bench", hosts = ["bench.example.net"], upstream-address = "127.0.0.1:18281" } ]
  cluster.management = false
}
akka.remote.artery.canonical { hostname = "127.0.0.1", port = $5 }
akka.cluster { roles = ["cache"], seed-nodes = ["akka://ispcache@127.0.0.1:$6"] }
CONF
}
node_conf a 18290 18291 18292 18293 18293
node_conf b 18295 18296 18297 18298 18293
for n in a b; do
  java -Xmx1g -Dconfig.file="$work/$n.conf" -jar "$jar" >"$work/$n.log" 2>&1 &
  pids+=($!)
done
pid_a=${pids[1]}
for port in 18291 18296; do
  for _ in $(seq 1 120); do curl -sf "127.0.0.1:$port/health" >/dev/null && break; sleep 0.5; done
  curl -sf "127.0.0.1:$port/health" >/dev/null || { echo "node on $port did not become healthy"; tail -30 "$work"/*.log; exit 1; }
done

fetch() { java "$repo/load-tests/cluster/Fetch.java" "$@"; }
mibps() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.0f", b / 1048576 / s }'; }
check() { [[ "$1" == "$2" ]] || { echo "WRONG BYTES: $3"; exit 1; }; }

# Warm-up, as a node in service is: each node fills an object from the origin and the other pulls
# it from there, so both paths (origin client, peer client and server, sharding) are compiled and
# their connections open before anything is measured. Without it the first peer fill's figures
# were mostly the JIT's and the pools' start (time to first byte above a second).
for w in 1 2; do
  filler=18290; puller=18295; [[ $w == 2 ]] && { filler=18295; puller=18290; }
  fetch "http://127.0.0.1:$filler/warm-$w.bin?cacheHostOrigin=bench.example.net" --no-hash >/dev/null
  fetch "http://127.0.0.1:$puller/warm-$w.bin?cacheHostOrigin=bench.example.net" --no-hash >/dev/null
done
read -r bytes secs _ direct_hash < <(fetch "http://127.0.0.1:18281/a.bin")
direct=$(mibps "$bytes" "$secs")
read -r bytes secs ttfb hash < <(fetch "http://127.0.0.1:18290/a.bin?cacheHostOrigin=bench.example.net")
check "$hash" "$want_a" "origin fill on A"
origin_fill=$(mibps "$bytes" "$secs")
read -r bytes secs peer_ttfb hash < <(fetch "http://127.0.0.1:18295/a.bin?cacheHostOrigin=bench.example.net")
check "$hash" "$want_a" "peer fill on B"
peer_fill=$(mibps "$bytes" "$secs")
read -r bytes secs _ hash < <(fetch "http://127.0.0.1:18290/a.bin?cacheHostOrigin=bench.example.net")
check "$hash" "$want_a" "hit on A"
hit_alone=$(mibps "$bytes" "$secs")

# Hit on A while B pulls another 1 GiB object that A holds.
fetch "http://127.0.0.1:18290/b.bin?cacheHostOrigin=bench.example.net" --no-hash >/dev/null
cpu_before=$(awk '{print $14 + $15}' "/proc/$pid_a/stat")
fetch "http://127.0.0.1:18295/b.bin?cacheHostOrigin=bench.example.net" >"$work/peer-b.out" &
peer_job=$!
read -r bytes secs _ hash < <(fetch "http://127.0.0.1:18290/a.bin?cacheHostOrigin=bench.example.net")
check "$hash" "$want_a" "hit on A during peer fill"
wait "$peer_job"
read -r pbytes psecs _ phash <"$work/peer-b.out"
check "$phash" "$want_b" "peer fill of b on B"
cpu_after=$(awk '{print $14 + $15}' "/proc/$pid_a/stat")
hit_during=$(mibps "$bytes" "$secs")
peer_during=$(mibps "$pbytes" "$psecs")
ticks=$(getconf CLK_TCK)
cpu_per_gib=$(awk -v d="$((cpu_after - cpu_before))" -v t="$ticks" 'BEGIN { printf "%.2f", d / t / 2 }')
origin_bytes=$(curl -s 127.0.0.1:18291/summary | sed -E 's/.*"originBytes":([0-9]+).*/\1/')
origin_bytes_b=$(curl -s 127.0.0.1:18296/summary | sed -E 's/.*"originBytes":([0-9]+).*/\1/')

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
cat <<OUT
| figure (1 GiB objects, chunk 2 MiB, loopback, 2 cores) | value |
| --- | --- |
| direct from origin (nginx) | $direct MiB/s |
| origin fill through node A | $origin_fill MiB/s |
| peer fill: node B from node A | $peer_fill MiB/s (TTFB $peer_ttfb ms) |
| peer fill / origin fill | $(ratio "$peer_fill" "$origin_fill")x |
| hit on A alone | $hit_alone MiB/s |
| hit on A while serving a peer fill | $hit_during MiB/s ($(ratio "$hit_during" "$hit_alone")x of alone) |
| concurrent peer fill on B | $peer_during MiB/s |
| node A CPU seconds per GiB served (hit + peer) | $cpu_per_gib s |
| origin bytes fetched by A / by B | $origin_bytes / $origin_bytes_b (each with its 256 MiB warm-up object: B fetched nothing else) |
OUT
