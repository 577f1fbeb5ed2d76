#!/usr/bin/env bash
# Shared helpers for deploy/local scripts. Sourced, never run.

FLEET_ROOT=${FLEET_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
FLEET_HOME=${FLEET_HOME:-$FLEET_ROOT/.fleet}
FLEET_RUN=$FLEET_HOME/run
FLEET_LOGS=$FLEET_HOME/logs
FLEET_ENV_FILE=$FLEET_HOME/services.env

say() { printf '%-17s %s\n' "$1" "$2"; }
die() { printf 'error             %s\n' "$*" >&2; exit 1; }

# Finds a JDK 21+: JAVA_HOME, then the default java, then /usr/lib/jvm/*.
find_jdk() {
  local candidates=() c v
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for c in /usr/lib/jvm/*/ /opt/java/*/ /opt/jdk*/; do [ -d "$c" ] && candidates+=("${c%/}"); done
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    v=$("$c/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ -n "$v" ] && [ "${v%%.*}" -ge 21 ] 2>/dev/null; then
      printf '%s\n' "$c"
      return 0
    fi
  done
  return 1
}

require_jdk() {
  local jdk
  jdk=$(find_jdk) || die "no JDK 21 or newer found (looked at JAVA_HOME, the default java and /usr/lib/jvm). Install one, e.g. 'apt-get install openjdk-21-jdk-headless' (Debian 13, Ubuntu 24.04) or a Temurin 21/25 JDK, then retry."
  export JAVA_HOME=$jdk
  export PATH=$JAVA_HOME/bin:$PATH
}

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root to run: $* (install sudo or run as root)"
  fi
}

APT_UPDATED=""
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install $* by hand (this script supports Debian and Ubuntu)"
  if [ -z "$APT_UPDATED" ]; then
    as_root apt-get update -qq >"$FLEET_LOGS/apt.log" 2>&1 || die "apt-get update failed, see $FLEET_LOGS/apt.log"
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >>"$FLEET_LOGS/apt.log" 2>&1 \
    || die "apt-get install $* failed, see $FLEET_LOGS/apt.log"
}

# The test Docker engine's runtime directory (its socket, containerd's state): one per FLEET_HOME.
SANDBOX_ENGINE_KEY=$(printf %s "$FLEET_HOME" | sha256sum | cut -c1-10)
SANDBOX_ENGINE_RUN=/run/xpfleet-docker-$SANDBOX_ENGINE_KEY

# After its dockerd stopped: what it left mounted there (a network namespace), then the directory.
remove_engine_run_dir() {
  [ -d "$SANDBOX_ENGINE_RUN" ] || return 0
  local mount
  for mount in $(awk -v d="$SANDBOX_ENGINE_RUN/" 'index($2, d) == 1 {print $2}' /proc/mounts | sort -r); do
    umount "$mount" 2>/dev/null || umount -l "$mount" 2>/dev/null || true
  done
  rm -rf "$SANDBOX_ENGINE_RUN" 2>/dev/null || true
}

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
pid_from() { if [ -f "$1" ]; then head -n1 "$1" | tr -dc "0-9"; fi; return 0; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Stops the process whose pid is in a file: TERM, then KILL after a grace period.
stop_pidfile() {
  local name=$1 file=$2 grace=${3:-30} pid i
  pid=$(pid_from "$file")
  if ! pid_alive "$pid"; then
    rm -f "$file"
    return 1
  fi
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < grace * 5; i++)); do
    pid_alive "$pid" || break
    sleep 0.2
  done
  if pid_alive "$pid"; then
    kill -KILL "$pid" 2>/dev/null
    say "$name" "did not stop within ${grace}s, killed pid $pid"
  fi
  rm -f "$file"
  return 0
}

random_secret() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' | cut -c1-"${1:-32}"; }

load_services_env() {
  [ -f "$FLEET_ENV_FILE" ] || die "no $FLEET_ENV_FILE: run 'deploy/local/fleet provision' first"
  set -a
  # shellcheck disable=SC1090
  . "$FLEET_ENV_FILE"
  set +a
}
