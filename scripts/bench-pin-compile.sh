#!/usr/bin/env bash
# Compile-time cost of drift pins (issue 6): one generated crate with N types that derive
# StreamSchema, each pinned to its .avsc file (plus a nested derived type each), against the
# same crate with serde's derive alone, and (to separate the pin checks from the derive's
# codecs) with StreamSchema unpinned. All are built in the same run, with the same warm
# dependency cache, RUNS times each (touching lib.rs); the median wall time and the median
# CPU time (user + system of cargo and rustc, which a busy machine disturbs far less than the
# wall time) are printed.
#
#   scripts/bench-pin-compile.sh [N=100] [RUNS=3]
#   KEEP=dir scripts/bench-pin-compile.sh ...   # keep the generated crates in dir
set -euo pipefail
N=${1:-100}
RUNS=${2:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${KEEP:-}" ]; then
  WORK=$KEEP
  mkdir -p "$WORK"
else
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
fi
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$WORK/target}

gen() { # $1 = crate dir, $2 = "pinned" | "unpinned" | "serde"
  local dir=$1 kind=$2
  mkdir -p "$dir/src" "$dir/schemas"
  cat >"$dir/Cargo.toml" <<TOML
[package]
name = "bench-$kind"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
serde = { version = "1", features = ["derive"] }
streamhouse-schema = { path = "$ROOT/streamhouse-schema", default-features = false }
TOML
  {
    echo "#![allow(dead_code)]"
    [ "$kind" != serde ] && echo "use streamhouse_schema::StreamSchema;"
    for i in $(seq 1 "$N"); do
      if [ "$kind" = pinned ]; then
        echo "#[derive(StreamSchema, serde::Serialize, serde::Deserialize)]"
        echo "#[stream_schema(namespace = \"bench\", pin = \"schemas/order$i.avsc\")]"
      elif [ "$kind" = unpinned ]; then
        echo "#[derive(StreamSchema, serde::Serialize, serde::Deserialize)]"
        echo "#[stream_schema(namespace = \"bench\")]"
      else
        echo "#[derive(serde::Serialize, serde::Deserialize)]"
      fi
      echo "pub struct Order$i { pub id: String, pub qty: i32, pub amount: i64, pub note: Option<String>, pub items: Vec<Item$i> }"
      if [ "$kind" != serde ]; then
        echo "#[derive(StreamSchema, serde::Serialize, serde::Deserialize)]"
        echo "#[stream_schema(namespace = \"bench\")]"
      else
        echo "#[derive(serde::Serialize, serde::Deserialize)]"
      fi
      echo "pub struct Item$i { pub sku: String, pub qty: i32 }"
    done
  } >"$dir/src/lib.rs"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

time_builds() { # $1 = crate dir; prints "wall_s cpu_s" (medians)
  local dir=$1 runs
  runs=$(for _ in $(seq 1 "$RUNS"); do
    touch "$dir/src/lib.rs"
    /usr/bin/time -f "%e %U %S" -o "$WORK/time.txt" cargo build --quiet --manifest-path "$dir/Cargo.toml"
    awk '{printf "%s %.2f\n", $1, $2 + $3}' "$WORK/time.txt"
  done)
  echo "$(echo "$runs" | cut -d' ' -f1 | median) $(echo "$runs" | cut -d' ' -f2 | median)"
}

gen "$WORK/serde" serde
gen "$WORK/unpinned" unpinned
gen "$WORK/pinned" pinned
# Warm the dependency cache and write the pinned files (first build of each).
cargo build --quiet --manifest-path "$WORK/serde/Cargo.toml"
cargo build --quiet --manifest-path "$WORK/unpinned/Cargo.toml"
( cd "$WORK/pinned" && STREAMHOUSE_SCHEMA_UPDATE=1 cargo build --quiet )
[ "$(ls "$WORK/pinned/schemas" | wc -l)" -eq "$N" ] || { echo "pins were not written" >&2; exit 1; }

read -r serde_s serde_cpu <<<"$(time_builds "$WORK/serde")"
read -r unpinned_s unpinned_cpu <<<"$(time_builds "$WORK/unpinned")"
read -r pinned_s pinned_cpu <<<"$(time_builds "$WORK/pinned")"
echo "types=$N runs=$RUNS wall_s: serde_only=$serde_s unpinned=$unpinned_s pinned=$pinned_s"
echo "types=$N runs=$RUNS cpu_s:  serde_only=$serde_cpu unpinned=$unpinned_cpu pinned=$pinned_cpu"
