//! Session tokens: random, 256 bits, handed to the client once and kept by
//! the server only as a SHA-256 hash. The prefix says what kind it is.
//!
//! - `u_…`: an account's session, looked up in the store; logging out
//!   deletes it, so a copied token stops working at once.
//! - `g_…`: a guest's. Nothing is stored: the guest's identity (its
//!   [`AuthorId`] and its `guest-XXXX` name) is derived from the token's
//!   hash, so a guest that presents it again, even after a restart, is the
//!   same guest, and an anonymous connection costs the database nothing.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::store::AuthorId;
use crate::store::accounts::TokenHash;

const ACCOUNT_PREFIX: &str = "u_";
const GUEST_PREFIX: &str = "g_";

/// A token the client presented, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Presented {
    /// An account's session token, to look up.
    Account(TokenHash),
    /// A guest's token.
    Guest(GuestToken),
}

/// A guest's token and what follows from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GuestToken {
    /// The token itself, to hand back in the welcome.
    pub(crate) token: String,
    /// Its hash, from which the rest is derived.
    hash: TokenHash,
}

/// A fresh account session token and its hash.
pub(crate) fn new_account_token() -> (String, TokenHash) {
    let token = fresh(ACCOUNT_PREFIX);
    let hash = hash(&token);
    (token, hash)
}

/// A fresh guest token.
pub(crate) fn new_guest_token() -> GuestToken {
    let token = fresh(GUEST_PREFIX);
    GuestToken {
        hash: hash(&token),
        token,
    }
}

/// Whether `raw` looks like an account's session token (its prefix), valid
/// or not.
pub(crate) fn is_account_token(raw: &str) -> bool {
    raw.trim().starts_with(ACCOUNT_PREFIX)
}

/// Reads a presented token; `None` if it is not one natter issued (wrong
/// prefix or length), which callers treat like an unknown session.
pub(crate) fn parse(raw: &str) -> Option<Presented> {
    let raw = raw.trim();
    let well_formed = |body: &str| {
        URL_SAFE_NO_PAD
            .decode(body)
            .is_ok_and(|bytes| bytes.len() == 32)
    };
    if let Some(body) = raw.strip_prefix(ACCOUNT_PREFIX)
        && well_formed(body)
    {
        return Some(Presented::Account(hash(raw)));
    }
    if let Some(body) = raw.strip_prefix(GUEST_PREFIX)
        && well_formed(body)
    {
        return Some(Presented::Guest(GuestToken {
            token: raw.to_owned(),
            hash: hash(raw),
        }));
    }
    None
}

impl GuestToken {
    /// The guest's author id: negative, so it never meets an account's.
    pub(crate) fn author_id(&self) -> AuthorId {
        let mut first = [0u8; 8];
        first.copy_from_slice(&self.hash[..8]);
        AuthorId(-(i64::from_be_bytes(first) & i64::MAX) - 1)
    }

    /// The name a guest shows unless it asked for another.
    pub(crate) fn default_name(&self) -> String {
        format!("guest-{:02x}{:02x}", self.hash[8], self.hash[9])
    }
}

fn fresh(prefix: &str) -> String {
    let bytes: [u8; 32] = rand::random();
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The SHA-256 of a token. A plain hash suffices: tokens carry 256 random
/// bits, so there is nothing to guess, and the hash is only so that a copy of
/// the database holds no usable token.
pub(crate) fn hash(token: &str) -> TokenHash {
    Sha256::digest(token.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_parse_back_to_their_kind() {
        let (token, hash) = new_account_token();
        assert_eq!(parse(&token), Some(Presented::Account(hash)));
        let guest = new_guest_token();
        assert_eq!(parse(&guest.token), Some(Presented::Guest(guest.clone())));
        for junk in [
            "",
            "u_",
            "u_short",
            "x_AAAA",
            &format!("g_{}", "A".repeat(44)),
        ] {
            assert_eq!(parse(junk), None, "{junk}");
        }
    }

    #[test]
    fn a_guest_is_the_same_guest_every_time_and_never_an_account() {
        let guest = new_guest_token();
        let again = parse(&guest.token).unwrap();
        let Presented::Guest(again) = again else {
            panic!("a guest token");
        };
        assert_eq!(again.author_id(), guest.author_id());
        assert_eq!(again.default_name(), guest.default_name());
        assert!(guest.author_id().0 < 0);
        assert!(guest.default_name().starts_with("guest-") && guest.default_name().len() == 10);
        assert_ne!(new_guest_token().author_id(), guest.author_id());
    }
}
