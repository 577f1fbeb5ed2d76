#!/bin/bash
# The image's health check: GET the service's liveness endpoint on SERVER_PORT over bash's /dev/tcp
# (no curl in the image) and succeed when it answers 200 with "UP".
set -u
exec 3<>"/dev/tcp/127.0.0.1/${SERVER_PORT:-8080}" || exit 1
printf 'GET /actuator/health/liveness HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
answer=$(timeout 4 cat <&3) || exit 1
case "$answer" in
  "HTTP/1.1 200"*'"UP"'*) exit 0 ;;
  *) exit 1 ;;
esac
