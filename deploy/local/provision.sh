#!/usr/bin/env bash
# Provisions the local services the fleet needs, idempotently, on loopback:
# PostgreSQL (+ pgvector), Redis (appendonly) and an S3 endpoint (S3Proxy).
# Running services are reused; what is missing is installed and started as a
# plain process with its pid file under $FLEET_HOME/run. Writes the endpoints
# to $FLEET_HOME/services.env for the services and the tests.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PG_PORT=${FLEET_PG_PORT:-5432}
PG_ADMIN_USER=${FLEET_PG_ADMIN_USER:-postgres}
PG_DB=${FLEET_PG_DATABASE:-fleet}
PG_USER=${FLEET_PG_USER:-fleet}
PG_TEMPLATE=${FLEET_PG_TEMPLATE:-fleet_template}
# The fleet's own Redis (appendonly yes, as the seed requires) on its own port; FLEET_REDIS_PORT
# points at another one to reuse it instead (the machine's on 6379, say), and then says whether it
# persists.
REDIS_PORT=${FLEET_REDIS_PORT:-6380}
S3_PORT=${FLEET_S3_PORT:-}
S3PROXY_VERSION=4.1.0
PGVECTOR_SUITE=${FLEET_PGVECTOR_SUITE:-trixie}
PGVECTOR_MIRROR=${FLEET_DEBIAN_MIRROR:-http://deb.debian.org/debian}

mkdir -p "$FLEET_RUN" "$FLEET_LOGS"
chmod 755 "$FLEET_HOME"

# ---------------------------------------------------------------- PostgreSQL

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1; }

# psql as the admin role: over TCP when that works (password in
# FLEET_PG_ADMIN_PASSWORD or trust), else as the postgres OS user on the socket.
pg_admin() {
  local sql=$1 db=${2:-postgres}
  export PGOPTIONS="-c client_min_messages=warning"
  if PGPASSWORD=${FLEET_PG_ADMIN_PASSWORD:-} PGCONNECT_TIMEOUT=5 psql -w -X -q -At -v ON_ERROR_STOP=1 \
      -h 127.0.0.1 -p "$PG_PORT" -U "$PG_ADMIN_USER" -d "$db" -c "select 1" >/dev/null 2>&1; then
    PGPASSWORD=${FLEET_PG_ADMIN_PASSWORD:-} psql -w -X -q -At -v ON_ERROR_STOP=1 \
      -h 127.0.0.1 -p "$PG_PORT" -U "$PG_ADMIN_USER" -d "$db" -c "$sql"
  elif [ "$(id -u)" -eq 0 ] && id postgres >/dev/null 2>&1; then
    (cd / && runuser -u postgres -- psql -w -X -q -At -v ON_ERROR_STOP=1 -h "${PG_SOCKET_DIR:-/var/run/postgresql}" \
      -p "$PG_PORT" -d "$db" -c "$sql")
  else
    die "cannot reach PostgreSQL on 127.0.0.1:$PG_PORT as an admin: set FLEET_PG_ADMIN_USER/FLEET_PG_ADMIN_PASSWORD"
  fi
}

start_own_postgres() {
  local bin data=$FLEET_HOME/pg/data
  bin=$(pg_bin)
  if [ -z "$bin" ]; then
    say postgres "installing PostgreSQL from the distribution"
    apt_install postgresql postgresql-contrib
    bin=$(pg_bin)
    # Debian's package may have created and started its own cluster on our port.
    if pg_isready -q -h 127.0.0.1 -p "$PG_PORT" 2>/dev/null; then
      say postgres "reused the cluster the package started on 127.0.0.1:$PG_PORT"
      return
    fi
  fi
  id postgres >/dev/null 2>&1 || die "PostgreSQL needs an OS user 'postgres' to run as"
  mkdir -p "$FLEET_HOME/pg" "$FLEET_RUN/pg-socket"
  chown postgres "$FLEET_HOME/pg" "$FLEET_RUN/pg-socket"
  if [ ! -f "$data/PG_VERSION" ]; then
    (cd / && runuser -u postgres -- "$bin/initdb" -D "$data" -U postgres --auth-local=peer \
      --auth-host=scram-sha-256 -E UTF8 >"$FLEET_LOGS/postgres-initdb.log" 2>&1) \
      || die "initdb failed, see $FLEET_LOGS/postgres-initdb.log"
  fi
  (cd / && runuser -u postgres -- "$bin/pg_ctl" -D "$data" -l "$FLEET_HOME/pg/postgres.log" -w -t 60 \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $FLEET_RUN/pg-socket" start >/dev/null) \
    || die "PostgreSQL did not start, see $FLEET_HOME/pg/postgres.log"
  head -n1 "$data/postmaster.pid" >"$FLEET_RUN/postgres.pid"
  PG_SOCKET_DIR=$FLEET_RUN/pg-socket
  say postgres "started on 127.0.0.1:$PG_PORT (pid $(cat "$FLEET_RUN/postgres.pid"), data $data, log $FLEET_HOME/pg/postgres.log)"
}

install_pgvector() {
  local major=$1 pgconfig=/usr/lib/postgresql/$1/bin/pg_config work apt_dir
  if [ ! -x "$pgconfig" ] || [ ! -f "$("$pgconfig" --includedir-server)/postgres.h" ]; then
    say pgvector "installing postgresql-server-dev-$major to build pgvector"
    apt_install "postgresql-server-dev-$major"
  fi
  command -v make >/dev/null && command -v gcc >/dev/null && command -v dpkg-source >/dev/null \
    || apt_install build-essential dpkg-dev
  # pgvector is not packaged for every release: build the source package of a
  # newer Debian suite with a private apt configuration (the machine's own
  # sources stay untouched).
  work=$FLEET_HOME/build/pgvector
  apt_dir=$work/apt
  rm -rf "$work" && mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/parts" "$work/src"
  echo "deb-src $PGVECTOR_MIRROR $PGVECTOR_SUITE main" >"$apt_dir/sources.list"
  local apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=$apt_dir/parts"
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache")
  apt-get "${apt_opts[@]}" update >"$FLEET_LOGS/pgvector-build.log" 2>&1 \
    || die "could not read the $PGVECTOR_SUITE source index, see $FLEET_LOGS/pgvector-build.log"
  (cd "$work/src" && apt-get "${apt_opts[@]}" source pgvector >>"$FLEET_LOGS/pgvector-build.log" 2>&1) \
    || die "could not fetch the pgvector source package, see $FLEET_LOGS/pgvector-build.log"
  local srcdir
  srcdir=$(find "$work/src" -maxdepth 1 -mindepth 1 -type d -name 'pgvector-*' | head -n1)
  [ -n "$srcdir" ] || die "pgvector source not unpacked, see $FLEET_LOGS/pgvector-build.log"
  (cd "$srcdir" && make OPTFLAGS="" PG_CONFIG="$pgconfig" && as_root make install PG_CONFIG="$pgconfig") \
    >>"$FLEET_LOGS/pgvector-build.log" 2>&1 || die "pgvector build failed, see $FLEET_LOGS/pgvector-build.log"
  say pgvector "built $(basename "$srcdir") from source and installed for PostgreSQL $major"
}

pg_login_works() {
  PGPASSWORD=$PG_PASSWORD PGCONNECT_TIMEOUT=5 psql -w -X -q -At -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" \
    -d "${1:-postgres}" -c "select 1" >/dev/null 2>&1
}

provision_postgres() {
  command -v psql >/dev/null 2>&1 || apt_install postgresql-client
  if pg_isready -q -h 127.0.0.1 -p "$PG_PORT" 2>/dev/null; then
    if pid_alive "$(pid_from "$FLEET_RUN/postgres.pid")"; then
      PG_SOCKET_DIR=$FLEET_RUN/pg-socket
      say postgres "already running (started by fleet, pid $(pid_from "$FLEET_RUN/postgres.pid")) on 127.0.0.1:$PG_PORT"
    else
      say postgres "reused the server already running on 127.0.0.1:$PG_PORT"
    fi
  else
    start_own_postgres
  fi
  local major
  major=$(pg_admin "show server_version_num")
  major=$((major / 10000))
  if [ -f "/usr/share/postgresql/$major/extension/vector.control" ]; then
    say pgvector "already installed for PostgreSQL $major"
  else
    install_pgvector "$major"
  fi
  local password_file=$FLEET_HOME/pg/fleet.password
  mkdir -p "$FLEET_HOME/pg"
  [ -s "$password_file" ] || (umask 077 && random_secret 24 >"$password_file")
  PG_PASSWORD=$(cat "$password_file")
  if [ -z "$(pg_admin "select 1 from pg_roles where rolname = '$PG_USER'")" ]; then
    pg_admin "create role $PG_USER login createdb password '$PG_PASSWORD'" >/dev/null
  elif ! pg_login_works; then
    # Another checkout may have set another password; only reset it when ours does not work.
    pg_admin "alter role $PG_USER login createdb password '$PG_PASSWORD'" >/dev/null
    say postgres "reset the password of role $PG_USER to the one in $password_file"
  fi
  # A template with the vector extension, from which the fleet's and the tests' databases are made.
  if [ -z "$(pg_admin "select 1 from pg_database where datname = '$PG_TEMPLATE'")" ]; then
    pg_admin "create database $PG_TEMPLATE owner $PG_USER" >/dev/null
  fi
  pg_admin "create extension if not exists vector" "$PG_TEMPLATE" >/dev/null
  pg_admin "update pg_database set datistemplate = true where datname = '$PG_TEMPLATE'" >/dev/null
  if [ -z "$(pg_admin "select 1 from pg_database where datname = '$PG_DB'")" ]; then
    pg_admin "create database $PG_DB owner $PG_USER template $PG_TEMPLATE" >/dev/null
    say postgres "created database $PG_DB (owner $PG_USER, with pgvector)"
  else
    say postgres "database $PG_DB exists"
  fi
  pg_login_works "$PG_DB" \
    || die "role $PG_USER cannot log in over TCP to 127.0.0.1:$PG_PORT: allow password (scram-sha-256 or md5) or trust for 127.0.0.1 in pg_hba.conf"
}

# --------------------------------------------------------------------- Redis

provision_redis() {
  if [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]; then
    local aof
    aof=$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" config get appendonly 2>/dev/null | tail -n1)
    if pid_alive "$(pid_from "$FLEET_RUN/redis.pid")"; then
      say redis "already running (started by fleet, pid $(pid_from "$FLEET_RUN/redis.pid")) on 127.0.0.1:$REDIS_PORT"
    elif [ "$aof" = "yes" ]; then
      say redis "reused the server already running on 127.0.0.1:$REDIS_PORT (appendonly yes)"
    else
      say redis "reused the server already running on 127.0.0.1:$REDIS_PORT; warning: appendonly is '$aof', so stream entries do not survive a Redis restart (set 'appendonly yes', or leave FLEET_REDIS_PORT unset to get the fleet's own Redis)"
    fi
    return
  fi
  command -v redis-server >/dev/null 2>&1 || { say redis "installing redis-server"; apt_install redis-server redis-tools; }
  mkdir -p "$FLEET_HOME/redis"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --appendonly yes --appendfsync everysec \
    --dir "$FLEET_HOME/redis" --daemonize yes --pidfile "$FLEET_RUN/redis.pid" \
    --logfile "$FLEET_LOGS/redis.log" || die "redis-server did not start, see $FLEET_LOGS/redis.log"
  local i
  for ((i = 0; i < 50; i++)); do
    [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ] && break
    sleep 0.2
  done
  [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ] || die "Redis did not answer, see $FLEET_LOGS/redis.log"
  say redis "started on 127.0.0.1:$REDIS_PORT with appendonly yes (pid $(pid_from "$FLEET_RUN/redis.pid"), log $FLEET_LOGS/redis.log)"
}

# ------------------------------------------------------------ S3 (S3Proxy)

provision_s3() {
  local dir=$FLEET_HOME/s3 jar conf creds pid
  mkdir -p "$dir/data" "$FLEET_HOME/lib"
  creds=$dir/credentials
  if [ ! -s "$creds" ]; then
    (umask 077 && printf 'S3_ACCESS_KEY=fleet%s\nS3_SECRET_KEY=%s\n' "$(random_secret 12)" "$(random_secret 40)" >"$creds")
  fi
  # shellcheck disable=SC1090
  . "$creds"
  pid=$(pid_from "$FLEET_RUN/s3proxy.pid")
  local recorded
  recorded=$(cat "$dir/port" 2>/dev/null || true)
  if pid_alive "$pid" && [ -n "$recorded" ] && port_open "$recorded" && { [ -z "$S3_PORT" ] || [ "$S3_PORT" = "$recorded" ]; }; then
    S3_PORT=$recorded
    say s3 "already running (started by fleet, pid $pid) on http://127.0.0.1:$S3_PORT"
    return
  fi
  if [ -n "$S3_PORT" ]; then
    port_open "$S3_PORT" && die "port $S3_PORT is taken by another process: set FLEET_S3_PORT to a free port"
  else
    # Default 9000 (MinIO's port); another checkout's endpoint may hold it, so take the next free one.
    for S3_PORT in $(seq 9000 9020); do port_open "$S3_PORT" || break; done
    port_open "$S3_PORT" && die "ports 9000-9020 are all taken: set FLEET_S3_PORT to a free port"
  fi
  echo "$S3_PORT" >"$dir/port"
  jar=$FLEET_HOME/lib/s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar
  if [ ! -s "$jar" ]; then
    say s3 "fetching S3Proxy $S3PROXY_VERSION from Maven Central"
    "$FLEET_ROOT/mvnw" -B -q dependency:copy -Dartifact="org.gaul:s3proxy:$S3PROXY_VERSION:jar:jar-with-dependencies" \
      -DoutputDirectory="$FLEET_HOME/lib" -Dmdep.overWriteIfNewer=true >"$FLEET_LOGS/s3proxy-fetch.log" 2>&1 \
      || die "could not fetch S3Proxy, see $FLEET_LOGS/s3proxy-fetch.log"
  fi
  conf=$dir/s3proxy.conf
  (umask 077 && cat >"$conf" <<CONF
s3proxy.endpoint=http://127.0.0.1:$S3_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$S3_ACCESS_KEY
s3proxy.credential=$S3_SECRET_KEY
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=$dir/data
CONF
  )
  nohup "$JAVA_HOME/bin/java" -Xmx256m -jar "$jar" --properties "$conf" >"$FLEET_LOGS/s3proxy.log" 2>&1 &
  echo $! >"$FLEET_RUN/s3proxy.pid"
  local i
  for ((i = 0; i < 150; i++)); do
    port_open "$S3_PORT" && break
    pid_alive "$(pid_from "$FLEET_RUN/s3proxy.pid")" || die "S3Proxy exited, see $FLEET_LOGS/s3proxy.log"
    sleep 0.2
  done
  port_open "$S3_PORT" || die "S3Proxy did not listen on $S3_PORT within 30s, see $FLEET_LOGS/s3proxy.log"
  say s3 "started S3Proxy on http://127.0.0.1:$S3_PORT (pid $(pid_from "$FLEET_RUN/s3proxy.pid"), data $dir/data, log $FLEET_LOGS/s3proxy.log)"
}

write_env() {
  local webhook_secret_file=$FLEET_HOME/webhook.secret
  [ -s "$webhook_secret_file" ] || (umask 077 && random_secret 40 >"$webhook_secret_file")
  local api_token_file=$FLEET_HOME/api-admin.token
  [ -s "$api_token_file" ] || (umask 077 && printf 'fleet_%s' "$(random_secret 40)" >"$api_token_file")
  local agent_token_file=$FLEET_HOME/api-agent.token
  [ -s "$agent_token_file" ] || (umask 077 && printf 'fleet_%s' "$(random_secret 40)" >"$agent_token_file")
  (umask 077 && cat >"$FLEET_ENV_FILE" <<ENV
# Written by deploy/local/provision.sh; read by deploy/local/fleet and the integration tests.
FLEET_PG_HOST=127.0.0.1
FLEET_PG_PORT=$PG_PORT
FLEET_PG_DATABASE=$PG_DB
FLEET_PG_TEMPLATE=$PG_TEMPLATE
FLEET_PG_USER=$PG_USER
FLEET_PG_PASSWORD=$PG_PASSWORD
FLEET_REDIS_HOST=127.0.0.1
FLEET_REDIS_PORT=$REDIS_PORT
FLEET_S3_ENDPOINT=http://127.0.0.1:$S3_PORT
FLEET_S3_ACCESS_KEY=$S3_ACCESS_KEY
FLEET_S3_SECRET_KEY=$S3_SECRET_KEY
FLEET_WEBHOOK_SECRET=$(cat "$webhook_secret_file")
FLEET_API_TOKEN=$(cat "$api_token_file")
FLEET_AGENT_TOKEN=$(cat "$agent_token_file")
FLEET_SANDBOX_TEST_DOCKER_HOST=unix://$SANDBOX_ENGINE_SOCK
FLEET_SANDBOX_TEST_IMAGE=$SANDBOX_TEST_IMAGE
FLEET_SANDBOX_TEST_DOCKERD_PIDFILE=$FLEET_RUN/dockerd.pid
FLEET_SANDBOX_TEST_DOCKER_CLI=$SANDBOX_ENGINE_CLI
FLEET_IMAGE_TEST_JDK=$IMAGE_JDK
FLEET_IMAGE_TEST_DOCKER_CLI=$IMAGE_DOCKER_CLI
ENV
  )
  say env "endpoints written to $FLEET_ENV_FILE"
}

# The QA agent runs repository code in a sandbox: bubblewrap in new namespaces, as nobody, with
# cgroup limits. Without it the agent refuses untrusted code unless an operator allows it.
provision_sandbox() {
  if command -v bwrap >/dev/null 2>&1; then
    say sandbox "bubblewrap $(bwrap --version 2>/dev/null | awk '{print $2}') present"
  elif [ "$(id -u)" = 0 ] || command -v sudo >/dev/null 2>&1; then
    say sandbox "installing bubblewrap"
    apt_install bubblewrap
  else
    say sandbox "warning: bubblewrap missing and no root to install it; the QA agent will refuse untrusted code"
  fi
  # The test runners the QA agent runs Python repositories with. Inside the sandbox only the
  # system's python3 is reachable (a pyenv under /root is not readable by nobody).
  if /usr/bin/python3 -c "import pytest, pytest_cov" >/dev/null 2>&1; then
    say sandbox "python3 with pytest and pytest-cov present"
  elif [ "$(id -u)" = 0 ] || command -v sudo >/dev/null 2>&1; then
    say sandbox "installing pytest and pytest-cov for the system python3"
    apt_install python3-pytest python3-pytest-cov
  fi
}

# The container sandbox (an agent in a Swarm container runs each command in a throwaway container
# instead of bubblewrap) is tested against a real Docker engine: Debian's docker.io, containerd and
# runc unpacked (not installed: no system service is registered or started, and no
# /var/run/docker.sock appears for Testcontainers to find) into $FLEET_HOME/tools/docker-engine,
# started for this FLEET_HOME on its own socket with no bridge and no iptables rules, and a small
# image made from Debian's busybox-static (no registry is needed).
# SANDBOX_ENGINE_KEY and SANDBOX_ENGINE_RUN: lib.sh.
SANDBOX_ENGINE_SOCK=$SANDBOX_ENGINE_RUN/docker.sock
SANDBOX_ENGINE_DIR=$FLEET_HOME/tools/docker-engine
SANDBOX_ENGINE_CLI=$SANDBOX_ENGINE_DIR/usr/bin/docker
SANDBOX_TEST_IMAGE=xpfleet/sandbox-test:busybox

engine_docker() { DOCKER_HOST=unix://$SANDBOX_ENGINE_SOCK "$SANDBOX_ENGINE_CLI" "$@"; }
sandbox_engine_answers() { [ -x "$SANDBOX_ENGINE_CLI" ] && engine_docker version >/dev/null 2>&1; }

unpack_sandbox_engine() {
  local bin=$SANDBOX_ENGINE_DIR tmp deb
  [ -x "$bin/usr/sbin/dockerd" ] && [ -x "$bin/usr/bin/containerd" ] && [ -x "$bin/usr/sbin/runc" ] \
    && [ -x "$bin/usr/bin/docker-init" ] && return 0
  say docker "unpacking Debian's docker.io, containerd, runc and tini into $bin"
  # Their libraries are installed (libraries only, no services); the programs are unpacked.
  apt_install libdevmapper1.02.1 libseccomp2 busybox-static
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download docker.io containerd runc tini) >>"$FLEET_LOGS/apt.log" 2>&1 \
    || { rm -rf "$tmp"; say docker "warning: apt-get download docker.io failed (see $FLEET_LOGS/apt.log)"; return 1; }
  mkdir -p "$bin"
  for deb in "$tmp"/*.deb; do
    dpkg-deb -x "$deb" "$bin" || { rm -rf "$tmp"; say docker "warning: cannot unpack $(basename "$deb")"; return 1; }
  done
  rm -rf "$tmp"
  ln -sf tini-static "$bin/usr/bin/docker-init" 2>/dev/null || true
}

provision_sandbox_engine() {
  if [ "${FLEET_PROVISION_DOCKER:-yes}" = no ]; then
    return 0
  fi
  if [ "$(id -u)" != 0 ]; then
    say docker "warning: the container sandbox's engine needs root; ContainerSandboxIT and ImagesIT will fail here"
    return 0
  fi
  unpack_sandbox_engine || return 0
  [ -x /bin/busybox ] || apt_install busybox-static
  if sandbox_engine_answers; then
    say docker "engine present on $SANDBOX_ENGINE_SOCK"
  else
    mkdir -p "$SANDBOX_ENGINE_RUN" "$FLEET_HOME/docker"
    PATH=$SANDBOX_ENGINE_DIR/usr/sbin:$SANDBOX_ENGINE_DIR/usr/bin:$PATH setsid dockerd \
      -H "unix://$SANDBOX_ENGINE_SOCK" --data-root "$FLEET_HOME/docker" \
      --exec-root "$SANDBOX_ENGINE_RUN/exec" --pidfile "$FLEET_RUN/dockerd.pid" \
      --bridge none --iptables=false --ip-masq=false --ip-forward=false \
      --containerd-namespace "xpfleet-$SANDBOX_ENGINE_KEY" \
      --containerd-plugins-namespace "xpfleet-plugins-$SANDBOX_ENGINE_KEY" \
      >"$FLEET_LOGS/dockerd.log" 2>&1 </dev/null &
    local i
    for i in $(seq 1 150); do
      sandbox_engine_answers && break
      sleep 0.2
    done
    if ! sandbox_engine_answers; then
      say docker "warning: dockerd did not answer on $SANDBOX_ENGINE_SOCK within 30s (see $FLEET_LOGS/dockerd.log); ContainerSandboxIT and ImagesIT will fail"
      return 0
    fi
    say docker "started dockerd on $SANDBOX_ENGINE_SOCK (pid $(pid_from "$FLEET_RUN/dockerd.pid"), data $FLEET_HOME/docker)"
  fi
  if ! engine_docker image inspect "$SANDBOX_TEST_IMAGE" >/dev/null 2>&1; then
    local root a
    root=$(mktemp -d)
    mkdir -p "$root/bin" "$root/etc" "$root/tmp"
    # A directory anybody may write: only the read-only root keeps a sandboxed command out of it.
    mkdir -m 1777 "$root/scratch"
    cp /bin/busybox "$root/bin/busybox"
    for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$root/bin/$a"; done
    printf 'root:x:0:0::/:/bin/sh\nnobody:x:65534:65534::/:/bin/sh\n' >"$root/etc/passwd"
    if ! tar -C "$root" -c . | engine_docker import --change 'ENV PATH=/bin' \
      --change 'ENV IMAGE_ONLY=what-a-sandboxed-command-must-not-see' - "$SANDBOX_TEST_IMAGE" >/dev/null; then
      rm -rf "$root"
      say docker "warning: importing $SANDBOX_TEST_IMAGE failed"
      return 1
    fi
    rm -rf "$root"
    say docker "imported $SANDBOX_TEST_IMAGE from busybox $(/bin/busybox | head -n1 | awk '{print $2}')"
  fi
}

# The fleet's images (deploy/docker/Dockerfile) are built in the tests on that same engine. Their
# base images (Temurin, docker:cli) are on registries these machines do not reach, so provisioning
# makes stand-ins: Debian bookworm (debootstrap from Debian's mirror) with this machine's JDK at
# Temurin's path, and an image holding only this machine's docker CLI. They are named
# xpfleet-local/* so nobody mistakes them for the real ones.
IMAGE_JDK=xpfleet-local/jdk:bookworm
IMAGE_DOCKER_CLI=xpfleet-local/docker-cli:host

provision_image_bases() {
  [ "${FLEET_PROVISION_DOCKER:-yes}" != no ] && [ "$(id -u)" = 0 ] && sandbox_engine_answers || return 0
  local root jdk
  if ! engine_docker image inspect "$IMAGE_JDK" >/dev/null 2>&1; then
    command -v debootstrap >/dev/null 2>&1 || apt_install debootstrap
    root=$(mktemp -d)
    say images "debootstrap bookworm for $IMAGE_JDK (about a minute)"
    if ! debootstrap --variant=minbase --include=ca-certificates bookworm "$root" "$PGVECTOR_MIRROR" \
      >"$FLEET_LOGS/debootstrap.log" 2>&1; then
      rm -rf "$root"
      say images "warning: debootstrap failed (see $FLEET_LOGS/debootstrap.log); ImagesIT will fail"
      return 0
    fi
    jdk=$(find_jdk) || die "no JDK 21+ to put in $IMAGE_JDK"
    mkdir -p "$root/opt/java"
    # -L: a distribution's JDK links into /etc; the image gets the files themselves. A link that
    # leads nowhere (Debian's src.zip) is left out; the JDK must still run in the image.
    cp -aL "$jdk" "$root/opt/java/openjdk" 2>>"$FLEET_LOGS/debootstrap.log" || true
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    printf 'deb %s bookworm main\n' "$PGVECTOR_MIRROR" >"$root/etc/apt/sources.list"
    if ! tar -C "$root" -c . | engine_docker import \
      --change 'ENV JAVA_HOME=/opt/java/openjdk' \
      --change 'ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'ENV LANG=C.UTF-8' - "$IMAGE_JDK" >/dev/null; then
      rm -rf "$root"
      say images "warning: importing $IMAGE_JDK failed; ImagesIT will fail"
      return 0
    fi
    rm -rf "$root"
    if ! engine_docker run --rm --network none "$IMAGE_JDK" java -version >>"$FLEET_LOGS/debootstrap.log" 2>&1; then
      engine_docker rmi "$IMAGE_JDK" >/dev/null 2>&1 || true
      say images "warning: the JDK at $jdk does not run in $IMAGE_JDK (see $FLEET_LOGS/debootstrap.log); ImagesIT will fail"
      return 0
    fi
    say images "imported $IMAGE_JDK ($("$jdk/bin/java" -version 2>&1 | head -n1))"
  fi
  if ! engine_docker image inspect "$IMAGE_DOCKER_CLI" >/dev/null 2>&1; then
    root=$(mktemp -d)
    mkdir -p "$root/usr/local/bin"
    cp "$SANDBOX_ENGINE_CLI" "$root/usr/local/bin/docker"
    tar -C "$root" -c . | engine_docker import - "$IMAGE_DOCKER_CLI" >/dev/null \
      || say images "warning: importing $IMAGE_DOCKER_CLI failed; ImagesIT will fail"
    rm -rf "$root"
    say images "imported $IMAGE_DOCKER_CLI (Debian's docker CLI, $("$SANDBOX_ENGINE_CLI" --version | awk '{print $3}' | tr -d ,))"
  fi
}

# promtool checks the Prometheus configuration and alert rules (deploy/prometheus) in the tests.
# Debian's package also brings a Prometheus server: the fleet does not use it (where systemd runs,
# the package starts it on its own).
provision_promtool() {
  if command -v promtool >/dev/null 2>&1; then
    say promtool "$(promtool --version 2>&1 | head -1) present"
  elif [ "$(id -u)" = 0 ] || command -v sudo >/dev/null 2>&1; then
    say promtool "installing prometheus (for promtool)"
    apt_install prometheus
  else
    say promtool "warning: promtool missing and no root to install it; the alert rules tests will fail"
  fi
}

# The Swarm stack (deploy/swarm-stack.yml) is checked in the tests without a Docker engine: `docker
# stack config` (the docker CLI) and `docker-compose config` (Compose v2, which also catches
# undefined networks). Binaries only, unpacked from Debian's packages under $FLEET_HOME/tools: no
# engine is installed or started.
deb_binary() {
  local suite=$1 package=$2 inside=$3 target=$4 work apt_dir
  work=$FLEET_HOME/build/$package
  apt_dir=$work/apt
  rm -rf "$work" && mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/parts" "$work/x"
  echo "deb $PGVECTOR_MIRROR $suite main" >"$apt_dir/sources.list"
  local apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=$apt_dir/parts"
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache")
  apt-get "${apt_opts[@]}" update >"$FLEET_LOGS/$package-fetch.log" 2>&1 \
    && (cd "$work" && apt-get "${apt_opts[@]}" download "$package" >>"$FLEET_LOGS/$package-fetch.log" 2>&1) \
    && dpkg-deb -x "$(ls "$work"/"$package"_*.deb | head -n1)" "$work/x" \
    && [ -x "$work/x/$inside" ] \
    || { say "$package" "warning: could not unpack $package from Debian $suite, see $FLEET_LOGS/$package-fetch.log; the stack check will fail"; return 0; }
  mkdir -p "$FLEET_HOME/tools"
  cp "$work/x/$inside" "$FLEET_HOME/tools/$target"
  rm -rf "$work"
  say "$package" "unpacked $target from Debian $suite into $FLEET_HOME/tools"
}

provision_stack_tools() {
  if command -v docker >/dev/null 2>&1 || [ -x "$FLEET_HOME/tools/docker" ]; then
    say docker "CLI present ($( (command -v docker || echo "$FLEET_HOME/tools/docker") | head -1)); no engine needed"
  else
    # Debian 12's docker.io (20.10) has no `docker stack config`; Debian 13's CLI package has.
    deb_binary trixie docker-cli usr/bin/docker docker
  fi
  if command -v docker-compose >/dev/null 2>&1 || [ -x "$FLEET_HOME/tools/docker-compose" ]; then
    say compose "docker-compose present"
  else
    deb_binary trixie docker-compose usr/libexec/docker/cli-plugins/docker-compose docker-compose
  fi
}

require_jdk
provision_postgres
provision_redis
provision_s3
provision_sandbox
# Only two tests need the engine and its images: a failure here (apt, the mirror, the kernel) is a
# warning, never the end of provisioning. (A subshell, so that die in apt_install ends only it.)
if ! (provision_sandbox_engine && provision_image_bases); then
  say docker "warning: the test engine or its images could not be provisioned; ContainerSandboxIT and ImagesIT will fail"
fi
provision_promtool
provision_stack_tools
write_env
