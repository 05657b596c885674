//! Which files under `--static-dir` may be served, and which layouts natter
//! refuses to start with.
//!
//! The web client is public; the database beside it never is. Serving the
//! SQLite file would hand out every password hash and direct message, and
//! merely opening and closing it from the server process would drop
//! SQLite's POSIX locks (they belong to the process, and any `close` of the
//! file releases them), letting an operator command delete a live
//! write-ahead log. So the database may not live inside the static folder,
//! and, whatever the layout, no file whose name starts with a dot or with
//! the database's file name is ever opened for a request.

use std::path::{Component, Path, PathBuf};

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;

use crate::config::Config;
use crate::error::ServerError;
use crate::wiring::Topology;

/// The names no request may open: dot-files and dot-folders (`.git`,
/// `.env`, editors' swap files), and the database with its companions
/// (`natter.db`, `natter.db-wal`, `natter.db-shm`, backups beside it).
#[derive(Debug, Clone)]
pub(crate) struct PrivateNames {
    /// The database's file name, lower-cased (compared without case, for
    /// file systems that ignore it).
    database: String,
}

impl PrivateNames {
    /// The private names for this configuration.
    pub(crate) fn new(config: &Config) -> Self {
        let database = config
            .db
            .file_name()
            .map(|name| name.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        PrivateNames { database }
    }

    /// Whether a request path (as sent, percent-encoded) names something
    /// private. Decoded first, as the file server decodes it, so `%2E` is a
    /// dot here too.
    pub(crate) fn covers(&self, path: &str) -> bool {
        let decoded = percent_decode_str(path).decode_utf8_lossy();
        // Both separators: the file server would treat either as one on
        // some systems.
        let mut segments = decoded
            .split(['/', '\\'])
            .filter(|segment| !segment.is_empty());
        segments.any(|segment| {
            segment.starts_with('.')
                || (!self.database.is_empty() && segment.to_lowercase().starts_with(&self.database))
        })
    }
}

/// Answers 404 for a private name, exactly as for a file that is not there:
/// nothing says such a file exists.
pub(crate) async fn refuse_private(
    State(private): State<PrivateNames>,
    request: Request,
    next: Next,
) -> Response {
    if private.covers(request.uri().path()) {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    next.run(request).await
}

/// How long a browser may keep a file without asking again, and that its
/// encoding depends on what the browser accepts. The build names
/// the client's script, wasm and stylesheet after a hash of their content
/// (`frontend-1a2b3c4d5e6f7a8b_bg.wasm`): a new build is a new name, so
/// those may be kept for a year. Anything else (`index.html`, which names
/// them) is checked every time, so a new build is seen at once.
pub(crate) async fn cache_lifetimes(request: Request, next: Next) -> Response {
    let hashed = content_named(request.uri().path());
    let mut response = next.run(request).await;
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        let lifetime = if hashed {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(lifetime));
        // The same address may be answered brotli, gzip or plain: a cache
        // between must keep them apart.
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

/// Whether a path names a file after a hash of its content, as trunk names
/// the files it builds: a `-` and at least eight hex digits before the
/// extension (or before `_bg`).
fn content_named(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let Some((_, after)) = name.rsplit_once('-') else {
        return false;
    };
    let stem = after.split(['.', '_']).next().unwrap_or("");
    stem.len() >= 8 && stem.chars().all(|c| c.is_ascii_hexdigit())
}

/// Refuses a layout where the SQLite database, or the folder it is in, lies
/// inside the static folder: everything there is meant to be downloaded.
pub(crate) fn check_layout(config: &Config) -> Result<(), ServerError> {
    // PostgreSQL: no database file of natter's own to protect.
    let Topology::Embedded { db, .. } = Topology::of(config) else {
        return Ok(());
    };
    let static_dir = resolved(&config.static_dir);
    let database = resolved(db);
    let folder = database.parent().unwrap_or(&database);
    if folder.starts_with(&static_dir) {
        return Err(ServerError::Layout(format!(
            "the database {} is inside the static folder {}, whose files anyone can download; \
             keep it elsewhere (for example --db natter.db beside --static-dir dist)",
            config.db.display(),
            config.static_dir.display()
        )));
    }
    Ok(())
}

/// The path as the file system resolves it (symbolic links followed) where
/// it exists, else made absolute with `.` and `..` taken out, so two
/// spellings of one folder compare equal.
fn resolved(path: &Path) -> PathBuf {
    if let Ok(real) = path.canonicalize() {
        return real;
    }
    // The database file may not exist yet: resolve its folder and keep the name.
    if let (Some(parent), Some(name)) = (path.parent(), path.file_name())
        && let Ok(real) = resolved_folder(parent).canonicalize()
    {
        return real.join(name);
    }
    lexically_absolute(path)
}

fn resolved_folder(parent: &Path) -> &Path {
    if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    }
}

fn lexically_absolute(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut clean = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                clean.pop();
            }
            other => clean.push(other),
        }
    }
    clean
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(database: &str) -> PrivateNames {
        PrivateNames {
            database: database.to_owned(),
        }
    }

    #[test]
    fn files_named_after_their_content_are_told_apart() {
        for hashed in [
            "/frontend-f50b791bd0bac59_bg.wasm",
            "/frontend-f50b791bd0bac59.js",
            "/style-f2f34f19eb623735.css",
        ] {
            assert!(content_named(hashed), "{hashed}");
        }
        for plain in [
            "/",
            "/index.html",
            "/favicon.ico",
            "/my-page.html",
            "/a-b_c.js",
        ] {
            assert!(!content_named(plain), "{plain}");
        }
    }

    #[test]
    fn the_database_and_its_companions_are_private_however_spelled() {
        let private = names("chat.db");
        for path in [
            "/chat.db",
            "/chat.db-wal",
            "/chat.db-shm",
            "/CHAT.DB",
            "/chat%2Edb",
            "/sub/chat.db.bak",
            "/%63hat.db",
        ] {
            assert!(private.covers(path), "{path}");
        }
        for path in ["/", "/index.html", "/frontend-1a2b.wasm", "/db/chat"] {
            assert!(!private.covers(path), "{path}");
        }
    }

    #[test]
    fn dot_files_and_folders_are_private() {
        let private = names("natter.db");
        for path in [
            "/.env",
            "/.git/config",
            "/%2Egit/HEAD",
            "/a/.swp",
            "/a\\.env",
        ] {
            assert!(private.covers(path), "{path}");
        }
    }
}
