//! The mark of a browser that has signed in to an account before: a cookie
//! the login budget of the account as a whole does not apply to, so
//! guessers spread over many addresses cannot lock the owner out.
//!
//! The mark is an HMAC-SHA256 of the account's name key and a random nonce,
//! keyed by the account's stored password hash. So only the server can make
//! one (the hash never leaves it), every process makes and checks the same
//! marks without storing anything, they survive restarts, and a password
//! change voids every mark of the account at once. A mark only exempts its
//! holder from the account's shared budget: the per-address budgets, and
//! the password check itself, still apply.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The cookie that carries a mark.
pub(crate) const COOKIE: &str = "natter_device";

/// Keeps the mark apart from any other use of the same key.
const CONTEXT: &[u8] = b"natter known device\0";

/// A new mark for the account with this name key and password hash.
pub(crate) fn vouch(name_key: &str, password_hash: &str) -> String {
    let nonce: [u8; 16] = rand::random();
    let tag = mac(name_key, password_hash, &nonce).finalize().into_bytes();
    format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(nonce),
        URL_SAFE_NO_PAD.encode(tag)
    )
}

/// Whether `mark` was made for this account with its current password.
pub(crate) fn vouches(mark: &str, name_key: &str, password_hash: &str) -> bool {
    let Some((nonce, tag)) = mark.split_once('.') else {
        return false;
    };
    let (Ok(nonce), Ok(tag)) = (URL_SAFE_NO_PAD.decode(nonce), URL_SAFE_NO_PAD.decode(tag)) else {
        return false;
    };
    // Compared in constant time by the crate.
    mac(name_key, password_hash, &nonce)
        .verify_slice(&tag)
        .is_ok()
}

fn mac(name_key: &str, password_hash: &str, nonce: &[u8]) -> Hmac<Sha256> {
    // HMAC takes a key of any length.
    let mut mac = Hmac::<Sha256>::new_from_slice(password_hash.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts every key length"));
    mac.update(CONTEXT);
    mac.update(name_key.as_bytes());
    mac.update(b"\0");
    mac.update(nonce);
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mark_vouches_for_its_account_and_password_only() {
        let mark = vouch("ada", "$argon2id$one");
        assert!(vouches(&mark, "ada", "$argon2id$one"));
        assert!(!vouches(&mark, "bob", "$argon2id$one"), "another account");
        assert!(
            !vouches(&mark, "ada", "$argon2id$two"),
            "after a password change"
        );
        assert!(!vouches("junk", "ada", "$argon2id$one"));
        assert!(!vouches("a.b", "ada", "$argon2id$one"));
        assert_ne!(mark, vouch("ada", "$argon2id$one"), "each mark is new");
    }
}
