//! Which addresses may become links, and where a bare one ends.

/// Whether `href` may be a link: `http:` or `https:` with something after
/// it, or `mailto:` with an address and nothing more (no `?attach=`), and
/// no character a browser could read another way or that hides or reverses
/// text (see [`url_char`]).
pub fn safe_href(href: &str) -> bool {
    let lower = href.to_ascii_lowercase();
    let allowed = if let Some(rest) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    {
        !rest.is_empty()
    } else if let Some(address) = lower.strip_prefix("mailto:") {
        address.contains('@') && !address.contains(['?', '&', '/'])
    } else {
        false
    };
    allowed && href.chars().all(url_char)
}

/// Whether `c` may be part of an address: not a space, a control, a quote,
/// an angle bracket, a backslash or a backtick, and none of the invisible
/// or direction-changing characters that make an address read as another.
fn url_char(c: char) -> bool {
    !(c.is_whitespace()
        || c.is_control()
        || matches!(c, '"' | '<' | '>' | '\\' | '`')
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'))
}

/// Where a bare address starting at `at` ends, if one does: `http://` or
/// `https://` and at least one more character, up to anything that cannot
/// be in an address, without the punctuation that ends a sentence around
/// it (or a `)` it did not open). One pass over the address.
pub(super) fn bare_url_end(chars: &[char], at: usize, to: usize) -> Option<usize> {
    let scheme = ["https://", "http://"]
        .iter()
        .find(|scheme| {
            at + scheme.len() <= to
                && chars[at..at + scheme.len()]
                    .iter()
                    .zip(scheme.chars())
                    .all(|(c, s)| c.to_ascii_lowercase() == s)
        })?
        .len();
    let (mut end, mut opened, mut closed) = (at + scheme, 0usize, 0usize);
    while end < to && url_char(chars[end]) {
        match chars[end] {
            '(' => opened += 1,
            ')' => closed += 1,
            _ => {}
        }
        end += 1;
    }
    while end > at + scheme {
        match chars[end - 1] {
            '.' | ',' | ':' | ';' | '!' | '?' | '\'' | '*' | '_' | '~' | ']' => end -= 1,
            ')' if closed > opened => {
                closed -= 1;
                end -= 1;
            }
            _ => break,
        }
    }
    (end > at + scheme).then_some(end)
}
