# Sourced by run.sh and test.sh: installs what is missing, and nothing that is
# already there, so a warm run costs seconds. Safe to run as often as you like.
#
# Needs: a Rust toolchain installed with rustup, and a Debian-like system with
# apt-get (run as root or with sudo). Everything else is installed here.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION="0.21.14"
BINARYEN_VERSION="132.0.0"
AXE_VERSION="4.14.1"
TOOLS_DIR="$ROOT/.tools"

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$TOOLS_DIR/node_modules/.bin:$PATH"
export DEBIAN_FRONTEND=noninteractive

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

APT_UPDATED=""
# ensure_apt PACKAGE...: installs the Debian packages that are not installed yet.
ensure_apt() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get to install them"
  if [ -z "$APT_UPDATED" ]; then
    say "Updating the package lists"
    as_root apt-get update -qq
    APT_UPDATED=1
  fi
  say "Installing ${missing[*]}"
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_rust() {
  command -v cargo >/dev/null || die "Rust is not installed: install it with rustup, then run this again"
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "Adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

# The wasm-bindgen version Cargo.lock resolved; the CLI must match it exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

ensure_trunk() {
  if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    say "Installing trunk $TRUNK_VERSION (a few minutes, once)"
    cargo install --locked trunk --version "$TRUNK_VERSION"
  fi
}

ensure_wasm_bindgen() {
  local version
  version="$(wasm_bindgen_version)"
  [ -n "$version" ] || die "no wasm-bindgen in Cargo.lock"
  grep -q "^wasm_bindgen = \"$version\"" "$ROOT/Trunk.toml" \
    || die "Trunk.toml [tools] wasm_bindgen must be \"$version\", the version in Cargo.lock"
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $version" ]; then
    say "Installing wasm-bindgen-cli $version (a few minutes, once)"
    # Not --locked: the CLI's own lock file names crate versions some registries lack.
    cargo install wasm-bindgen-cli --version "$version"
  fi
}

# wasm-opt from npm's binaryen: Debian's older binaryen produces a module that
# fails to load in the browser.
ensure_wasm_opt() {
  if [ "$(wasm-opt --version 2>/dev/null | awk '{print $3}')" != "${BINARYEN_VERSION%%.*}" ]; then
    command -v npm >/dev/null || ensure_apt nodejs npm
    say "Installing binaryen $BINARYEN_VERSION (wasm-opt) into .tools"
    mkdir -p "$TOOLS_DIR"
    [ -f "$TOOLS_DIR/package.json" ] || echo '{ "private": true }' > "$TOOLS_DIR/package.json"
    npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
  fi
}

ensure_frontend_tools() {
  ensure_rust
  ensure_trunk
  ensure_wasm_bindgen
  ensure_wasm_opt
  # The release build's brotli copies (scripts/compress-web-client.sh).
  command -v brotli >/dev/null || ensure_apt brotli
}

# Node.js runs the benchmark's peer server (the Node ws chat).
ensure_node() {
  command -v node >/dev/null && command -v npm >/dev/null || ensure_apt nodejs npm
}

# axe-core: the accessibility rules the end-to-end tests check the page
# against (WCAG 2.1 A and AA), run inside the page under test.
ensure_axe() {
  AXE_JS="$TOOLS_DIR/node_modules/axe-core/axe.min.js"
  if [ "$(node -p "require('$TOOLS_DIR/node_modules/axe-core/package.json').version" 2>/dev/null)" != "$AXE_VERSION" ]; then
    ensure_node
    say "Installing axe-core $AXE_VERSION into .tools"
    mkdir -p "$TOOLS_DIR"
    [ -f "$TOOLS_DIR/package.json" ] || echo '{ "private": true }' > "$TOOLS_DIR/package.json"
    npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --silent "axe-core@$AXE_VERSION"
  fi
  export AXE_JS
}

# PostgreSQL and Redis, for the tests of several natter processes. The tests
# start servers of their own on loopback ports, in temporary folders; the
# packages' own services are not used (and PostgreSQL is told not to create
# its default cluster).
ensure_engines() {
  if ! dpkg-query -W -f='${Status}' postgresql 2>/dev/null | grep -q "install ok installed"; then
    as_root mkdir -p /etc/postgresql-common
    [ -f /etc/postgresql-common/createcluster.conf ] \
      || echo "create_main_cluster = false" | as_root tee /etc/postgresql-common/createcluster.conf >/dev/null
  fi
  ensure_apt postgresql redis-server
}

ensure_browser() {
  ensure_apt chromium chromium-driver
  export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}"
}

build_frontend() {
  say "Building the web client (release)"
  (cd "$ROOT" && trunk build --release --offline)
}
