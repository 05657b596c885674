//! Nonces: client-chosen tokens that let a tab recognise its own messages.

/// A fresh nonce, unique in practice: the time plus 53 random bits.
pub fn fresh_nonce() -> String {
    let now = js_sys::Date::now() as u64;
    // Math.random has 53 bits of precision; scale it to an integer.
    let random = (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64;
    format!("{now:x}-{random:x}")
}
