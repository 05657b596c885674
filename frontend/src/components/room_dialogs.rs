//! Dialogs for more rooms: creating one, messaging someone, and the room
//! directory.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use natter_shared::validate_room_name;

use crate::components::message_actions::focus_composer;
use crate::components::modal::Modal;
use crate::rooms_api::{self, DirectoryEntry};
use crate::route::Route;
use crate::state::ChatState;
use crate::time::brief;
use crate::ui::Ui;

/// Goes to `route` once the dialog is closed, with the focus in the box.
fn arrive(chat: ChatState, route: Route) {
    chat.go(route);
    request_animation_frame(|| {
        focus_composer();
    });
}

/// "Create a room": a name, checked as typed (with a name that would do,
/// when what was typed will not), then the room, joined and shown.
#[component]
pub fn NewRoomDialog() -> impl IntoView {
    let ui = expect_context::<Ui>();
    view! {
        <Modal open=ui.new_room label="Create a room" class="small-dialog">
            <NewRoomForm/>
        </Modal>
    }
}

#[component]
fn NewRoomForm() -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let ui = expect_context::<Ui>();
    let typed = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // What the room will be called, as typed: a hint, not an error, until
    // the form is sent.
    let preview = move || {
        let typed = typed.get();
        if typed.trim().is_empty() {
            return None;
        }
        match validate_room_name(&typed) {
            Ok(name) => Some(format!("It will be #{name}.")),
            Err(error) => Some(crate::words::room_name_problem(&typed, &error)),
        }
    };
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let raw = typed.get_untracked();
        let name = match validate_room_name(&raw) {
            Ok(name) => name,
            Err(error) => {
                problem.set(Some(crate::words::room_name_problem(&raw, &error)));
                return;
            }
        };
        problem.set(None);
        busy.set(true);
        spawn_local(async move {
            let created = rooms_api::create(&name).await;
            busy.set(false);
            match created {
                Ok(room) => {
                    ui.new_room.set(false);
                    arrive(chat, Route::Room(room.room));
                }
                Err(error) if error.code == "room_taken" => problem.set(Some(format!(
                    "#{name} already exists. Join it from Browse rooms, or choose another name."
                ))),
                Err(error) => problem.set(Some(error.message)),
            }
        });
    };
    view! {
        <form class="dialog-form" on:submit=submit>
            <h2 class="modal-title">"Create a room"</h2>
            <div class="field">
                <label for="new-room-input">"Name"</label>
                <input
                    id="new-room-input"
                    type="text"
                    autocomplete="off"
                    autofocus
                    placeholder="design-team"
                    aria-describedby="new-room-hint new-room-problem"
                    aria-invalid=move || problem.with(Option::is_some).to_string()
                    prop:value=move || typed.get()
                    on:input=move |event| {
                        typed.set(event_target_value(&event));
                        problem.set(None);
                    }
                />
                <p class="hint" id="new-room-hint" aria-live="polite">{preview}</p>
                <p class="field-problem" id="new-room-problem" role="alert">{move || problem.get()}</p>
            </div>
            <div class="form-actions">
                <button type="button" class="secondary" on:click=move |_| ui.new_room.set(false)>"Cancel"</button>
                <button type="submit" class="primary" disabled=busy>"Create room"</button>
            </div>
        </form>
    }
}

/// "Message someone": a name (people in the lobby offered as typed), then
/// the conversation, opened and shown.
#[component]
pub fn NewDirectDialog() -> impl IntoView {
    let ui = expect_context::<Ui>();
    view! {
        <Modal open=ui.new_direct label="Message someone" class="small-dialog">
            <NewDirectForm/>
        </Modal>
    }
}

#[component]
fn NewDirectForm() -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let ui = expect_context::<Ui>();
    let typed = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let people = RwSignal::new(Vec::<String>::new());
    spawn_local(async move {
        if let Ok(names) = rooms_api::members(natter_shared::LOBBY).await {
            let me = chat.my_name().to_lowercase();
            people.set(
                names
                    .into_iter()
                    .filter(|name| name.to_lowercase() != me)
                    .collect(),
            );
        }
    });
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let name = typed.get_untracked().trim().to_owned();
        if name.is_empty() {
            problem.set(Some("Type the name of the person to message.".to_owned()));
            return;
        }
        spawn_local(async move {
            match rooms_api::open_direct(&name).await {
                Ok(room) => {
                    ui.new_direct.set(false);
                    arrive(chat, Route::Direct(room.with.unwrap_or(name)));
                }
                Err(error) if error.code == "unknown_account" => problem.set(Some(format!(
                    "Nobody here is called {name}. Check the spelling: only people with an account can be messaged."
                ))),
                Err(error) if error.code == "cannot_message_yourself" => problem.set(Some(
                    "That's you. Choose someone else to message.".to_owned(),
                )),
                Err(error) => problem.set(Some(error.message)),
            }
        });
    };
    view! {
        <form class="dialog-form" on:submit=submit>
            <h2 class="modal-title">"Message someone"</h2>
            <div class="field">
                <label for="new-direct-input">"Their name"</label>
                <input
                    id="new-direct-input"
                    type="text"
                    autocomplete="off"
                    autofocus
                    list="people"
                    aria-describedby="new-direct-problem"
                    aria-invalid=move || problem.with(Option::is_some).to_string()
                    prop:value=move || typed.get()
                    on:input=move |event| {
                        typed.set(event_target_value(&event));
                        problem.set(None);
                    }
                />
                <datalist id="people">
                    {move || people.get().into_iter().map(|name| view! { <option value=name></option> }).collect_view()}
                </datalist>
                <p class="field-problem" id="new-direct-problem" role="alert">{move || problem.get()}</p>
            </div>
            <div class="form-actions">
                <button type="button" class="secondary" on:click=move |_| ui.new_direct.set(false)>"Cancel"</button>
                <button type="submit" class="primary">"Message"</button>
            </div>
        </form>
    }
}

/// Every public room, with its members and last message, to join (or
/// open, if already in it), narrowed as a name is typed.
#[component]
pub fn DirectoryDialog() -> impl IntoView {
    let ui = expect_context::<Ui>();
    view! {
        <Modal open=ui.directory label="Browse rooms" class="directory-dialog">
            <DirectoryBody/>
        </Modal>
    }
}

#[component]
fn DirectoryBody() -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let ui = expect_context::<Ui>();
    let rooms = RwSignal::new(None::<Vec<DirectoryEntry>>);
    let problem = RwSignal::new(None::<String>);
    let filter = RwSignal::new(String::new());
    spawn_local(async move {
        match rooms_api::directory().await {
            Ok(found) => rooms.set(Some(found)),
            Err(error) => problem.set(Some(error.message)),
        }
    });
    let shown = move || {
        let filter = filter.get().trim().trim_start_matches('#').to_lowercase();
        rooms.get().map(|rooms| {
            rooms
                .into_iter()
                .filter(|room| room.room.contains(&filter))
                .collect::<Vec<_>>()
        })
    };
    let open_room = move |entry: DirectoryEntry| {
        let name = entry.room.clone();
        if entry.joined {
            ui.directory.set(false);
            arrive(chat, Route::Room(name));
            return;
        }
        spawn_local(async move {
            match rooms_api::join(&name).await {
                Ok(_) => {
                    ui.directory.set(false);
                    arrive(chat, Route::Room(name));
                }
                Err(error) => problem.set(Some(error.message)),
            }
        });
    };
    view! {
        <div class="modal-head">
            <h2 class="modal-title">"Browse rooms"</h2>
            <button type="button" class="quiet icon close" aria-label="Close" on:click=move |_| ui.directory.set(false)>"×"</button>
        </div>
        <label class="visually-hidden" for="directory-filter">"Find a room"</label>
        <input id="directory-filter" type="search" placeholder="Find a room" autofocus
            prop:value=move || filter.get() on:input=move |event| filter.set(event_target_value(&event))/>
        <p class="form-problem" role="alert">{move || problem.get()}</p>
        {move || match shown() {
            None => view! { <p class="hint">"Loading rooms…"</p> }.into_any(),
            Some(list) if list.is_empty() => view! { <p class="hint">"No room matches."</p> }.into_any(),
            Some(list) => view! {
                <ul class="directory" aria-label="Rooms">
                    {list.into_iter().map(|entry| {
                        let members = crate::route::members(entry.members);
                        let last = entry.newest_at.map(|at| format!(" · last message {}", brief(at))).unwrap_or_default();
                        let joined = entry.joined;
                        let name = format!("#{}", entry.room);
                        let room_key = entry.room.clone();
                        let chosen = entry.clone();
                        view! {
                            <li data-room=room_key>
                                <span class="directory-room">
                                    <span class="room-name">{name}</span>
                                    <span class="hint">{format!("{members}{last}")}</span>
                                </span>
                                <button type="button" class=if joined { "secondary small open" } else { "primary small join" }
                                    on:click=move |_| open_room(chosen.clone())>
                                    {if joined { "Open" } else { "Join" }}
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any(),
        }}
    }
}
