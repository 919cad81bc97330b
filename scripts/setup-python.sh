#!/usr/bin/env bash
# Creates <repo>/.venv and installs tests/python/requirements.txt into it (idempotent:
# an existing venv that already satisfies the requirements is left untouched).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$repo_root/.venv"
requirements="$repo_root/tests/python/requirements.txt"
python_bin="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
    echo "setup-python: creating $venv"
    if ! "$python_bin" -m venv "$venv"; then
        # Debian's python3 ships venv separately.
        if command -v apt-get >/dev/null 2>&1; then
            apt-get update -q
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv
            "$python_bin" -m venv "$venv"
        else
            echo "setup-python: '$python_bin -m venv' failed and apt-get is unavailable" >&2
            exit 1
        fi
    fi
fi

# A marker holding the requirements' hash makes re-runs instant when nothing changed.
marker="$venv/.streamhouse-requirements.sha256"
wanted="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [ -f "$marker" ] && [ "$(cat "$marker")" = "$wanted" ] \
    && "$venv/bin/python" -c 'import confluent_kafka.schema_registry, grpc_tools' 2>/dev/null; then
    echo "setup-python: $venv already satisfies $requirements"
    exit 0
fi

echo "setup-python: installing $requirements"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
"$venv/bin/python" -c 'import confluent_kafka.schema_registry, grpc_tools'
echo "$wanted" >"$marker"
echo "setup-python: ready ($("$venv/bin/python" -c 'import confluent_kafka; print("confluent-kafka", confluent_kafka.version()[0])'))"
