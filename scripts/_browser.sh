# Sourced by scripts/test: the browser test's Chromium and chromedriver, the distribution's
# own (no browser download: there may be no network for one). Installed with apt-get when
# missing, as root on a Debian-like system; elsewhere the browser test says why it skips.
# In CI, once they are there, the browser test must run (TRAINER_REQUIRE_BROWSER).

ensure_browser() {
    if ! { command -v chromium >/dev/null || command -v chromium-browser >/dev/null; } \
        || ! command -v chromedriver >/dev/null; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            echo "scripts/test: installing Chromium and its driver for the browser test (once)…" >&2
            local log
            log="$(mktemp "${TMPDIR:-/tmp}/trainer-apt.XXXXXX")"
            if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
                    apt-get install -y -qq chromium chromium-driver; } >"$log" 2>&1; then
                echo "scripts/test: could not install Chromium (see $log); the browser test will be skipped" >&2
                return 0
            fi
            rm -f "$log"
        else
            echo "scripts/test: no Chromium and chromedriver (not root, or no apt-get); the browser test will be skipped" >&2
            return 0
        fi
    fi
    if [ -n "${CI:-}" ]; then
        export TRAINER_REQUIRE_BROWSER=1
    fi
}
