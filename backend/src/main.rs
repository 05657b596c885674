//! The `natter` binary: parse flags, set up logging, serve until signalled.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use backend::Config;
use backend::process::signals;
use backend::state::AppState;
use clap::Parser;
use tokio::net::TcpListener;
use tracing::{info, warn};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    backend::process::allocator::give_back_large_blocks();
    let config = Config::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        // Colours for a person at a terminal; plain text for a log file or a
        // service manager, where escape codes would be noise.
        .with_ansi(std::io::stderr().is_terminal())
        .init();

    if let Some(command) = &config.command {
        return match backend::cli::run(command, &config).await {
            Ok(said) => {
                println!("{said}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("natter: {}", backend::error::explained(&error));
                ExitCode::FAILURE
            }
        };
    }

    // The database first: a path that cannot be opened or written is the most
    // likely mistake, and should fail before anything listens.
    let state = match AppState::open(&config).await {
        Ok(state) => Arc::new(state),
        Err(error) => {
            eprintln!("natter: {}", backend::error::explained(&error));
            return ExitCode::FAILURE;
        }
    };
    let tls = match backend::process::server::load_tls(&config).await {
        Ok(tls) => tls,
        Err(error) => {
            eprintln!("natter: {}", backend::error::explained(&error));
            return ExitCode::FAILURE;
        }
    };
    let listener = match TcpListener::bind(config.bind).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("natter: cannot listen on {}: {error}", config.bind);
            return ExitCode::FAILURE;
        }
    };
    let addr = match listener.local_addr() {
        Ok(addr) => addr,
        Err(error) => {
            eprintln!("natter: cannot read the listening address: {error}");
            return ExitCode::FAILURE;
        }
    };
    if !config.static_dir.join("index.html").is_file() {
        warn!(
            static_dir = %config.static_dir.display(),
            "no index.html there: the web client is not built, so / answers 404"
        );
    }
    // On stdout, alone on its line, so scripts and people can find the URL.
    let scheme = if tls.is_some() { "https" } else { "http" };
    println!("Natter is running at {scheme}://{addr}/");
    info!(%addr, "listening");

    match backend::process::server::serve(
        listener,
        state,
        &config,
        tls,
        signals::shutdown_requested(),
    )
    .await
    {
        Ok(()) => {
            info!("stopped");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("natter: server error: {error}");
            ExitCode::FAILURE
        }
    }
}
