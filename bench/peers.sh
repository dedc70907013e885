#!/usr/bin/env bash
# The peer benchmark in one command (bench/peers.ts says what it measures and its variables):
#   bash bench/peers.sh                         # full run (about 40 min on 2 cores)
#   BENCH_QUICK=1 bash bench/peers.sh           # smoke: 64 MiB, 200 files, 2 rounds
#   S3ENC_PEERS_SECTIONS=sweep bash bench/peers.sh   # concurrency × part size of the CLI
# Installs the peers privately (bench/peers-install.sh), runs on Node 22 against the built CLI
# (pnpm build first).
set -euo pipefail
S3ENC_LOG_TAG=bench-peers
# shellcheck source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
[[ -x "$S3ENC_NODE22" ]] || s3enc_die "Node 22 is not installed: run scripts/bootstrap.sh"
s3enc_path_node22
cd "$S3ENC_ROOT"
# The servers' run directory (CA, MinIO's data) lives in a private TMPDIR: sweeps of /tmp by
# other jobs on a shared machine must not pull it from under a 40-minute run.
mkdir -p .cache
TMPDIR="$(mktemp -d "$S3ENC_ROOT/.cache/peers-tmp-XXXXXX")"
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT
"$S3ENC_NODE22" node_modules/tsx/dist/cli.mjs bench/peers.ts
