#!/usr/bin/env bash
# Runs Natter: installs what is missing, builds the web client and the server
# in release mode, and starts the server. Extra arguments go to `natter`
# (see `natter --help`), e.g. scripts/run.sh --bind 0.0.0.0:8080
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

ensure_frontend_tools
build_frontend
say "Building the server (release)"
(cd "$ROOT" && cargo build --release --locked -p backend)
say "Starting natter; open the URL below in two browser tabs. Ctrl-C stops it."
cd "$ROOT"
exec target/release/natter --static-dir dist "$@"
