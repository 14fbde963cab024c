# Shared by the scripts: installs what Vigie needs on a fresh Debian machine.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# System packages the build and tests need (SQLite with FTS5 for the store).
SYSTEM_PACKAGES=(libsqlite3-dev sqlite3 libstemmer-dev libzstd-dev)

ensure_packages() {
    local missing=()
    for package in "$@"; do
        dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
    done
    if [ ${#missing[@]} -eq 0 ]; then return; fi
    echo "==> installing ${missing[*]}"
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        echo "error: Swift 6.1 or newer is needed (swift.org/install); 'swift' is not on PATH" >&2
        exit 1
    fi
}
