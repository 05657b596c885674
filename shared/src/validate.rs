//! The rules for message text and display names.
//!
//! The client runs them before sending, so a person learns of a problem without
//! a round trip; the server runs the same functions on receipt, so no client can
//! skip them. Lengths count Unicode scalar values (`char`s), not bytes and not
//! grapheme clusters: a cluster can hold any number of combining marks, so
//! counting clusters would let one "character" be megabytes long.

use thiserror::Error;

use crate::ErrorCode;

/// The default limit on message length, in characters.
pub const DEFAULT_MAX_MESSAGE_CHARS: usize = 2000;

/// The longest display name, in characters.
pub const MAX_NAME_CHARS: usize = 32;

/// Why a text or a display name was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum ValidationError {
    /// Nothing left after trimming white space.
    #[error("it is empty")]
    Empty,
    /// Longer than the limit once trimmed.
    #[error("it is {actual} characters long; the limit is {max}")]
    TooLong {
        /// The limit that applied.
        max: usize,
        /// The trimmed length.
        actual: usize,
    },
    /// Contains a control character that is not allowed here.
    #[error("it contains the control character U+{0:04X}")]
    ControlCharacter(u32),
}

impl ValidationError {
    /// The code an `error` frame carries when a message fails this way.
    pub fn code(&self) -> ErrorCode {
        match self {
            ValidationError::Empty => ErrorCode::EmptyMessage,
            ValidationError::TooLong { .. } => ErrorCode::MessageTooLong,
            ValidationError::ControlCharacter(_) => ErrorCode::ControlCharacter,
        }
    }
}

/// Checks message text and returns it trimmed.
///
/// Newlines and tabs are allowed inside a message (people paste code); every
/// other control character is refused, because it renders invisibly or moves
/// the cursor in terminals that display logs.
pub fn validate_text(raw: &str, max_chars: usize) -> Result<&str, ValidationError> {
    check(raw, max_chars, |c| c == '\n' || c == '\t')
}

/// Checks a display name and returns it trimmed.
///
/// Stricter than [`validate_text`]: a name is one line, so newline and tab are
/// refused too.
pub fn validate_name(raw: &str) -> Result<&str, ValidationError> {
    check(raw, MAX_NAME_CHARS, |_| false)
}

fn check(
    raw: &str,
    max_chars: usize,
    allowed_control: impl Fn(char) -> bool,
) -> Result<&str, ValidationError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(ValidationError::Empty);
    }
    if let Some(bad) = trimmed
        .chars()
        .find(|&c| c.is_control() && !allowed_control(c))
    {
        return Err(ValidationError::ControlCharacter(bad.into()));
    }
    let actual = trimmed.chars().count();
    if actual > max_chars {
        return Err(ValidationError::TooLong {
            max: max_chars,
            actual,
        });
    }
    Ok(trimmed)
}
