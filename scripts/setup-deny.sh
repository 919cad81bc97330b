#!/usr/bin/env bash
# Installs cargo-deny (the dependency policy check: licenses, bans, duplicate versions,
# sources; policy in deny.toml), skipping it when it is already on PATH.
# cargo-deny's own release profile asks for fat LTO and one codegen unit, which took 25
# minutes to build on 2 cores; a policy check needs no peak speed, so it is built without
# LTO and at opt-level 1 (about 6 minutes; the check itself runs in 2 seconds).
set -euo pipefail

CARGO_DENY_VERSION=0.20.2
if command -v cargo-deny >/dev/null 2>&1; then
  printf '\n== setup-deny: cargo-deny already on PATH: %s\n' "$(command -v cargo-deny)"
  exit 0
fi
printf '\n== setup-deny: cargo install cargo-deny %s\n' "$CARGO_DENY_VERSION"
CARGO_PROFILE_RELEASE_LTO=false \
CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
  cargo install cargo-deny --version "$CARGO_DENY_VERSION" --locked
