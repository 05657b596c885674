//! The suites that hold on every engine: the test command runs them on
//! SQLite, then again with `NATTER_TEST_ENGINE=postgres`.

mod account_names;
mod accounts;
mod bad_input;
mod broadcast;
mod direct_messages;
mod edits;
mod history;
mod idempotency;
mod lag;
mod login_budgets;
mod mentions;
mod names;
mod nonces;
mod presence;
mod restart;
mod resume;
mod rooms;
mod send_order;
mod session_end;
mod shutdown;
mod typing;
