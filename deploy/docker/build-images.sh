#!/usr/bin/env bash
# Builds every service's image from the jars of `./mvnw package` and, with --push, pushes them:
#   deploy/docker/build-images.sh [--push]      (FLEET_REGISTRY, FLEET_VERSION: the tags' parts)
# Needs a Docker engine with BuildKit (Docker 23+, or DOCKER_BUILDKIT=1 on 20.10) and the base
# images. On the machines the fleet is developed on no registry serves them: ImagesIT runs this
# script there against provisioning's dockerd with stand-in bases (docs/operations.md, "Images").
set -euo pipefail
cd "$(dirname "$0")/../.."
registry=${FLEET_REGISTRY:-xpfleet}
version=${FLEET_VERSION:-latest}
push=${1:-}

# The QA agent's analysers go into the builder image (the qa-tools module's output).
qa_tools=agents/qa-agent/tools/target/qa-tools
[ -d "$qa_tools/lib" ] || { echo "no $qa_tools: run ./mvnw -B package -DskipTests first" >&2; exit 1; }
# Base images: FLEET_JRE_IMAGE, FLEET_JDK_IMAGE, FLEET_DOCKER_CLI_IMAGE override the Dockerfile's.
base_args=()
[ -n "${FLEET_JRE_IMAGE:-}" ] && base_args+=(--build-arg "JRE_IMAGE=$FLEET_JRE_IMAGE")
[ -n "${FLEET_JDK_IMAGE:-}" ] && base_args+=(--build-arg "JDK_IMAGE=$FLEET_JDK_IMAGE")
[ -n "${FLEET_DOCKER_CLI_IMAGE:-}" ] && base_args+=(--build-arg "DOCKER_CLI_IMAGE=$FLEET_DOCKER_CLI_IMAGE")
# Further arguments for every docker build (word-split), e.g. "--network host" on an engine
# without a bridge.
read -r -a extra_args <<<"${FLEET_DOCKER_BUILD_ARGS:-}"

# service  module                     port  target
images=(
  "orchestrator      orchestrator              8080 service"
  "dev-agent         agents/dev-agent          8081 builder"
  "qa-agent          agents/qa-agent           8082 builder"
  "review-agent      agents/review-agent       8083 builder"
  "refactor-agent    agents/refactor-agent     8084 service"
  "pair-coordinator  agents/pair-coordinator   8085 service"
)
for line in "${images[@]}"; do
  read -r name module port target <<<"$line"
  jar=$(ls "$module/target/$(basename "$module")"-*.jar 2>/dev/null | grep -v -e '-sources' -e '-javadoc' -e '-tests' | head -n1 || true)
  [ -n "$jar" ] || { echo "no jar in $module/target: run ./mvnw -B package -DskipTests first" >&2; exit 1; }
  docker build -f deploy/docker/Dockerfile --target "$target" --build-arg JAR="$jar" --build-arg PORT="$port" \
    --build-arg QA_TOOLS="$qa_tools" ${base_args[@]+"${base_args[@]}"} ${extra_args[@]+"${extra_args[@]}"} \
    -t "$registry/$name:$version" .
  if [ "$push" = --push ]; then docker push "$registry/$name:$version"; fi
done
