# Shared by install, update, uninstall, collect-diagnostics and ispcache-service (sourced, not run).
# The layout, relative to --root (default /, a temporary folder in tests):
#   opt/ispcache/releases/<version>/   the software of each installed version
#   opt/ispcache/current, previous     symlinks to the release running and the one before
#   etc/ispcache/node.conf             the node's config (HOCON), origins.conf beside it
#   etc/ispcache/ispcache.env          the service's environment: secrets (peer secret, node key,
#                                      operator key), root-only
#   etc/ispcache/install.conf          what the scripts need to know of the install (shell)
#   var/lib/ispcache                   data dir: registry database, admin keys, purge progress
#   var/log/ispcache                   node.log (rotated), gc.log, console.log (without systemd)
#   etc/systemd/system/ispcache.service

die() {
  echo "$(basename "$0"): $*" >&2
  exit 2
}

say() {
  echo "$(basename "$0"): $*"
}

# Sets the layout's paths for root $1 ("/" or a folder).
layout() {
  local root="${1%/}"
  ROOT="$root"
  OPT="$root/opt/ispcache"
  RELEASES="$OPT/releases"
  CURRENT="$OPT/current"
  PREVIOUS="$OPT/previous"
  ETC="$root/etc/ispcache"
  DATA="$root/var/lib/ispcache"
  LOGS="$root/var/log/ispcache"
  UNIT="$root/etc/systemd/system/ispcache.service"
  PID_FILE="$DATA/ispcache.pid"
}

# Reads etc/ispcache/install.conf (written by install) into the shell.
load_install_conf() {
  [[ -r "$ETC/install.conf" ]] || die "no ispcache install under ${ROOT:-/} ($ETC/install.conf missing)"
  # shellcheck disable=SC1091
  . "$ETC/install.conf"
}

# True when this install runs under systemd (install enabled the unit).
uses_systemd() {
  [[ "${SYSTEMD:-no}" == yes ]]
}

# The pid of the node started without systemd, if it runs.
node_pid() {
  local pid
  [[ -r "$PID_FILE" ]] || return 1
  pid="$(cat "$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# Starts the node in the background (systemd, or detached with a pid file).
start_node() {
  if uses_systemd; then
    systemctl start ispcache.service
    return
  fi
  if node_pid >/dev/null; then
    return
  fi
  mkdir -p "$LOGS"
  (
    set -a
    # shellcheck disable=SC1091
    [[ -r "$ETC/ispcache.env" ]] && . "$ETC/ispcache.env"
    set +a
    export ISPCACHE_PID_FILE="$PID_FILE"
    if [[ $(id -u) -eq 0 && -n "${SERVICE_USER:-}" ]] && id "$SERVICE_USER" >/dev/null 2>&1; then
      exec setsid runuser -u "$SERVICE_USER" -- "$CURRENT/bin/ispcache" "$ETC/node.conf" \
        >>"$LOGS/console.log" 2>&1 </dev/null &
    else
      exec setsid "$CURRENT/bin/ispcache" "$ETC/node.conf" >>"$LOGS/console.log" 2>&1 </dev/null &
    fi
  )
  local waited=0
  until node_pid >/dev/null; do
    ((waited++ < 100)) || { say "the node did not start (see $LOGS/console.log)"; return 1; }
    sleep 0.1
  done
}

# Stops the node: SIGTERM, which leaves the cluster gracefully (downloads in flight finish, shards
# are handed over), then SIGKILL after $1 seconds (default 90).
stop_node() {
  local deadline="${1:-90}" pid
  if uses_systemd; then
    systemctl stop ispcache.service
    return
  fi
  pid="$(node_pid)" || return 0
  kill -TERM "$pid"
  local waited=0
  while kill -0 "$pid" 2>/dev/null; do
    if ((waited >= deadline * 10)); then
      say "the node did not stop within ${deadline}s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  rm -f "$PID_FILE"
}

# GETs $1 into stdout, failing on anything but 2xx; curl or wget, whichever is here.
http_get() {
  if command -v curl >/dev/null; then
    curl -fsS --max-time "${2:-5}" "$1"
  else
    wget -q -T "${2:-5}" -O - "$1"
  fi
}

# Waits until $HEALTH_URL answers 200, at most $1 seconds; fails early when the node exited.
wait_healthy() {
  local timeout="$1" start=$SECONDS
  while ((SECONDS - start < timeout)); do
    if http_get "$HEALTH_URL" 2 >/dev/null 2>&1; then
      return 0
    fi
    if ! uses_systemd && ! node_pid >/dev/null; then
      return 1
    fi
    sleep 1
  done
  return 1
}

# The version a release folder holds.
release_version() {
  tr -d '[:space:]' <"$1/VERSION"
}
