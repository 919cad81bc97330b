#!/usr/bin/env bash
# Runs every test of the workspace on a fresh Debian machine: installs what the tests need
# (skipping what is already there), starts the services they use, then lints and tests.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }

log "system packages"
need=()
command -v protoc >/dev/null 2>&1 || need+=(protobuf-compiler)
command -v python3 >/dev/null 2>&1 || need+=(python3 python3-venv)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi

for setup in scripts/setup-postgres.sh scripts/setup-python.sh; do
  if [ -f "$setup" ]; then
    log "$setup"
    bash "$setup"
  fi
done

log "format"
cargo fmt --all -- --check

log "clippy"
cargo clippy --workspace --all-targets -- -D warnings

log "tests"
mkdir -p target
cargo test --workspace 2>&1 | tee target/test-output.log
