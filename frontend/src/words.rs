//! What the page says when something cannot be done: sentences a person
//! understands, saying what to do next, never a code or a code point.
//! The server's codes stay stable; these words may change freely.

use natter_shared::{ErrorCode, PasswordError, RoomNameError, ValidationError, validate_room_name};

/// What a refusal from the server means for the person, from its stable
/// code; `said` (the server's own words) only where no code says more.
pub fn refusal(code: ErrorCode, said: &str) -> String {
    let words = match code {
        ErrorCode::EmptyMessage => "There was nothing to send.",
        ErrorCode::MessageTooLong => "It is longer than this server allows.",
        ErrorCode::ControlCharacter => {
            "It contains a hidden control character (perhaps from a paste). Retype that part."
        }
        ErrorCode::UnknownRoom | ErrorCode::NotAMember => "You are no longer in that room.",
        ErrorCode::AccountRequired => "Only people with an account can do that. Sign in first.",
        ErrorCode::UnknownMessage => "That message no longer exists.",
        ErrorCode::NotYourMessage => "You can only change your own messages.",
        ErrorCode::EditWindowClosed => "It is too late to change that message.",
        ErrorCode::InvalidCursor => "The server's history was reset, so the list starts afresh.",
        ErrorCode::StoreUnavailable | ErrorCode::RateLimited => {
            "The server is busy. Try again in a moment."
        }
        ErrorCode::NonceReused => "It could not be told apart from another message. Send it again.",
        ErrorCode::InvalidJson
        | ErrorCode::MissingType
        | ErrorCode::UnknownType
        | ErrorCode::InvalidParams
        | ErrorCode::InvalidNonce => {
            "The server did not understand this page. Reloading the page may help."
        }
        #[allow(unreachable_patterns)]
        _ => return said.to_owned(),
    };
    words.to_owned()
}

/// Why a message (or an edit) cannot be sent as it is.
pub fn text_problem(error: &ValidationError) -> String {
    match error {
        ValidationError::Empty | ValidationError::NothingVisible => {
            "There is nothing to send yet.".to_owned()
        }
        ValidationError::TooLong { max, actual } => format!(
            "That is {} characters too long: messages can be up to {max} characters.",
            actual - max
        ),
        ValidationError::ControlCharacter(_) | ValidationError::InvisibleCharacter(_) => {
            "It contains a hidden control character (perhaps from a paste). Retype that part and try again."
                .to_owned()
        }
    }
}

/// Why a name will not do, for a person choosing one.
pub fn name_problem(error: &ValidationError) -> String {
    match error {
        ValidationError::Empty | ValidationError::NothingVisible => {
            "Choose a name first.".to_owned()
        }
        ValidationError::TooLong { max, .. } => {
            format!("That name is too long: names can be up to {max} characters.")
        }
        ValidationError::ControlCharacter(_) | ValidationError::InvisibleCharacter(_) => {
            "Names can only use visible characters and single spaces.".to_owned()
        }
    }
}

/// Why a password will not do.
pub fn password_problem(error: &PasswordError) -> String {
    match error {
        PasswordError::TooShort => format!(
            "Choose a longer password: at least {} characters.",
            natter_shared::MIN_PASSWORD_CHARS
        ),
        PasswordError::TooLong => "That password is too long.".to_owned(),
    }
}

/// Why a room name will not do, with a name that would, when one can be
/// made from what was typed.
pub fn room_name_problem(typed: &str, error: &RoomNameError) -> String {
    let why = match error {
        RoomNameError::Empty => return "Give the room a name.".to_owned(),
        RoomNameError::TooLong { .. } => format!(
            "Room names can be up to {} characters.",
            natter_shared::MAX_ROOM_NAME_CHARS
        ),
        RoomNameError::Character(c) if char::from_u32(*c).is_some_and(char::is_whitespace) => {
            "Room names can't have spaces.".to_owned()
        }
        RoomNameError::Character(_) => {
            "Room names use only letters a–z, digits and hyphens.".to_owned()
        }
        RoomNameError::Hyphens => {
            "Room names start and end with a letter or digit, with single hyphens between words."
                .to_owned()
        }
    };
    match suggest_room_name(typed) {
        Some(suggestion) => format!("{why} Try {suggestion}."),
        None => why,
    }
}

/// A valid room name made from what was typed: lower-cased, accents and
/// other characters dropped, words joined with hyphens, cut to the limit
/// (`Design Team!` → `design-team`). `None` when nothing usable is left.
pub fn suggest_room_name(typed: &str) -> Option<String> {
    let mut name = String::new();
    let mut gap = false;
    for c in typed.trim().chars() {
        let c = plain_letter(c);
        if c.is_ascii_alphanumeric() {
            if gap && !name.is_empty() {
                name.push('-');
            }
            gap = false;
            name.push(c.to_ascii_lowercase());
        } else {
            gap = true;
        }
    }
    let mut cut: String = name
        .chars()
        .take(natter_shared::MAX_ROOM_NAME_CHARS)
        .collect();
    while cut.ends_with('-') {
        cut.pop();
    }
    validate_room_name(&cut).ok()
}

/// A few accented Latin letters as their plain letter, so `Café` suggests
/// `cafe`; anything else is kept (and dropped if not a-z or 0-9).
fn plain_letter(c: char) -> char {
    match c {
        'à'..='å' | 'À'..='Å' => 'a',
        'ç' | 'Ç' => 'c',
        'è'..='ë' | 'È'..='Ë' => 'e',
        'ì'..='ï' | 'Ì'..='Ï' => 'i',
        'ñ' | 'Ñ' => 'n',
        'ò'..='ö' | 'Ò'..='Ö' | 'ø' | 'Ø' => 'o',
        'ù'..='ü' | 'Ù'..='Ü' => 'u',
        'ý' | 'ÿ' | 'Ý' => 'y',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_names_are_suggested_from_what_was_typed() {
        assert_eq!(
            suggest_room_name("Design Team").as_deref(),
            Some("design-team")
        );
        assert_eq!(
            suggest_room_name("  café -- crème!! ").as_deref(),
            Some("cafe-creme")
        );
        assert_eq!(suggest_room_name("---").as_deref(), None);
        assert_eq!(suggest_room_name("日本").as_deref(), None);
        let long = "word ".repeat(20);
        let suggested = suggest_room_name(&long).unwrap();
        assert!(suggested.len() <= natter_shared::MAX_ROOM_NAME_CHARS);
        assert!(!suggested.ends_with('-'));
    }

    #[test]
    fn problems_are_sentences_without_code_points() {
        let error = validate_room_name("design team").unwrap_err();
        assert_eq!(
            room_name_problem("design team", &error),
            "Room names can't have spaces. Try design-team."
        );
        let text = text_problem(&ValidationError::TooLong {
            max: 2000,
            actual: 2010,
        });
        assert_eq!(
            text,
            "That is 10 characters too long: messages can be up to 2000 characters."
        );
        for said in [
            text_problem(&ValidationError::ControlCharacter(7)),
            name_problem(&ValidationError::InvisibleCharacter(0x200B)),
        ] {
            assert!(!said.contains("U+"), "{said}");
        }
    }
}
