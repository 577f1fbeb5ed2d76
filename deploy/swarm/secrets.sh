#!/usr/bin/env bash
# Makes the Docker secrets deploy/swarm-stack.yml needs, on a Swarm manager. Each one that exists is
# left alone; a missing one is made from a file you name (FLEET_SECRET_<NAME>_FILE, e.g.
# FLEET_SECRET_FLEET_GITHUB_TOKEN_FILE=./github.token) or, for those the fleet makes itself, from
# random bytes. The admin token is printed once, for you to keep: it is not written anywhere.
#   deploy/swarm/secrets.sh
set -euo pipefail

random() { head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n' | cut -c1-"$1"; }

# name                        made by
secrets=(
  "fleet_pg_password            random"
  "fleet_redis_password         random"
  "fleet_s3_access_key          random"
  "fleet_s3_secret_key          random"
  "fleet_webhook_secret         random"
  "fleet_admin_token            token"
  "fleet_agent_token            token"
  "fleet_scraper_token          token"
  "fleet_grafana_admin_password random"
  "fleet_github_token           file"
  "fleet_model_api_key          optional"
)
for line in "${secrets[@]}"; do
  read -r name how <<<"$line"
  if docker secret inspect "$name" >/dev/null 2>&1; then
    echo "$name: exists, left as it is"
    continue
  fi
  var="FLEET_SECRET_$(echo "$name" | tr '[:lower:]' '[:upper:]')_FILE"
  file=${!var:-}
  if [ -n "$file" ]; then
    [ -s "$file" ] || { echo "$var names $file, which is missing or empty" >&2; exit 1; }
    docker secret create "$name" "$file" >/dev/null
    echo "$name: made from $file"
  elif [ "$how" = file ]; then
    echo "$name: missing; set $var to a file holding it" >&2
    exit 1
  elif [ "$how" = optional ]; then
    # A secret cannot be empty: one newline, which the services read as no value.
    printf '\n' | docker secret create "$name" - >/dev/null
    echo "$name: made empty (set $var to give one)"
  elif [ "$how" = token ]; then
    value="fleet_$(random 40)"
    printf '%s' "$value" | docker secret create "$name" - >/dev/null
    # Only the admin token is for a person; the agents' and Prometheus' stay in their secrets.
    if [ "$name" = fleet_admin_token ]; then
      echo "$name: made; keep it now, it is not shown again: $value"
    else
      echo "$name: made"
    fi
  else
    printf '%s' "$(random 40)" | docker secret create "$name" - >/dev/null
    echo "$name: made from random bytes"
  fi
done
