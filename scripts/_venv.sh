# Sourced by scripts/study and scripts/test: make sure .venv exists and holds the project.
# Usage: ensure_venv EXTRA   (EXTRA is "" or "test"). Re-installs only when pyproject.toml changed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

ensure_venv() {
    local extra="${1:-}" stamp spec
    if [ ! -x "$VENV/bin/python" ]; then
        local py
        py="$(command -v python3 || command -v python)" || { echo "python3 not found" >&2; exit 1; }
        "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
            || { echo "trainer needs Python 3.11 or newer" >&2; exit 1; }
        echo "trainer: first run: creating $VENV (Python $("$py" -c 'import platform; print(platform.python_version())'))…" >&2
        "$py" -m venv "$VENV"
    fi
    stamp="$VENV/.installed${extra:+-$extra}"
    if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
        spec="$ROOT"
        [ -n "$extra" ] && spec="$ROOT[$extra]"
        echo "trainer: installing trainer${extra:+ with its $extra tools} and its packages into .venv (a minute or so, once)…" >&2
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$spec" >&2
        touch "$stamp"
        echo "trainer: installed. To have \`trainer\` on your PATH: export PATH=\"$VENV/bin:\$PATH\" (or: pipx install $ROOT)" >&2
    fi
}

compile_trainer() {
    # Byte-compile our own modules once (an editable install leaves them as source, and some
    # environments set PYTHONDONTWRITEBYTECODE): every launch then skips compiling them.
    "$VENV/bin/python" -m compileall -q "$ROOT/trainer" >/dev/null 2>&1 || true
}
