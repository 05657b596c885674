//! Edge cases of the text and name rules.

use natter_shared::{
    DEFAULT_MAX_MESSAGE_CHARS, ErrorCode, MAX_NAME_CHARS, MAX_NONCE_CHARS, NonceError,
    ValidationError, looks_like_a_guest_name, name_key, validate_name, validate_nonce,
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

#[test]
fn names_that_show_nothing_or_reorder_text_are_refused() {
    for (raw, bad) in [
        ("ada\u{200B}", 0x200B),         // zero-width space
        ("a\u{200D}da", 0x200D),         // zero-width joiner
        ("\u{2060}ada", 0x2060),         // word joiner
        ("ada\u{FEFF}", 0xFEFF),         // byte order mark
        ("ada\u{202E}nimda", 0x202E),    // right-to-left override
        ("\u{2066}ada\u{2069}", 0x2066), // isolates
        ("ada\u{200F}", 0x200F),         // right-to-left mark
        ("ada\u{E0041}", 0xE0041),       // tag character
        ("ada\u{2028}bob", 0x2028),      // line separator
        ("ada\u{00AD}", 0x00AD),         // soft hyphen
        ("a\u{3164}da", 0x3164),         // Hangul filler
        ("a\u{00A0}da", 0x00A0),         // no-break space inside
        ("a\u{2800}da", 0x2800),         // blank Braille pattern
        ("ada\u{E000}", 0xE000),         // private use
    ] {
        assert_eq!(
            validate_name(raw),
            Err(ValidationError::InvisibleCharacter(bad)),
            "{raw:?}"
        );
    }
}

#[test]
fn a_name_needs_something_to_see() {
    for raw in [
        "\u{200B}\u{200B}\u{200B}",
        "\u{301}\u{301}", // combining marks alone
        "\u{FE0F}",       // a variation selector alone
    ] {
        assert!(validate_name(raw).is_err(), "{raw:?}");
    }
    assert_eq!(
        validate_name("\u{301}\u{301}"),
        Err(ValidationError::NothingVisible)
    );
    // Emoji with a variation selector, punctuation and RTL scripts are names.
    for raw in ["❤\u{FE0F}", "ada.l", "שלום", "مرحبا", "李雷", "_"] {
        assert_eq!(validate_name(raw), Ok(raw), "{raw:?}");
    }
}

#[test]
fn lookalike_names_share_a_key() {
    let ada = name_key("ada");
    for lookalike in [
        "Ada",
        "ADA",
        "аda",        // Cyrillic а
        "ａｄａ",     // full width
        "ad\u{0430}", // Cyrillic at the end
    ] {
        assert_eq!(name_key(lookalike), ada, "{lookalike:?}");
    }
    assert_eq!(name_key("bob  smith"), name_key("Bob smith"));
    assert_eq!(
        name_key("paypal"),
        name_key("paypaI"),
        "capital I looks like l"
    );
    for (one, other) in [
        ("Alice", "ALICE"),
        ("alice", "ALICE"),
        ("bill", "BILL"),
        ("bill", "bilI"),
        ("bob", "b0b"),
        ("Bob", "B0B"),
    ] {
        assert_eq!(name_key(one), name_key(other), "{one} ~ {other}");
    }
    assert_ne!(name_key("ada"), name_key("bob"));
    assert_ne!(name_key("ada"), name_key("adam"));
}

/// Every capital letter in Unicode that the confusables table says looks
/// like a Latin letter makes a name that looks like the Latin one, even
/// when its small form looks like nothing (Cherokee Ꭺ is A, though ꭺ is no
/// a): `Ꭺdam` is `Adam`.
#[test]
fn lookalike_capitals_anywhere_in_unicode_share_a_key() {
    let latin_look = |c: char| -> Option<String> {
        let prototype: String = unicode_security::skeleton(&c.to_string()).collect();
        (prototype.chars().all(|p| p.is_ascii_alphabetic()) && prototype != c.to_string())
            .then_some(prototype)
    };
    let mut checked = 0;
    let mut missed = Vec::new();
    for c in (0..=0x10FFFF_u32).filter_map(char::from_u32) {
        if !c.is_uppercase() {
            continue;
        }
        let looks_like = latin_look(c);
        let Some(looks_like) = looks_like else {
            continue;
        };
        let name = format!("{c}dam");
        if name_key(&name) != name_key(&format!("{looks_like}dam")) {
            missed.push(format!("U+{:04X}", c as u32));
        }
        checked += 1;
    }
    assert!(checked > 100, "only {checked} capitals checked");
    assert_eq!(
        missed,
        Vec::<String>::new(),
        "{} of {checked} missed",
        missed.len()
    );
}

#[test]
fn guest_style_names_are_caught_in_any_case_width_or_lookalike() {
    for name in [
        "guest-ec9c",
        "GUEST-ec9c",
        "Guest-ec9c",
        "gu\u{0435}st-ec9c",
        "\u{FF47}\u{FF55}\u{FF45}\u{FF53}\u{FF54}-ec9c",
    ] {
        assert!(looks_like_a_guest_name(name), "{name:?}");
    }
    for name in ["guests", "my guest-1", "gust-1a2b"] {
        assert!(!looks_like_a_guest_name(name), "{name:?}");
    }
}

#[test]
fn nonces_are_short_and_plain() {
    for good in [
        "n-1",
        "19a0f3-1fffff",
        "550e8400-e29b-41d4-a716-446655440000",
        "a.b:c_d",
        &"x".repeat(MAX_NONCE_CHARS),
    ] {
        assert_eq!(validate_nonce(good), Ok(()), "{good}");
    }
    assert_eq!(validate_nonce(""), Err(NonceError::Empty));
    assert_eq!(
        validate_nonce(&"x".repeat(MAX_NONCE_CHARS + 1)),
        Err(NonceError::TooLong {
            actual: MAX_NONCE_CHARS + 1
        })
    );
    for (bad, c) in [
        ("a\u{0}", 0),
        ("a\u{1b}", 0x1b),
        ("a b", 0x20),
        ("é", 0xe9),
        ("a/b", 0x2f),
    ] {
        assert_eq!(
            validate_nonce(bad),
            Err(NonceError::Character(c)),
            "{bad:?}"
        );
    }
    assert_eq!(NonceError::Empty.code(), ErrorCode::InvalidNonce);
}

#[test]
fn passwords_need_eight_characters_and_fit_in_a_kilobyte() {
    use natter_shared::{MAX_PASSWORD_BYTES, PasswordError, validate_password};
    assert_eq!(validate_password("1234567"), Err(PasswordError::TooShort));
    assert_eq!(validate_password("12345678"), Ok(()));
    assert_eq!(
        validate_password("😀😀😀😀😀😀😀😀"),
        Ok(()),
        "characters, not bytes"
    );
    assert_eq!(validate_password("        "), Ok(()), "nothing is trimmed");
    assert_eq!(
        validate_password(&"x".repeat(MAX_PASSWORD_BYTES + 1)),
        Err(PasswordError::TooLong)
    );
}
