# Shared set-up for scripts/dev and scripts/test: tools and database.
# Sourced, not run. Installs only what is missing.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CARGO_LEPTOS_VERSION="0.3.10"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export PATH="$HOME/.cargo/bin:$ROOT/end2end/node_modules/.bin:$PATH"

say() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

ensure_tools() {
  command -v cargo >/dev/null || die "cargo is missing: install Rust with rustup (https://rustup.rs) first"
  command -v npm >/dev/null || die "npm is missing: install Node.js 20 or later"

  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi

  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (takes about 15 minutes, once)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
  fi

  # The wasm-bindgen CLI must match the wasm-bindgen crate in Cargo.lock,
  # or the built page fails to hydrate.
  local wb_version
  wb_version="$(grep -A1 '^name = "wasm-bindgen"$' "$ROOT/Cargo.lock" | sed -n 's/^version = "\(.*\)"/\1/p')"
  if ! wasm-bindgen --version 2>/dev/null | grep -q "$wb_version"; then
    say "installing wasm-bindgen-cli $wb_version (takes a few minutes, once)"
    cargo install wasm-bindgen-cli --version "$wb_version"
  fi

  # npm's binaryen provides wasm-opt for release builds.
  if [ ! -x "$ROOT/end2end/node_modules/.bin/wasm-opt" ] || [ ! -d "$ROOT/end2end/node_modules/@playwright/test" ]; then
    say "installing npm packages in end2end/"
    (cd "$ROOT/end2end" && npm ci --no-audit --no-fund)
  fi
}

port_open() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

find_pg_bin() {
  if command -v pg_ctl >/dev/null; then dirname "$(command -v pg_ctl)"; return; fi
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

# Sets DATABASE_URL_BASE (a server URL without a database name). Uses
# DATABASE_URL when set; else the local Postgres on 127.0.0.1:5432; else a
# private cluster in .pgdata/ when the Postgres binaries are installed.
ensure_postgres() {
  if [ -n "${DATABASE_URL:-}" ]; then
    DATABASE_URL_BASE="${DATABASE_URL%/*}"
    return
  fi
  if port_open 127.0.0.1 5432; then
    DATABASE_URL_BASE="postgres://postgres@127.0.0.1:5432"
    return
  fi
  local bin
  bin="$(find_pg_bin)"
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    die "no Postgres server answers on 127.0.0.1:5432 and the Postgres binaries (initdb, pg_ctl) are not installed.
Install PostgreSQL (Debian: apt-get install postgresql) or set DATABASE_URL to a server you can use,
for example DATABASE_URL=postgres://user:password@host:5432/connection_manager"
  fi
  local data="$ROOT/.pgdata"
  local run_as=()
  if [ "$(id -u)" = 0 ]; then run_as=(runuser -u postgres --); fi
  if [ ! -f "$data/PG_VERSION" ]; then
    say "creating a private Postgres cluster in .pgdata/"
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres "$data"
    "${run_as[@]}" "$bin/initdb" -D "$data" -U postgres --auth=trust >/dev/null
  fi
  if ! port_open 127.0.0.1 5433; then
    say "starting the private Postgres cluster on 127.0.0.1:5433"
    "${run_as[@]}" "$bin/pg_ctl" -D "$data" -l "$data/server.log" -o "-p 5433 -k $data -c listen_addresses=127.0.0.1" -w start >/dev/null
  fi
  DATABASE_URL_BASE="postgres://postgres@127.0.0.1:5433"
}

# Environment for running the built server binary outside cargo-leptos.
leptos_env() {
  export LEPTOS_OUTPUT_NAME="connection-manager"
  export LEPTOS_SITE_ROOT="$ROOT/target/site"
  export LEPTOS_SITE_PKG_DIR="pkg"
  export LEPTOS_ENV="PROD"
  # The release build names its files after their content and writes the
  # names to hash.txt beside the server binary.
  export LEPTOS_HASH_FILES="true"
}
