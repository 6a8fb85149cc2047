# Shared by tools/up and tools/check: install what is missing, extract fonts, configure, build.
# Sourced, not run. Idempotent; runs as root on a bare Debian 12.
set -euo pipefail

SEALFLOW_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${SEALFLOW_BUILD_DIR:-$SEALFLOW_ROOT/build}

# Build, test and cross-check dependencies, all from Debian 12's packages.
SEALFLOW_PACKAGES=(
  g++ cmake make pkg-config git ca-certificates
  libpodofo-dev libpoco-dev libxml2-dev libssl-dev libsqlite3-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  fonts-wqy-microhei fonts-arphic-uming python3 python3-fonttools
  poppler-utils qpdf openssl sqlite3 curl
  # The archive's PostgreSQL catalog: libpq-dev for linking Poco::DataPostgreSQL (its pkg-config
  # file), postgresql for the tests' throw-away cluster (initdb/pg_ctl, psql; see
  # tests/archive/pg-fixture.sh); zip for the archive benchmark's `zip -0` baseline.
  libpq-dev postgresql zip
)

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

install_packages() {
  local missing=()
  for p in "${SEALFLOW_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "packages: all ${#SEALFLOW_PACKAGES[@]} present"
    return
  fi
  log "packages: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "tools: need root to install packages (missing: ${missing[*]})" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# configure_and_build [ON|OFF]: with an argument, sets SEALFLOW_WERROR; without, keeps what the
# build folder has (so tools/up after tools/check does not rebuild everything for a flag).
configure_and_build() {
  local werror_flag=()
  [ -n "${1:-}" ] && werror_flag=(-DSEALFLOW_WERROR="$1")
  log "configure ($BUILD_DIR${1:+, warnings as errors: $1})"
  cmake -S "$SEALFLOW_ROOT" -B "$BUILD_DIR" "${werror_flag[@]}" >/dev/null
  log "build (-j2)"
  cmake --build "$BUILD_DIR" -j2
}
