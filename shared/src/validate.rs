//! The rules for message text, display names and nonces.
//!
//! The client runs them before sending, so a person learns of a problem without
//! a round trip; the server runs the same functions on receipt, so no client can
//! skip them. Lengths count Unicode scalar values (`char`s), not bytes and not
//! grapheme clusters: a cluster can hold any number of combining marks, so
//! counting clusters would let one "character" be megabytes long.

use thiserror::Error;
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

use crate::ErrorCode;

/// The default limit on message length, in characters.
pub const DEFAULT_MAX_MESSAGE_CHARS: usize = 2000;

/// The longest display name, in characters.
pub const MAX_NAME_CHARS: usize = 32;

/// The longest nonce, in characters. The web client's nonces are about 25.
pub const MAX_NONCE_CHARS: usize = 64;

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
    /// A name contains a character that shows nothing or changes how the
    /// text around it is shown (zero-width, bidirectional control, tag, line
    /// separator, white space other than the plain space, unassigned...).
    #[error("it contains the invisible or formatting character U+{0:04X}")]
    InvisibleCharacter(u32),
    /// A name has no letter, digit, punctuation or symbol: nothing to see.
    #[error("it has no visible character")]
    NothingVisible,
}

impl ValidationError {
    /// The code an `error` frame carries when a message fails this way.
    pub fn code(&self) -> ErrorCode {
        match self {
            ValidationError::Empty | ValidationError::NothingVisible => ErrorCode::EmptyMessage,
            ValidationError::TooLong { .. } => ErrorCode::MessageTooLong,
            ValidationError::ControlCharacter(_) | ValidationError::InvisibleCharacter(_) => {
                ErrorCode::ControlCharacter
            }
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
/// Stricter than [`validate_text`], because a name says who someone is: it is
/// one line (no newline or tab), it has at least one visible character, and
/// it has no character that is invisible or reorders the text around it, so
/// "ada" cannot be imitated by "ada" plus a zero-width space or by a
/// right-to-left override. Variation selectors stay allowed (they pick how
/// an emoji looks) but do not count as visible.
pub fn validate_name(raw: &str) -> Result<&str, ValidationError> {
    let name = check(raw, MAX_NAME_CHARS, |_| false)?;
    if let Some(bad) = name.chars().find(|&c| is_invisible(c)) {
        return Err(ValidationError::InvisibleCharacter(bad.into()));
    }
    if !name.chars().any(is_visible) {
        return Err(ValidationError::NothingVisible);
    }
    Ok(name)
}

/// The form in which two names are compared: names with the same key look
/// alike and are one name. Compatibility-normalized (NFKC: full-width "ａｄａ"
/// is "ada"), then reduced to its confusable skeleton (Unicode Technical
/// Standard #39: Cyrillic "а" is Latin "a", "0" is "o") and lower-cased, in
/// turn, until nothing changes. The skeleton comes first, of the name as
/// written: a capital whose small form resembles nothing (Cherokee "Ꭺ",
/// whose small form is "ꭺ") still resembles the capital it copies ("A"),
/// and the rounds after it catch what only the small forms share. "i" and
/// "l" count as one letter (capital "I" and small "l" look the same in most
/// fonts, and lower-casing alone would tell "BILL" from "bill"), and runs of
/// spaces fold to one. Meant for names that passed [`validate_name`].
pub fn name_key(name: &str) -> String {
    // The skeleton of the name as written comes before compatibility
    // normalization too: NFKC turns some lookalikes into letters that look
    // like nothing (lunate capital sigma "Ϲ", a "C", becomes "Σ").
    let as_written: String = unicode_security::skeleton(name).collect();
    let mut key: String = as_written.nfkc().collect();
    // Each round takes a skeleton and lower-cases it; the tables settle
    // within a few.
    for _ in 0..6 {
        let next: String = unicode_security::skeleton(&key)
            .flat_map(char::to_lowercase)
            .collect();
        if next == key {
            break;
        }
        key = next;
    }
    let mut folded = String::with_capacity(key.len());
    for c in key.chars() {
        let c = if c == 'i' { 'l' } else { c };
        if !(c == ' ' && folded.ends_with(' ')) {
            folded.push(c);
        }
    }
    folded
}

/// The prefix of the names the server hands to guests (`guest-1a2b`).
pub const GUEST_PREFIX: &str = "guest-";

/// Whether a name looks like one the server hands to guests, in any case,
/// width or lookalike letters (`GUEST-1a2b`, `ｇｕｅｓｔ-1a2b`, Cyrillic
/// `guеst-1a2b`): such names are the server's to give, never chosen.
pub fn looks_like_a_guest_name(name: &str) -> bool {
    name_key(name).starts_with(&name_key(GUEST_PREFIX))
}

/// Characters a name may not hold: they show nothing, or change how the
/// characters around them are shown.
fn is_invisible(c: char) -> bool {
    use GeneralCategory::{Format, LineSeparator, ParagraphSeparator, PrivateUse, Unassigned};
    matches!(
        c.general_category(),
        Format | LineSeparator | ParagraphSeparator | PrivateUse | Unassigned
    ) || (c.is_whitespace() && c != ' ')
        || matches!(
            c,
            // Default-ignorable characters outside the Format category:
            // the combining grapheme joiner, Hangul fillers, Khmer inherent
            // vowels and Mongolian variation selectors; and the blank
            // Braille pattern, which renders as a space.
            '\u{034F}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}' | '\u{180B}'
                ..='\u{180F}' | '\u{2800}' | '\u{3164}' | '\u{FFA0}'
        )
}

/// Characters that show something by themselves: letters, digits,
/// punctuation and symbols (not marks, spaces or variation selectors).
fn is_visible(c: char) -> bool {
    matches!(
        c.general_category_group(),
        GeneralCategoryGroup::Letter
            | GeneralCategoryGroup::Number
            | GeneralCategoryGroup::Punctuation
            | GeneralCategoryGroup::Symbol
    ) && !is_invisible(c)
}

/// Why a nonce was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum NonceError {
    /// An empty string.
    #[error("the nonce is empty")]
    Empty,
    /// Longer than [`MAX_NONCE_CHARS`].
    #[error("the nonce is {actual} characters long; the limit is {max}", max = MAX_NONCE_CHARS)]
    TooLong {
        /// Its length in characters.
        actual: usize,
    },
    /// A character outside `A-Z a-z 0-9 - _ . :`.
    #[error("the nonce may hold only A-Z, a-z, 0-9, '-', '_', '.' and ':'; it has U+{0:04X}")]
    Character(u32),
}

impl NonceError {
    /// The code an `error` frame carries for a refused nonce.
    pub fn code(&self) -> ErrorCode {
        ErrorCode::InvalidNonce
    }
}

/// Checks a message's nonce: 1 to [`MAX_NONCE_CHARS`] characters from
/// `A-Z a-z 0-9 - _ . :`, which holds UUIDs, ULIDs and the web client's
/// timestamp-and-random nonces. The server stores nonces and sends them back,
/// so they are bounded like everything else it keeps.
pub fn validate_nonce(nonce: &str) -> Result<(), NonceError> {
    if nonce.is_empty() {
        return Err(NonceError::Empty);
    }
    if let Some(bad) = nonce
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':')))
    {
        return Err(NonceError::Character(bad.into()));
    }
    // Every allowed character is one byte, so bytes count characters here.
    if nonce.len() > MAX_NONCE_CHARS {
        return Err(NonceError::TooLong {
            actual: nonce.chars().count(),
        });
    }
    Ok(())
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

/// The shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// The longest password accepted, in bytes: far beyond any passphrase, and
/// small enough that hashing one costs what hashing any other does.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Why a new password was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum PasswordError {
    /// Shorter than [`MIN_PASSWORD_CHARS`].
    #[error("the password must be at least {min} characters long", min = MIN_PASSWORD_CHARS)]
    TooShort,
    /// Longer than [`MAX_PASSWORD_BYTES`].
    #[error("the password must be at most {max} bytes long", max = MAX_PASSWORD_BYTES)]
    TooLong,
}

/// Checks a new password. Any characters are allowed (spaces and emoji
/// included), and nothing is trimmed: the password is exactly what was typed.
pub fn validate_password(password: &str) -> Result<(), PasswordError> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(PasswordError::TooLong);
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    Ok(())
}
