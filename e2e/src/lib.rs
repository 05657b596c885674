//! The harness for Natter's end-to-end tests: a ChromeDriver process and a
//! [`Browser`] that drives one headless Chromium window through the page the
//! way a person would (typing, pressing Enter, reading the list).
//!
//! The tests themselves live in `tests/`; they need the web client built into
//! `dist/` (`trunk build --release`) and ChromeDriver (the `CHROMEDRIVER`
//! variable, else `chromedriver` on the PATH). `scripts/test.sh` provides both.

mod browser;
mod chromedriver;
mod failover_proxy;

pub use browser::{Browser, Message, eventually};
pub use chromedriver::ChromeDriver;
pub use failover_proxy::FailoverProxy;

use std::path::PathBuf;
use std::time::Duration;

/// How long a step may take before the test gives up. Only a broken build or a
/// hang comes near it; the tests make no claims about speed.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// The built web client at the workspace root, checked to exist.
pub fn built_web_client() -> PathBuf {
    let dist = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dist");
    assert!(
        dist.join("index.html").is_file(),
        "the web client is not built: run `trunk build --release` at the repository root \
         (scripts/test.sh does this) so {} exists",
        dist.display()
    );
    dist
}
