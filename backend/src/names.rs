//! Display names for connections.

use natter_shared::validate_name;

/// The name a connection's messages carry: the one it asked for when that is a
/// valid display name, else a fresh `guest-XXXX`.
///
/// An invalid request is not an error: the seed-style page connects with no
/// name at all and must just work.
pub fn display_name(requested: Option<&str>) -> String {
    match requested.map(validate_name) {
        Some(Ok(name)) => name.to_owned(),
        _ => guest_name(),
    }
}

fn guest_name() -> String {
    format!("guest-{:04x}", rand::random::<u16>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_requests_are_kept_trimmed() {
        assert_eq!(display_name(Some(" ada ")), "ada");
    }

    #[test]
    fn missing_or_invalid_requests_get_a_guest_name() {
        for requested in [None, Some(""), Some("a\nb"), Some(&*"x".repeat(33))] {
            let name = display_name(requested);
            assert!(name.starts_with("guest-") && name.len() == 10, "{name}");
        }
    }
}
