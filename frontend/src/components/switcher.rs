//! The quick switcher (Ctrl+K, or ⌘K on a Mac): type a few letters of a
//! room or a person, Enter goes there.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use natter_shared::LOBBY;

use crate::components::modal::Modal;
use crate::rooms_api;
use crate::route::Route;
use crate::state::ChatState;
use crate::ui::Ui;

/// The most places the switcher lists at once.
const LISTED: usize = 8;

/// A place the switcher can go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// What it shows: `#general`, `@ada`.
    pub title: String,
    /// Where it goes.
    pub route: Route,
    /// A word beside it: "unread 3", "join", "message".
    pub note: String,
}

/// The places matching `typed`, best first: a name that starts with it
/// before one that only contains it, rooms one is in before others, then
/// by name. Nothing typed: the rooms one is in, in list order.
pub fn matching(typed: &str, places: &[Place]) -> Vec<Place> {
    let typed = typed.trim().trim_start_matches(['#', '@']).to_lowercase();
    let mut found: Vec<(u8, usize, &Place)> = places
        .iter()
        .enumerate()
        .filter_map(|(at, place)| {
            let name = place.title.trim_start_matches(['#', '@']).to_lowercase();
            let rank = if typed.is_empty() || name.starts_with(&typed) {
                0
            } else if name.contains(&typed) {
                1
            } else {
                return None;
            };
            Some((rank, at, place))
        })
        .collect();
    found.sort_by_key(|(rank, at, _)| (*rank, *at));
    found
        .into_iter()
        .take(LISTED)
        .map(|(_, _, place)| place.clone())
        .collect()
}

/// The dialog: a box, and under it the places that match, chosen with ↑
/// and ↓ and taken with Enter or a click.
#[component]
pub fn QuickSwitcher() -> impl IntoView {
    let ui = expect_context::<Ui>();
    view! {
        <Modal open=ui.switcher label="Jump to a room or person" class="switcher">
            <SwitcherBody/>
        </Modal>
    }
}

#[component]
fn SwitcherBody() -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let ui = expect_context::<Ui>();
    let typed = RwSignal::new(String::new());
    let chosen = RwSignal::new(0usize);
    // Beyond the rooms one is in: public rooms to join and people to
    // message (accounts only), asked for when the switcher opens.
    let others = RwSignal::new(Vec::<Place>::new());
    if chat.account.with_untracked(Option::is_some) {
        spawn_local(async move {
            let mut found = Vec::new();
            if let Ok(rooms) = rooms_api::directory().await {
                found.extend(
                    rooms
                        .into_iter()
                        .filter(|room| !room.joined)
                        .map(|room| Place {
                            title: format!("#{}", room.room),
                            route: Route::Room(room.room),
                            note: "join".to_owned(),
                        }),
                );
            }
            let me = chat.my_name().to_lowercase();
            if let Ok(people) = rooms_api::members(LOBBY).await {
                found.extend(
                    people
                        .into_iter()
                        .filter(|name| name.to_lowercase() != me)
                        .map(|name| Place {
                            title: format!("@{name}"),
                            route: Route::Direct(name),
                            note: "message".to_owned(),
                        }),
                );
            }
            others.set(found);
        });
    }
    let places = move || {
        let mut places: Vec<Place> = chat.rooms.with(|rooms| {
            crate::components::room_list::in_list_order(rooms)
                .into_iter()
                .map(|room| Place {
                    title: Route::of(room).title(),
                    route: Route::of(room),
                    note: match (room.unread, room.kind) {
                        (0, _) => String::new(),
                        (n, _) => format!("{n} unread"),
                    },
                })
                .collect()
        });
        // A person one already has a conversation with is listed once.
        others.with(|others| {
            for place in others {
                if !places.iter().any(|known| known.route == place.route) {
                    places.push(place.clone());
                }
            }
        });
        places
    };
    let shown = Memo::new(move |_| matching(&typed.get(), &places()));
    let go = move |place: Place| {
        ui.switcher.set(false);
        ui.drawer.set(false);
        chat.go(place.route.clone());
        if let (Route::Room(name), "join") = (&place.route, place.note.as_str()) {
            let name = name.clone();
            spawn_local(async move {
                if let Err(error) = rooms_api::join(&name).await {
                    chat.show_notice(&error.code, error.message);
                }
            });
        }
        request_animation_frame(|| {
            crate::components::message_actions::focus_composer();
        });
    };
    let keys = move |event: KeyboardEvent| {
        let count = shown.with_untracked(Vec::len);
        match event.key().as_str() {
            "ArrowDown" if count > 0 => chosen.update(|at| *at = (*at + 1) % count),
            "ArrowUp" if count > 0 => chosen.update(|at| *at = (*at + count - 1) % count),
            "Enter" => {
                if let Some(place) =
                    shown.with_untracked(|shown| shown.get(chosen.get_untracked()).cloned())
                {
                    go(place);
                }
            }
            _ => return,
        }
        event.prevent_default();
    };
    view! {
        <label class="visually-hidden" for="switcher-input">"Jump to a room or person"</label>
        <input
            id="switcher-input"
            type="text"
            autocomplete="off"
            autofocus
            placeholder="Jump to a room or person…"
            role="combobox"
            aria-autocomplete="list"
            aria-controls="switcher-options"
            aria-expanded="true"
            aria-activedescendant=move || format!("switcher-{}", chosen.get())
            prop:value=move || typed.get()
            on:input=move |event| {
                typed.set(event_target_value(&event));
                chosen.set(0);
            }
            on:keydown=keys
        />
        <ul id="switcher-options" class="switcher-options" role="listbox" aria-label="Rooms and people">
            <For
                each=move || shown.get().into_iter().enumerate()
                key=|(at, place)| (*at, place.route.clone())
                children=move |(at, place)| {
                    let title = place.title.clone();
                    let note = place.note.clone();
                    view! {
                        <li
                            id=format!("switcher-{at}")
                            role="option"
                            aria-selected=move || (chosen.get() == at).to_string()
                            on:mousedown=move |event| event.prevent_default()
                            on:click=move |_| go(place.clone())
                        >
                            <span class="place">{title}</span>
                            <span class="place-note">{note}</span>
                        </li>
                    }
                }
            />
        </ul>
        <Show when=move || shown.with(Vec::is_empty)>
            <p class="hint">"Nothing matches. Rooms you can join and people appear here once you sign in."</p>
        </Show>
        <p class="hint keys-hint">"↑ ↓ to choose · Enter to go · Esc to close"</p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(title: &str) -> Place {
        Place {
            title: title.to_owned(),
            route: Route::Room(title.trim_start_matches(['#', '@']).to_owned()),
            note: String::new(),
        }
    }

    #[test]
    fn names_starting_with_the_words_come_first() {
        let places = [
            place("#design"),
            place("#lobby"),
            place("@desmond"),
            place("#web-design"),
        ];
        let titles = |typed: &str| -> Vec<String> {
            matching(typed, &places)
                .into_iter()
                .map(|p| p.title)
                .collect()
        };
        assert_eq!(titles("des"), ["#design", "@desmond", "#web-design"]);
        assert_eq!(titles("#DES"), ["#design", "@desmond", "#web-design"]);
        assert_eq!(titles("sign"), ["#design", "#web-design"]);
        assert_eq!(titles(""), ["#design", "#lobby", "@desmond", "#web-design"]);
        assert!(titles("zzz").is_empty());
    }
}
