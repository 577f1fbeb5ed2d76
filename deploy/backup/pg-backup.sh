#!/bin/sh
# Dumps the fleet's PostgreSQL database (pg_dump's custom format, every table, pgvector's included)
# into FLEET_BACKUP_DIR as fleet-<UTC time>.dump, written under a temporary name and renamed when
# complete, so a half-written dump is never taken for a backup. Then deletes the dumps older than
# FLEET_BACKUP_KEEP_DAYS days, always keeping the newest one.
#   pg-backup.sh once    one dump, then exit (deploy/local/fleet backup)
#   pg-backup.sh loop    a dump every FLEET_BACKUP_INTERVAL seconds (the stack's postgres-backup)
# Connection: the libpq variables (PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD), or the password
# read from FLEET_PG_PASSWORD_FILE (a Docker secret). POSIX sh: it runs in the postgres image.
set -eu

dir=${FLEET_BACKUP_DIR:-/backups/postgres}
keep_days=${FLEET_BACKUP_KEEP_DAYS:-14}
interval=${FLEET_BACKUP_INTERVAL:-21600}
if [ -n "${FLEET_PG_PASSWORD_FILE:-}" ]; then
  PGPASSWORD=$(cat "$FLEET_PG_PASSWORD_FILE")
  export PGPASSWORD
fi

# The log goes to stderr (the service's log); stdout names the dump written, for a caller.
log() { printf '%s pg-backup %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }

dump_once() {
  mkdir -p "$dir"
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  partial="$dir/.fleet-$stamp.dump.partial"
  final="$dir/fleet-$stamp.dump"
  if ! pg_dump --format=custom --compress=6 --no-owner --file="$partial"; then
    rm -f "$partial"
    log "FAILED: pg_dump of ${PGDATABASE:-fleet} on ${PGHOST:-localhost}:${PGPORT:-5432}"
    return 1
  fi
  mv "$partial" "$final"
  log "wrote $final ($(wc -c <"$final") bytes)"
  newest=$(ls -1 "$dir"/fleet-*.dump 2>/dev/null | sort | tail -n 1)
  find "$dir" -maxdepth 1 -name 'fleet-*.dump' -mtime +"$keep_days" | while read -r old; do
    if [ "$old" != "$newest" ]; then
      rm -f "$old" && log "deleted $old (older than $keep_days days)"
    fi
  done
  # What an interrupted run left behind.
  find "$dir" -maxdepth 1 -name '.fleet-*.dump.partial' -mmin +60 -exec rm -f {} \;
  echo "$final"
}

case "${1:-once}" in
  once) dump_once ;;
  loop)
    log "every $interval s into $dir, keeping $keep_days days"
    while true; do
      dump_once >/dev/null || true
      sleep "$interval"
    done
    ;;
  *) echo "usage: pg-backup.sh once|loop" >&2; exit 2 ;;
esac
