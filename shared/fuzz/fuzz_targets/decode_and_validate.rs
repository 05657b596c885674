//! Any bytes a client can send, through everything the server does with a
//! text frame before it touches storage: decoding, then validation. Nothing
//! may panic, and whatever validation accepts must obey its own rules.
#![no_main]

use libfuzzer_sys::fuzz_target;
use natter_shared::{
    ClientFrame, DEFAULT_MAX_MESSAGE_CHARS, MAX_NONCE_CHARS, decode_client_frame, validate_name,
    name_key, validate_nonce, validate_text,
};

fuzz_target!(|data: &[u8]| {
    // The WebSocket layer only hands over text frames that are valid UTF-8.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(ClientFrame::Message(params)) = decode_client_frame(text) {
        if let Some(nonce) = &params.nonce
            && validate_nonce(nonce).is_ok()
        {
            assert!(!nonce.is_empty() && nonce.len() <= MAX_NONCE_CHARS);
            assert!(nonce.chars().all(|c| c.is_ascii_graphic()));
        }
        if let Ok(accepted) = validate_text(&params.value, DEFAULT_MAX_MESSAGE_CHARS) {
            assert!(!accepted.is_empty());
            assert_eq!(accepted, accepted.trim());
            assert!(accepted.chars().count() <= DEFAULT_MAX_MESSAGE_CHARS);
            assert!(
                accepted
                    .chars()
                    .all(|c| !c.is_control() || c == '\n' || c == '\t')
            );
        }
    }
    if let Ok(name) = validate_name(text) {
        assert!(name.chars().all(|c| !c.is_control()));
        assert!(name.chars().all(|c| c == ' ' || !c.is_whitespace()));
        assert!(!name.contains(['\u{200B}', '\u{200D}', '\u{202E}', '\u{2066}', '\u{FEFF}']));
        // Whatever passes has a key, and the key is stable.
        assert_eq!(name_key(name), name_key(&name_key(name)));
    }
});
