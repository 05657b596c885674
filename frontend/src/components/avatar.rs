//! A person's avatar: their initials on a colour of their own.

use leptos::prelude::*;

/// How many colours avatars come in (`.hue-0` … in the stylesheet), each
/// dark enough for white initials in both themes.
pub const HUES: u32 = 12;

/// Initials on a colour derived from the name, so one person looks the same
/// everywhere and people next to each other usually differ. Decorative: the
/// name is always beside it.
#[component]
pub fn Avatar(
    /// Whose.
    name: String,
) -> impl IntoView {
    view! {
        <span class=format!("avatar hue-{}", hue(&name)) aria-hidden="true">{initials(&name)}</span>
    }
}

/// One or two letters: the first of the first two words (`Ada Lovelace`:
/// AL), or the first two of a single word (`bob`: BO), upper-cased.
pub fn initials(name: &str) -> String {
    let words: Vec<&str> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect();
    let picked: String = match words.as_slice() {
        [] => name.chars().take(1).collect(),
        [one] => one.chars().take(2).collect(),
        [first, second, ..] => first
            .chars()
            .take(1)
            .chain(second.chars().take(1))
            .collect(),
    };
    picked.to_uppercase()
}

/// The colour of `name`: the same in every browser and every visit (a
/// hash of its case-folded letters, not of anything random).
pub fn hue(name: &str) -> u32 {
    let folded = name.to_lowercase();
    // FNV-1a: small, and spreads short names well.
    let hash = folded.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    });
    hash % HUES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_take_two_letters() {
        assert_eq!(initials("Ada Lovelace"), "AL");
        assert_eq!(initials("bob"), "BO");
        assert_eq!(initials("guest-1a2b"), "G1");
        assert_eq!(initials("Éva"), "ÉV");
        assert_eq!(initials("x"), "X");
        assert_eq!(initials("--"), "-");
    }

    #[test]
    fn a_name_keeps_its_colour_whatever_its_case() {
        assert_eq!(hue("Ada"), hue("ada"));
        assert!(hue("ada") < HUES);
        let spread: std::collections::HashSet<u32> = [
            "ada", "bob", "carol", "dan", "eve", "frank", "grace", "heidi",
        ]
        .iter()
        .map(|name| hue(name))
        .collect();
        assert!(spread.len() >= 5, "{spread:?}");
    }
}
