//! `@` completion in the message box: which names to offer for the mention
//! being typed, and the text once one is chosen.

use leptos::prelude::*;
use leptos::task::spawn_local;
use natter_shared::mention_being_typed;

use crate::rooms_api;
use crate::state::ChatState;

/// How many of a room's newest messages offer their authors to complete.
const RECENT_AUTHORS: usize = 200;

/// The most names offered at once.
pub const OFFERED: usize = 6;

/// The names to offer while `draft` ends in a mention being typed: those of
/// `candidates` (members, and others seen in the room) that start with what
/// follows the `@`, letters compared without case, `me` left out, each once,
/// in the candidates' order.
pub fn suggestions(draft: &str, candidates: &[String], me: &str) -> Vec<String> {
    let Some(partial) = mention_being_typed(draft) else {
        return Vec::new();
    };
    let partial = partial.to_lowercase();
    let mut offered: Vec<String> = Vec::new();
    for name in candidates {
        let folded = name.to_lowercase();
        if folded.starts_with(&partial)
            && folded != me.to_lowercase()
            && !offered.iter().any(|known| known.to_lowercase() == folded)
        {
            offered.push(name.clone());
            if offered.len() == OFFERED {
                break;
            }
        }
    }
    offered
}

/// `draft` with the mention being typed completed as `name`, and a space
/// after it to go on typing.
pub fn complete(draft: &str, name: &str) -> String {
    let at = draft.rfind('@').unwrap_or(draft.len());
    format!("{}@{name} ", &draft[..at])
}

/// The message box's completion state: what is offered now, which one is
/// chosen, and each room's members once asked for.
#[derive(Debug, Clone, Copy)]
pub struct Completion {
    /// The names offered for the mention being typed (none: no list).
    pub offered: RwSignal<Vec<String>>,
    /// Which of them Enter or Tab would take.
    pub chosen: RwSignal<usize>,
    /// Each room's members, asked for the first time a mention is typed
    /// there (signed-in people only; guests are offered who they see).
    members: StoredValue<Vec<(String, Vec<String>)>>,
    /// The message box's text.
    draft: RwSignal<String>,
}

impl Completion {
    /// Nothing offered, no members known, for the box holding `draft`.
    pub fn new(draft: RwSignal<String>) -> Self {
        Completion {
            offered: RwSignal::new(Vec::new()),
            chosen: RwSignal::new(0),
            members: StoredValue::new(Vec::new()),
            draft,
        }
    }

    /// Takes the `index`th name offered: the box's text gets it in place of
    /// what was typed after the `@`.
    pub fn take(self, index: usize) {
        let Some(name) = self
            .offered
            .with_untracked(|offered| offered.get(index).cloned())
        else {
            return;
        };
        self.draft.update(|draft| *draft = complete(draft, &name));
        self.offered.set(Vec::new());
    }

    /// Offers names for `draft` in `room`: the room's members, who is
    /// online there, and who wrote what the page shows of it.
    pub fn follow(self, chat: ChatState, room: &str, draft: &str) {
        if mention_being_typed(draft).is_none() {
            if !self.offered.with_untracked(Vec::is_empty) {
                self.offered.set(Vec::new());
            }
            return;
        }
        let known = self.members.with_value(|members| {
            members
                .iter()
                .find(|(known, _)| known == room)
                .map(|(_, names)| names.clone())
        });
        let signed_in = chat.account.with_untracked(Option::is_some);
        if known.is_none() && signed_in {
            self.ask_members(chat, room.to_owned());
        }
        let mut candidates = known.unwrap_or_default();
        candidates.extend(chat.online_in(room));
        // Who wrote lately, from the newest end only: the cost of a
        // keystroke does not grow with the room.
        candidates.extend(chat.recent_authors(room, RECENT_AUTHORS));
        let me = chat.identity.with_untracked(|identity| {
            identity
                .as_ref()
                .map(|welcome| welcome.name.clone())
                .unwrap_or_default()
        });
        self.offered.set(suggestions(draft, &candidates, &me));
        self.chosen.set(0);
    }

    /// Asks the server who is in `room`, once; offers again when it answers
    /// if a mention is still being typed there.
    fn ask_members(self, chat: ChatState, room: String) {
        self.members
            .update_value(|members| members.push((room.clone(), Vec::new())));
        spawn_local(async move {
            let Ok(names) = rooms_api::members(&room).await else {
                return;
            };
            self.members.update_value(|members| {
                if let Some((_, known)) = members.iter_mut().find(|(known, _)| *known == room) {
                    *known = names;
                }
            });
            if chat.current_room_untracked().as_deref() == Some(room.as_str()) {
                let draft = self.draft.get_untracked();
                self.follow(chat, &room, &draft);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|name| (*name).to_owned()).collect()
    }

    #[test]
    fn names_starting_with_what_follows_the_at_are_offered() {
        let candidates = names(&["Ada", "adam", "Bob", "ADA", "Me"]);
        assert_eq!(suggestions("hi @ad", &candidates, "me"), ["Ada", "adam"]);
        assert_eq!(
            suggestions("hi @", &candidates, "me"),
            ["Ada", "adam", "Bob"]
        );
        assert!(suggestions("hi @ada ", &candidates, "me").is_empty());
        assert!(suggestions("hi ad", &candidates, "me").is_empty());
        assert!(
            suggestions("@m", &candidates, "Me").is_empty(),
            "not oneself"
        );
    }

    #[test]
    fn choosing_replaces_the_partial_name() {
        assert_eq!(complete("hi @ad", "Ada Lovelace"), "hi @Ada Lovelace ");
        assert_eq!(complete("@", "Bob"), "@Bob ");
    }
}
