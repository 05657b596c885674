//! The SQLite schema, as numbered migrations: `backend/migrations/sqlite/`,
//! beside PostgreSQL's in `backend/migrations/postgres/`, so the two schemas
//! read side by side. The version lives in SQLite's
//! `user_version`, which the first release set to 1 with the schema of
//! migration 1, so a file from it continues at migration 2. Migrations only
//! ever add: a released one is never edited, and no migration drops data.

use rusqlite_migration::{M, Migrations};

const STEPS: &[M<'_>] = &[
    M::up(include_str!("../../../migrations/sqlite/V1__messages.sql")),
    M::up(include_str!("../../../migrations/sqlite/V2__accounts.sql")),
    M::up(include_str!("../../../migrations/sqlite/V3__rooms.sql")),
    M::up(include_str!("../../../migrations/sqlite/V4__edits.sql")),
    M::up(include_str!("../../../migrations/sqlite/V5__notify.sql")),
    M::up(include_str!(
        "../../../migrations/sqlite/V6__removed_accounts.sql"
    )),
    M::up(include_str!(
        "../../../migrations/sqlite/V7__preferences.sql"
    )),
];

/// Every migration, in order.
pub(crate) const MIGRATIONS: Migrations<'_> = Migrations::from_slice(STEPS);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_migrations_are_valid() {
        assert!(MIGRATIONS.validate().is_ok());
    }
}
