#!/usr/bin/env bash
# Runs every test of the workspace on a fresh Debian machine: installs what the tests need
# (skipping what is already there), starts the services they use, then lints and tests.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }

# Disk, not CPU, is what runs out first on a small CI machine: no incremental caches (a
# one-shot build never reuses them) and no debug info (trybuild builds the cases' dependencies
# a second time in target/tests/trybuild, where the workspace's [profile] does not reach but
# these variables do).
export CARGO_INCREMENTAL=0
export CARGO_PROFILE_DEV_DEBUG=0
export CARGO_PROFILE_TEST_DEBUG=0
export RUST_BACKTRACE=1
# `cargo install`ed tools (tansu) live here.
export PATH="$HOME/.cargo/bin:$PATH"
df -h . | tail -1

log "system packages"
need=()
command -v protoc >/dev/null 2>&1 || need+=(protobuf-compiler)
command -v python3 >/dev/null 2>&1 || need+=(python3 python3-venv)
# The schema browser's test drives Debian's chromium through chromedriver.
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi

for setup in scripts/setup-postgres.sh scripts/setup-python.sh scripts/setup-kafka.sh scripts/setup-deny.sh; do
  if [ -f "$setup" ]; then
    log "$setup"
    bash "$setup"
  fi
done

log "format"
cargo fmt --all -- --check

# The dependency policy (deny.toml). Advisories need the RustSec database, fetched from
# GitHub: checked when it can be reached, else CI says they were skipped.
log "dependency policy (cargo deny)"
cargo deny check -D warnings licenses bans sources
if timeout 20 git ls-remote https://github.com/rustsec/advisory-db HEAD >/dev/null 2>&1; then
  cargo deny check advisories
else
  echo "cargo deny: advisories SKIPPED: the RustSec advisory database (github.com/rustsec/advisory-db) cannot be reached from this machine"
fi

# The Kafka transport is a feature users opt into (a C build); the examples' `kafka` feature
# turns it on for the whole workspace, so one build lints and tests everything, Kafka included
# (librdkafka's mock cluster, a tansu broker, Confluent's Python client as a peer).
FEATURES=(--features streamhouse-suite/kafka)

log "clippy"
cargo clippy --workspace --all-targets "${FEATURES[@]}" -- -D warnings
# ...and the code paths for users without the feature.
cargo clippy -p streamhouse-schema -p streamhouse-suite --lib --examples -- -D warnings
# The codec-only build (`default-features = false`): derive, schemas, codecs, no runtime stack.
cargo clippy -p streamhouse-schema --no-default-features --lib -- -D warnings
cargo clippy -p streamhouse-schema --no-default-features --features server --lib -- -D warnings
if cargo tree -p streamhouse-schema --no-default-features -e normal | grep -E '^[^a-z]*(tokio|reqwest|hyper|h2) v'; then
  echo "the codec-only build pulls in a runtime or HTTP stack (above)" >&2
  exit 1
fi

# The API docs build without a warning (broken or private intra-doc links included).
log "docs"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps -p streamhouse-schema -p streamhouse-schema-core \
  -p streamhouse-schema-derive --features streamhouse-schema/full

log "tests"
mkdir -p target
cargo test --workspace "${FEATURES[@]}" 2>&1 | tee target/test-output.log
log "disk used by target/"
du -sh target 2>/dev/null || true
