//! Operator commands: `natter user add|passwd|list|remove`, on the same
//! database file as the server (which may be running: SQLite orders the
//! writes). Passwords are read from standard input, never from arguments,
//! which other users of the machine can see.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;

use clap::Subcommand;
use natter_shared::name_key;
use thiserror::Error;

use crate::accounts::{Accounts, AuthError};
use crate::cluster::account_ledger;
use crate::config::Config;
use crate::delivery::hub::AccountEvent;
use crate::process::clock::now_ms;
use crate::store::StoreError;
use crate::store::accounts::UserId;
use crate::wiring::{self, Topology};

/// An operator command.
#[derive(Debug, Clone, Subcommand)]
pub enum OperatorCommand {
    /// Manage accounts.
    User {
        /// What to do.
        #[command(subcommand)]
        action: UserAction,
    },
}

/// What `natter user` does.
#[derive(Debug, Clone, Subcommand)]
pub enum UserAction {
    /// Create an account; the password is read from standard input.
    Add {
        /// The account's name.
        name: String,
    },
    /// Set an account's password (read from standard input) and end its sessions.
    Passwd {
        /// The account's name.
        name: String,
    },
    /// List the accounts.
    List,
    /// Remove an account and end its sessions; its messages stay, and so its
    /// name stays reserved.
    Remove {
        /// The account's name.
        name: String,
    },
}

/// Why an operator command did nothing.
#[derive(Debug, Error)]
pub enum CliError {
    /// The database could not be opened, read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The password could not be read from standard input.
    #[error("cannot read the password: {0}")]
    Input(#[source] std::io::Error),
    /// What was asked cannot be done (no such account, a name taken, a
    /// password too short), in words for the operator.
    #[error("{0}")]
    Refused(String),
}

/// Runs `command` against the configured database; returns what to print,
/// or the error to report.
pub async fn run(command: &OperatorCommand, config: &Config) -> Result<String, CliError> {
    let OperatorCommand::User { action } = command;
    let engine = wiring::open_stores(Topology::of(config), Box::new(|_| {})).await?;
    let accounts = Accounts::new(
        Arc::clone(&engine.accounts),
        config.signup,
        config.guests,
        config.session_lifetime,
    );
    let said = match action {
        UserAction::Add { name } => {
            let password = read_password("Password for the new account: ")?;
            let (_, name) = accounts.create(name, &password).await.map_err(refused)?;
            format!("created the account {name}")
        }
        UserAction::Passwd { name } => {
            let password = read_password(&format!("New password for {name}: "))?;
            let user =
                accounts
                    .reset_password(name, &password)
                    .await
                    .map_err(|error| match error {
                        AuthError::InvalidCredentials => {
                            CliError::Refused(format!("there is no account {name:?}"))
                        }
                        other => refused(other),
                    })?;
            sessions_ended(&engine, user).await?;
            format!("changed the password of {name} and ended its sessions")
        }
        UserAction::List => {
            let users = engine.accounts.list_users(now_ms()).await?;
            let mut lines = format!("{} accounts", users.len());
            for user in users {
                lines.push_str(&format!(
                    "\n{}\tcreated {}\t{} active sessions",
                    user.name,
                    humantime::format_rfc3339_seconds(
                        std::time::UNIX_EPOCH
                            + std::time::Duration::from_millis(user.created_at.max(0) as u64)
                    ),
                    user.sessions
                ));
            }
            lines
        }
        UserAction::Remove { name } => {
            let key = name_key(name.trim());
            let user = engine.accounts.user_by_key(&key).await?;
            let removed = engine.accounts.remove_user(&key).await?;
            let (Some(user), true) = (user, removed) else {
                return Err(CliError::Refused(format!("there is no account {name:?}")));
            };
            sessions_ended(&engine, user.id).await?;
            format!(
                "removed the account {name} and ended its sessions; its name stays reserved, as its messages carry it"
            )
        }
    };
    engine.history.close().await;
    Ok(said)
}

/// Tells the running processes sharing the database that `user`'s
/// sessions ended, through the account events they all read: each closes
/// that account's connections (4001) at its next read of them, within a
/// second, Redis or not. (On SQLite the one server finds out by its
/// session check, `--session-check-every`.)
async fn sessions_ended(engine: &wiring::Stores, user: UserId) -> Result<(), CliError> {
    if let Some(log) = &engine.shared_log {
        log.record_event(
            OPERATOR,
            user.0,
            account_ledger::encode(&AccountEvent::SessionsEnded),
        )
        .await?;
    }
    Ok(())
}

/// The node name operator commands record their events under: no process
/// has it, so every process applies them.
const OPERATOR: &str = "operator";

/// An account refusal in words for the operator; a store that failed keeps
/// its cause, so the operator reads the database's own words.
fn refused(error: AuthError) -> CliError {
    match error {
        AuthError::Store(error) => CliError::Store(error),
        other => CliError::Refused(format!("{other} ({})", other.code())),
    }
}

/// One line from standard input, without its line ending. Prompts only when
/// a person is typing.
fn read_password(prompt: &str) -> Result<String, CliError> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("{prompt}");
        let _ = std::io::stderr().flush();
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line).map_err(CliError::Input)?;
    let password = line.strip_suffix('\n').unwrap_or(&line);
    let password = password.strip_suffix('\r').unwrap_or(password);
    if password.is_empty() {
        return Err(CliError::Refused(
            "no password on standard input".to_owned(),
        ));
    }
    Ok(password.to_owned())
}
