#!/usr/bin/env bash
# The container runtime's part of the test command (docs/testing.md): runs a small subset of
# the integration tests (smoke tests, transfer round trips, the kit's helpers) with
# S3ENC_TEST_RUNTIME=container, i.e. MinIO and local-kms as containers from images built
# locally FROM scratch (or the images named by S3ENC_TEST_MINIO_IMAGE / S3ENC_TEST_LOCAL_KMS_IMAGE).
#
# Engine: the one already running (DOCKER_HOST or /var/run/docker.sock), else — as root — Debian's
# docker.io (apt-get), with a dockerd started here and stopped on exit, even on Ctrl-C. Without
# an engine (not root, no apt-get, install or start failed) it says so in one line and exits 0.
# Extra arguments replace the test subset. S3ENC_CONTAINERS=0 skips it.
set -euo pipefail
S3ENC_LOG_TAG=containers
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SUBSET=(test/smoke test/transfer/roundtrip.test.ts test/testing)
(($# > 0)) && SUBSET=("$@")
skip() {
  echo "[containers] no Docker engine ($1): container-runtime tests skipped"
  exit 0
}
[[ "${S3ENC_CONTAINERS:-1}" == 0 ]] && skip "S3ENC_CONTAINERS=0"

engine_up() { docker info >/dev/null 2>&1; }

started_dockerd=""
dockerd_log=""
# Everything of this run under one temp dir, removed on exit even when vitest is interrupted
# before its own teardown.
run_tmp="$(mktemp -d "${TMPDIR:-/tmp}/s3enc-containers.XXXXXX")"
# Only on a daemon started here (all its containers are ours); on a shared engine the kit's own
# watchdog removes each run's containers.
remove_our_containers() { # why
  local ids
  ids="$(docker ps -aq --filter label=s3enc.testing=true 2>/dev/null || true)"
  if [[ -n "$ids" ]]; then
    # shellcheck disable=SC2086
    docker rm -f $ids >/dev/null 2>&1 || true
    s3enc_log "removed $(wc -w <<<"$ids") s3enc test container(s) $1"
  fi
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$started_dockerd" ]]; then
    # The kit's watchdog removes a killed run's containers within a second; do it here too
    # before the daemon goes (it would only stop them).
    sleep 1
    remove_our_containers "still present at exit"
    kill -TERM "$started_dockerd" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$started_dockerd" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL "$started_dockerd" 2>/dev/null || true
    s3enc_log "stopped the dockerd started here (pid $started_dockerd)"
  fi
  rm -rf "$run_tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ! command -v docker >/dev/null 2>&1 || ! engine_up; then
  [[ -n "${DOCKER_HOST:-}" ]] && skip "DOCKER_HOST=$DOCKER_HOST does not answer"
  [[ "$(id -u)" == 0 ]] || skip "none running, and installing one needs root"
  if ! command -v dockerd >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || skip "none running, no dockerd, no apt-get to install docker.io"
    s3enc_log "installing docker.io (apt-get)"
    if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io; } >&2; then
      skip "apt-get install docker.io failed"
    fi
  fi
  dockerd_log="$run_tmp/dockerd.log"
  s3enc_log "starting dockerd (log $dockerd_log)"
  # --ip: ports this daemon publishes default to the host's loopback (the kit asks for it too).
  # setsid: a terminal's Ctrl-C must not reach dockerd (Go re-enables the SIGINT a background
  # job ignores) — it would stop the containers without removing them; the trap does both.
  setsid dockerd --ip 127.0.0.1 >"$dockerd_log" 2>&1 &
  started_dockerd=$!
  for _ in $(seq 1 150); do
    engine_up && break
    kill -0 "$started_dockerd" 2>/dev/null || break
    sleep 0.2
  done
  if ! engine_up; then
    tail -5 "$dockerd_log" >&2 || true
    skip "dockerd did not start"
  fi
fi
s3enc_log "engine: $(docker version --format 'server {{.Server.Version}}' 2>/dev/null || echo '?')"
if [[ -n "$started_dockerd" ]]; then
  remove_our_containers "left by an earlier run"
fi

# Node 22, the oldest supported line (the machine's own Node only bootstraps).
NODE="${S3ENC_CONTAINERS_NODE:-$S3ENC_NODE22}"
cd "$S3ENC_ROOT"
TMPDIR="$run_tmp" S3ENC_TEST_RUNTIME=container "$NODE" node_modules/vitest/vitest.mjs run --project integration "${SUBSET[@]}"
