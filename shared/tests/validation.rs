//! Edge cases of the text and name rules.

use natter_shared::{
    DEFAULT_MAX_MESSAGE_CHARS, ErrorCode, MAX_NAME_CHARS, ValidationError, validate_name,
    validate_text,
};

fn text(raw: &str) -> Result<&str, ValidationError> {
    validate_text(raw, DEFAULT_MAX_MESSAGE_CHARS)
}

#[test]
fn trims_surrounding_white_space() {
    assert_eq!(text("  hi \n\t"), Ok("hi"));
    // U+3000 IDEOGRAPHIC SPACE and U+00A0 NO-BREAK SPACE are white space too.
    assert_eq!(text("\u{3000}hi\u{a0}"), Ok("hi"));
}

#[test]
fn only_spaces_is_empty() {
    assert_eq!(text(""), Err(ValidationError::Empty));
    assert_eq!(text("     "), Err(ValidationError::Empty));
    assert_eq!(text(" \n\t \u{3000}"), Err(ValidationError::Empty));
    assert_eq!(text("   ").unwrap_err().code(), ErrorCode::EmptyMessage);
}

#[test]
fn exactly_the_limit_passes_and_one_over_fails() {
    let at_limit = "a".repeat(DEFAULT_MAX_MESSAGE_CHARS);
    assert_eq!(text(&at_limit), Ok(at_limit.as_str()));
    let over = "a".repeat(DEFAULT_MAX_MESSAGE_CHARS + 1);
    assert_eq!(
        text(&over),
        Err(ValidationError::TooLong {
            max: DEFAULT_MAX_MESSAGE_CHARS,
            actual: DEFAULT_MAX_MESSAGE_CHARS + 1
        })
    );
    assert_eq!(text(&over).unwrap_err().code(), ErrorCode::MessageTooLong);
}

#[test]
fn the_limit_counts_characters_not_bytes() {
    // "é" is two bytes in UTF-8 and one char; 2000 of them fit.
    let accents = "é".repeat(DEFAULT_MAX_MESSAGE_CHARS);
    assert_eq!(accents.len(), 2 * DEFAULT_MAX_MESSAGE_CHARS);
    assert!(text(&accents).is_ok());
    // Emoji outside the BMP are four bytes and one char.
    let emoji = "😀".repeat(DEFAULT_MAX_MESSAGE_CHARS);
    assert!(text(&emoji).is_ok());
    assert!(text(&format!("{emoji}😀")).is_err());
}

#[test]
fn combining_marks_count_as_characters() {
    // "e" followed by U+0301 COMBINING ACUTE ACCENT: one grapheme, two chars.
    let decomposed = "e\u{301}";
    assert_eq!(validate_text(decomposed, 2), Ok(decomposed));
    assert_eq!(
        validate_text(decomposed, 1),
        Err(ValidationError::TooLong { max: 1, actual: 2 })
    );
    // A zalgo-style pile of marks cannot hide behind a single grapheme.
    let zalgo = format!("a{}", "\u{301}".repeat(DEFAULT_MAX_MESSAGE_CHARS));
    assert!(text(&zalgo).is_err());
}

#[test]
fn emoji_sequences_and_rtl_text_pass_unchanged() {
    for raw in [
        "👩‍👩‍👧‍👦 family",     // zero-width joiner sequence
        "🇫🇷 flag",       // regional indicators
        "שלום עולם",     // Hebrew, right to left
        "مرحبا بالعالم", // Arabic, right to left
        "mixed עברית and English",
        "日本語のテキスト",
    ] {
        assert_eq!(text(raw), Ok(raw));
    }
}

#[test]
fn newline_and_tab_are_allowed_inside_text() {
    assert_eq!(
        text("line one\nline two\tend"),
        Ok("line one\nline two\tend")
    );
}

#[test]
fn other_control_characters_are_refused() {
    for (raw, bad) in [
        ("a\u{0}b", 0x0),
        ("bell\u{7}", 0x7),
        ("esc\u{1b}[31m", 0x1b),
        ("cr\rlf", 0xd),
        ("del\u{7f}", 0x7f),
        ("next\u{85}line", 0x85),
    ] {
        assert_eq!(
            text(raw),
            Err(ValidationError::ControlCharacter(bad)),
            "{raw:?}"
        );
        assert_eq!(text(raw).unwrap_err().code(), ErrorCode::ControlCharacter);
    }
}

#[test]
fn names_follow_the_same_rules_on_one_line() {
    assert_eq!(validate_name("  ada "), Ok("ada"));
    assert_eq!(validate_name("  "), Err(ValidationError::Empty));
    assert_eq!(
        validate_name("a\nb"),
        Err(ValidationError::ControlCharacter(0xa))
    );
    assert_eq!(
        validate_name("a\tb"),
        Err(ValidationError::ControlCharacter(0x9))
    );
    let at_limit = "n".repeat(MAX_NAME_CHARS);
    assert_eq!(validate_name(&at_limit), Ok(at_limit.as_str()));
    let over = "n".repeat(MAX_NAME_CHARS + 1);
    assert_eq!(
        validate_name(&over),
        Err(ValidationError::TooLong {
            max: MAX_NAME_CHARS,
            actual: MAX_NAME_CHARS + 1
        })
    );
    assert_eq!(validate_name("Zoë 🎉"), Ok("Zoë 🎉"));
}

#[test]
fn errors_read_well() {
    assert_eq!(
        ValidationError::TooLong { max: 5, actual: 6 }.to_string(),
        "it is 6 characters long; the limit is 5"
    );
    assert_eq!(
        ValidationError::ControlCharacter(0x1b).to_string(),
        "it contains the control character U+001B"
    );
}
