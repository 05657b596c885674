//! Mentions: `@name` in a message's text. One rule, used by the server (to
//! count a reader's unread mentions) and the web client (to highlight them,
//! badge the room, and notify).

/// Whether `text` mentions `name`: an `@` at the start or after a character
/// that is not part of a word, then the name (letters compared without
/// case), then the end or a character that cannot continue a name (so
/// `@ada` mentions Ada, and `@adam` and `mail@ada.example` do not).
pub fn mentions(text: &str, name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    let mut before: Option<char> = None;
    for (at, character) in text.char_indices() {
        if character == '@' && before.is_none_or(|before| !is_word(before)) {
            let rest = &text[at + 1..];
            if let Some(after) = strip_name(rest, name)
                && after
                    .chars()
                    .next()
                    .is_none_or(|next| !continues_name(next))
            {
                return true;
            }
        }
        before = Some(character);
    }
    false
}

/// The word being typed at the end of `typed` when it is a mention in the
/// making (`@` and what follows it, no space yet): the part after `@`.
/// For autocompletion.
pub fn mention_being_typed(typed: &str) -> Option<&str> {
    let at = typed.rfind('@')?;
    let partial = &typed[at + 1..];
    let starts_word = typed[..at].chars().next_back().is_none_or(|c| !is_word(c));
    (starts_word && !partial.contains(char::is_whitespace)).then_some(partial)
}

/// `rest` after `name`, if it starts with it (letters compared without case).
fn strip_name<'a>(rest: &'a str, name: &str) -> Option<&'a str> {
    let mut remaining = rest.char_indices();
    for wanted in name.chars() {
        let (_, got) = remaining.next()?;
        if !got.to_lowercase().eq(wanted.to_lowercase()) {
            return None;
        }
    }
    Some(remaining.next().map_or("", |(at, _)| &rest[at..]))
}

fn is_word(character: char) -> bool {
    character.is_alphanumeric() || character == '_'
}

/// Name characters that would make a longer name (`@ada` inside `@adam` or
/// `@ada-l`); punctuation after a name (`@ada,` `@ada!` `@ada.`) ends it.
fn continues_name(character: char) -> bool {
    is_word(character) || character == '-'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mention_is_the_whole_name_after_an_at() {
        assert!(mentions("@ada hi", "Ada"));
        assert!(mentions("hi @ADA", "ada"));
        assert!(mentions("hi @Ada, look", "Ada"));
        assert!(mentions("(@Ada)", "Ada"));
        assert!(mentions("@Ada Lovelace: hi", "Ada Lovelace"));
        assert!(mentions("ça va @Élodie?", "élodie"));
        assert!(!mentions("@adam hi", "Ada"));
        assert!(!mentions("@ada-l hi", "Ada"));
        assert!(!mentions("mail ada@ada.example", "ada"));
        assert!(!mentions("ada, hi", "Ada"));
        assert!(!mentions("@", "Ada"));
        assert!(!mentions("@ad", "Ada"));
        assert!(!mentions("@ada", ""));
    }

    #[test]
    fn the_mention_being_typed_is_the_word_after_the_last_at() {
        assert_eq!(mention_being_typed("hi @ad"), Some("ad"));
        assert_eq!(mention_being_typed("@"), Some(""));
        assert_eq!(mention_being_typed("hi @ada "), None);
        assert_eq!(mention_being_typed("mail ada@ex"), None);
        assert_eq!(mention_being_typed("no at"), None);
    }
}
