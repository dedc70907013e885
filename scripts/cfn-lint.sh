#!/usr/bin/env bash
# Lints the Lambda templates (examples/*/template.yaml) with cfn-lint; a step of
# scripts/test.sh. Any finding fails, warnings included (cfn-lint's exit code is a bit set:
# 2 errors, 4 warnings, 8 informational). cfn-lint (version in versions.env) is installed with
# pip into a private venv, $S3ENC_CACHE_DIR/venvs/cfn-lint-<version>, on first use. Also checks
# that every template's Runtime is the one the bundles are built for
# (examples/shared/src/bundle.ts LAMBDA_RUNTIME). Needs python3 with the venv module.
set -euo pipefail
S3ENC_LOG_TAG=cfn-lint
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$S3ENC_ROOT"

venv="$S3ENC_CACHE_DIR/venvs/cfn-lint-$CFN_LINT_VERSION"
cfn_lint="$venv/bin/cfn-lint"
if ! "$cfn_lint" --version 2>/dev/null | grep -qx "cfn-lint $CFN_LINT_VERSION"; then
  command -v python3 >/dev/null 2>&1 ||
    s3enc_die "python3 (with venv and pip) is required to install cfn-lint but was not found on PATH"
  mkdir -p "$S3ENC_CACHE_DIR/venvs"
  # Serialise concurrent installs into the shared cache dir (a venv cannot be moved once made).
  if command -v flock >/dev/null 2>&1; then
    exec 8>"$S3ENC_CACHE_DIR/venvs/.cfn-lint.lock"
    flock 8
  fi
  if ! "$cfn_lint" --version 2>/dev/null | grep -qx "cfn-lint $CFN_LINT_VERSION"; then
    s3enc_log "installing cfn-lint $CFN_LINT_VERSION (pip) into $venv"
    rm -rf "$venv"
    { python3 -m venv "$venv" &&
      "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        "cfn-lint==$CFN_LINT_VERSION"; } >&2 ||
      { rm -rf "$venv"; s3enc_die "installing cfn-lint==$CFN_LINT_VERSION with pip failed"; }
  fi
fi

runtime="$(sed -n "s/^export const LAMBDA_RUNTIME = '\(.*\)';$/\1/p" examples/shared/src/bundle.ts)"
[[ -n "$runtime" ]] || s3enc_die "LAMBDA_RUNTIME not found in examples/shared/src/bundle.ts"
templates=(examples/*/template.yaml)
for t in "${templates[@]}"; do
  while read -r r; do
    [[ "$r" == "$runtime" ]] || s3enc_die "$t uses Runtime $r; the bundles are built for $runtime"
  done < <(sed -n 's/^ *Runtime: *\([^ ]*\).*/\1/p' "$t")
done

s3enc_log "$("$cfn_lint" --version) on ${templates[*]} (Runtime $runtime)"
"$cfn_lint" -- "${templates[@]}" || s3enc_die "cfn-lint reported findings (exit $?); warnings fail too"
s3enc_log "ok"
