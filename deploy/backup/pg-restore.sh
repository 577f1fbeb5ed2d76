#!/bin/sh
# Restores a dump made by pg-backup.sh over the fleet's database:
#   pg-restore.sh <dump file>
# The dump is restored into a new database first (<db>_restore); only when that succeeded is the
# fleet's database dropped (its connections closed: DROP ... WITH (FORCE)) and the restored one
# renamed into its place, so a bad dump leaves the fleet's database as it was. Connect as a role
# that may create databases and owns the fleet's (the fleet role, here and in the stack).
# Connection: the libpq variables; PGDATABASE names the fleet's database (default fleet),
# FLEET_PG_OWNER the role that owns it afterwards (default: the connecting role) and
# FLEET_PG_TEMPLATE the template it is made from (default template0).
set -eu

dump=${1:?usage: pg-restore.sh <dump file>}
[ -s "$dump" ] || { echo "pg-restore: no dump at $dump" >&2; exit 2; }
if [ -n "${FLEET_PG_PASSWORD_FILE:-}" ]; then
  PGPASSWORD=$(cat "$FLEET_PG_PASSWORD_FILE")
  export PGPASSWORD
fi
db=${PGDATABASE:-fleet}
staging="${db}_restore"
owner=${FLEET_PG_OWNER:-${PGUSER:-$(id -un)}}
template=${FLEET_PG_TEMPLATE:-template0}

log() { printf '%s pg-restore %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
admin() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "$1"; }

pg_restore --list "$dump" >/dev/null || { echo "pg-restore: $dump is not a pg_dump archive" >&2; exit 2; }
admin "DROP DATABASE IF EXISTS \"$staging\""
admin "CREATE DATABASE \"$staging\" OWNER \"$owner\" TEMPLATE \"$template\""
# A template other than template0 brings the extensions (locally: fleet_template with pgvector, made
# by an admin); the dump's own CREATE and COMMENT of them are left out, as the fleet's role may not
# run them.
list=$(mktemp)
trap 'rm -f "$list"' EXIT
if [ "$template" = template0 ]; then
  pg_restore --list "$dump" >"$list"
else
  pg_restore --list "$dump" | grep -v -E ' (EXTENSION - |COMMENT - EXTENSION )' >"$list"
fi
log "restoring $dump into $staging"
if ! pg_restore --exit-on-error --no-owner --use-list="$list" -d "$staging" "$dump"; then
  admin "DROP DATABASE IF EXISTS \"$staging\""
  log "FAILED: $dump could not be restored; $db is untouched"
  exit 1
fi
admin "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"
admin "ALTER DATABASE \"$staging\" RENAME TO \"$db\""
log "restored $db from $dump"
