//! The server's integration tests, as one binary: each suite is a module,
//! and every test runs a real server (in this process, or the `natter`
//! binary) against real WebSocket and HTTP clients.
//!
//! The suites under [`any_engine`] run on whichever engine
//! `NATTER_TEST_ENGINE` names (SQLite by default; `postgres` gives each
//! test's server a PostgreSQL and a Redis of its own); the rest are about
//! one engine, or start the engines they need themselves. The suites that
//! measure memory ([`memory`], [`signup_memory`]) measure a `natter`
//! process of their own, so this binary is the only one.

mod any_engine;
mod close_codes;
mod cluster;
mod common;
mod engines_contract;
mod engines_tls;
mod failover;
mod heartbeat;
mod http;
mod layout;
mod limits;
mod memory;
mod operations_doc;
mod origin;
mod postgres_accounts;
mod postgres_history;
mod postgres_servers;
mod postgres_silent_cut;
mod rate_limit;
mod redis_silent_cut;
mod seam;
mod signup_memory;
mod slow_readers;
mod storage;
mod timeouts;
mod tls;
mod upgrade;
mod user_command;
