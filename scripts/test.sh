#!/usr/bin/env bash
# Runs every check Natter has: formatting, lints on both targets, the schema and
# server tests, the browser component tests, and the end-to-end tests in
# headless Chromium. Installs whatever they need first.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

ensure_frontend_tools
ensure_browser
ensure_node
ensure_axe
ensure_engines
cd "$ROOT"

# Every temporary file of this run (databases, Chromium's profiles) goes in one
# folder removed at the end, so no run leaves anything behind in /tmp, even when
# a browser test fails and Chromium is killed rather than closed.
RUN_TMP="$(mktemp -d -t natter-test.XXXXXX)"
trap 'rm -rf "$RUN_TMP"' EXIT
export TMPDIR="$RUN_TMP"

# Every cargo test run's output, for the total at the end.
TEST_LOG="$RUN_TMP/cargo-test.log"
run_tests() {
  cargo test --locked "$@" 2>&1 | tee -a "$TEST_LOG"
}

say "Formatting"
cargo fmt --all --check

say "Lints (native)"
cargo clippy --locked --workspace --all-targets -- -D warnings

say "Lints (wasm32)"
cargo clippy --locked -p natter-shared -p frontend --target wasm32-unknown-unknown --all-targets -- -D warnings

say "Schema, server and client-logic tests"
run_tests -p natter-shared -p backend
run_tests -p frontend --lib

say "The same server tests on PostgreSQL and Redis"
# Each test's server runs on a PostgreSQL and a Redis of its own. Only the
# suites under `any_engine`: the others are about SQLite's file, or start
# their engines themselves.
NATTER_TEST_ENGINE=postgres run_tests -p backend --test it -- any_engine::

say "Component tests in headless Chromium"
run_tests -p frontend --target wasm32-unknown-unknown --tests

build_frontend

say "End-to-end tests: two headless Chromium windows against natter"
# One scenario at a time: each drives two browsers, and this machine may have two cores.
run_tests -p e2e -- --test-threads=1

say "Benchmark smoke run: natter, the Node ws peer and the Socket.IO peer, correctness only"
# Debug builds are enough to check that nothing is lost or duplicated; the
# full benchmark (BENCHMARKS.md) uses release builds.
cargo build --locked -p backend -p natter-bench
target/debug/natter-bench --smoke --natter target/debug/natter --out target/bench/smoke

say "All checks passed"
# One closing line for whoever reads the log last: the totals of every test run.
grep '^test result:' "$TEST_LOG" | awk '{ for (i = 1; i <= NF; i++) { if ($i ~ /^passed/) p += $(i-1); if ($i ~ /^failed/) f += $(i-1) } }
     END { printf "Total: %d passed, %d failed\n", p, f }'
