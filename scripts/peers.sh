#!/usr/bin/env bash
# Builds the interop peers (idempotent; scripts/test.sh calls it, test/peers/peers.ts too):
#   1. a private Python venv with the pinned S3 Encryption Client for Python and AWS Encryption
#      SDK for Python (test/peers/python/requirements.txt, PyPI);
#   2. the Java peers (test/peers/java: S3 Encryption Client 4.x, AWS SDK for Java v1 encryption
#      clients; Maven Central), compiled with javac against the classpath Maven resolves.
# Both are cached under $S3ENC_CACHE_DIR/peers, keyed on a hash of their inputs, and reused.
# Prints one line per step on stderr. With --json (test/peers/peers.ts), also one JSON line on
# stdout naming what was built:
#   {"python": ".../bin/python", "pythonDir": "...", "java": "...", "javaClasspath": "..."}
set -euo pipefail
S3ENC_LOG_TAG=peers
[[ $# -eq 0 || ( $# -eq 1 && "$1" == "--json" ) ]] || { echo "usage: scripts/peers.sh [--json]" >&2; exit 2; }
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PEERS_SRC="$S3ENC_ROOT/test/peers"
PEERS_CACHE="$S3ENC_CACHE_DIR/peers"
mkdir -p "$PEERS_CACHE"
# Concurrent runs (test workers, several clones) share the cache: one builds, the others wait.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$PEERS_CACHE/.lock"
  flock 9
fi

# sha256 over the named files' contents and paths (relative to test/peers), in C sort order.
hash_inputs() {
  (cd "$PEERS_SRC" && LC_ALL=C sort <(printf '%s\n' "$@") | while read -r f; do
    printf '%s  %s\n' "$(sha256sum <"$f" | cut -d' ' -f1)" "$f"
  done) | sha256sum | cut -c1-16
}

# ---------------------------------------------------------------------------------------------
# 1. Python
PYTHON_BIN="$(command -v python3 || true)"
[[ -n "$PYTHON_BIN" ]] || s3enc_die "python3 (>= 3.9) is required for the Python peers but is not on PATH (apt-get install python3 python3-venv)."
"$PYTHON_BIN" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 9) else 1)' 2>/dev/null ||
  s3enc_die "$PYTHON_BIN is $("$PYTHON_BIN" -V 2>&1) or lacks the venv module; the Python peers need Python >= 3.9 with venv."
py_key="$(hash_inputs python/requirements.txt)-py$("$PYTHON_BIN" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
VENV="$PEERS_CACHE/venv-$py_key"
if [[ -f "$VENV/.complete" ]]; then
  s3enc_log "python venv present ($VENV)"
else
  s3enc_log "creating python venv $VENV (pip install from PyPI, test/peers/python/requirements.txt)"
  rm -rf "$VENV" "$VENV.tmp"
  # A venv records its own path: build it in place, mark it complete only at the end.
  "$PYTHON_BIN" -m venv "$VENV" || s3enc_die "python3 -m venv failed (apt-get install python3-venv?)"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    -r "$PEERS_SRC/python/requirements.txt" >&2 ||
    s3enc_die "pip install of test/peers/python/requirements.txt failed (see above)"
  "$VENV/bin/python" -c 'import s3_encryption, aws_encryption_sdk, boto3' ||
    s3enc_die "the venv $VENV does not import s3_encryption/aws_encryption_sdk/boto3"
  touch "$VENV/.complete"
fi

# ---------------------------------------------------------------------------------------------
# 2. Java
command -v java >/dev/null && command -v javac >/dev/null ||
  s3enc_die "Java 17+ (java, javac) is required for the Java peers (apt-get install openjdk-17-jdk-headless)."
command -v mvn >/dev/null || s3enc_die "Maven (mvn) is required to fetch the Java peers' dependencies (apt-get install maven)."
command -v keytool >/dev/null || s3enc_die "keytool (from the JDK) is required to give the Java peers the test CA."
mapfile -t java_srcs < <(cd "$PEERS_SRC" && find java/src -name '*.java' | LC_ALL=C sort)
java_key="$(hash_inputs java/pom.xml "${java_srcs[@]}")"
JAVA_DIR="$PEERS_CACHE/java-$java_key"
classpath_present() { # every jar of the recorded classpath is still in the Maven cache
  local jar
  IFS=: read -ra jars <"$JAVA_DIR/classpath.txt"
  for jar in "${jars[@]}"; do [[ -f "$jar" ]] || return 1; done
}
if [[ -f "$JAVA_DIR/.complete" ]] && classpath_present; then
  s3enc_log "java peers present ($JAVA_DIR)"
else
  rm -rf "$JAVA_DIR"
  mkdir -p "$JAVA_DIR"
  s3enc_log "resolving the java peers' dependencies (Maven Central, test/peers/java/pom.xml)"
  # Maven's output goes to a log, shown only when it fails.
  if ! (cd "$PEERS_SRC/java" && mvn -q -B -Dstyle.color=never -Dmaven.repo.local="$PEERS_CACHE/m2" \
    dependency:build-classpath -Dmdep.outputFile="$JAVA_DIR/classpath.txt" >"$JAVA_DIR/mvn.log" 2>&1); then
    cat "$JAVA_DIR/mvn.log" >&2
    s3enc_die "mvn dependency:build-classpath failed for test/peers/java/pom.xml (see above)"
  fi
  s3enc_log "compiling the java peers (javac --release 17)"
  (cd "$PEERS_SRC" && javac -encoding UTF-8 --release 17 -nowarn \
    -cp "$(cat "$JAVA_DIR/classpath.txt")" -d "$JAVA_DIR/classes" "${java_srcs[@]}" >&2) ||
    s3enc_die "javac failed on test/peers/java (see above)"
  touch "$JAVA_DIR/.complete"
fi

# Old builds of other inputs are left for other clones; drop the ones unused for 14 days.
find "$PEERS_CACHE" -maxdepth 1 \( -name 'venv-*' -o -name 'java-*' \) -mtime +14 \
  -exec rm -rf {} + 2>/dev/null || true

s3enc_log "peers ready"
[[ "${1:-}" == "--json" ]] || exit 0
"$PYTHON_BIN" -c 'import json, sys; print(json.dumps({"python": sys.argv[1], "pythonDir": sys.argv[2], "java": sys.argv[3], "javaClasspath": sys.argv[4] + ":" + open(sys.argv[5]).read().strip()}))' \
  "$VENV/bin/python" "$PEERS_SRC/python" "$(command -v java)" "$JAVA_DIR/classes" "$JAVA_DIR/classpath.txt"
