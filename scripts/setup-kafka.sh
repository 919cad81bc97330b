#!/usr/bin/env bash
# Installs what the Kafka transport's tests need, skipping whatever is already there:
#  - the C toolchain and headers librdkafka's bundled build compiles against
#    (rdkafka's `cmake-build` is not used: the default `configure` + make build needs only these);
#  - `tansu` 0.6.0, an independent Kafka-protocol broker the `kafka_tansu` tests start on
#    127.0.0.1 with in-memory storage, and with SQLite file storage (its `libsql` engine) where a
#    test restarts the broker and expects its log to survive (about 7 minutes to build on 2 idle
#    cores).
# Honours TANSU_TARGET_DIR to keep tansu's build cache between runs.
set -euo pipefail

log() { printf '\n== setup-kafka: %s\n' "$*"; }

need=()
command -v gcc >/dev/null 2>&1 || need+=(gcc)
command -v g++ >/dev/null 2>&1 || need+=(g++)
command -v make >/dev/null 2>&1 || need+=(make)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
command -v perl >/dev/null 2>&1 || need+=(perl)
dpkg -s libssl-dev >/dev/null 2>&1 || need+=(libssl-dev)
dpkg -s zlib1g-dev >/dev/null 2>&1 || need+=(zlib1g-dev)
if [ ${#need[@]} -gt 0 ]; then
  log "apt packages: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi

TANSU_VERSION=0.6.0
if command -v tansu >/dev/null 2>&1; then
  log "tansu already on PATH: $(command -v tansu)"
else
  log "cargo install tansu $TANSU_VERSION (features dynostore, libsql)"
  args=(install tansu --version "$TANSU_VERSION" --locked --features dynostore,libsql)
  if [ -n "${TANSU_TARGET_DIR:-}" ]; then
    args+=(--target-dir "$TANSU_TARGET_DIR")
  fi
  # A test broker needs no peak speed: optimizing less cuts its build time noticeably.
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 cargo "${args[@]}"
fi
