//! A room the page was sent to that we are not in: join it if it exists,
//! else say so and offer the directory (or to create it).

use leptos::prelude::*;
use leptos::task::spawn_local;
use natter_shared::validate_room_name;

use crate::components::message_actions::focus_composer;
use crate::rooms_api;
use crate::route::Route;
use crate::state::ChatState;
use crate::ui::Ui;

/// What the directory says of a room we are not in.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Found {
    /// Still asking.
    Looking,
    /// It exists, with this many members.
    Exists(u64),
    /// No room has that name.
    Missing,
    /// A guest cannot ask (or join).
    SignInFirst,
}

/// Shown instead of the list when the URL names a public room we are not
/// in (a link, a room we left, a typo).
#[component]
pub fn MissingRoom(
    /// The room's name as the URL has it.
    name: String,
) -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let ui = expect_context::<Ui>();
    let found = RwSignal::new(Found::Looking);
    let problem = RwSignal::new(None::<String>);
    // The name as the server spells it, if it is a room name at all.
    let spelled = validate_room_name(&name).ok();
    let spelled_for_lookup = spelled.clone();
    Effect::new(move |_| {
        if chat.account.get().is_none() {
            found.set(Found::SignInFirst);
            return;
        }
        let Some(wanted) = spelled_for_lookup.clone() else {
            found.set(Found::Missing);
            return;
        };
        spawn_local(async move {
            match rooms_api::directory().await {
                Ok(rooms) => found.set(
                    rooms
                        .into_iter()
                        .find(|room| room.room == wanted)
                        .map_or(Found::Missing, |room| Found::Exists(room.members)),
                ),
                Err(error) => problem.set(Some(error.message)),
            }
        });
    });
    let title = format!("#{name}");
    let join = {
        let spelled = spelled.clone();
        move |_| {
            let Some(name) = spelled.clone() else {
                return;
            };
            spawn_local(async move {
                match rooms_api::join(&name).await {
                    Ok(_) => {
                        chat.go(Route::Room(name));
                        request_animation_frame(|| {
                            focus_composer();
                        });
                    }
                    Err(error) => problem.set(Some(error.message)),
                }
            });
        }
    };
    let create = {
        let spelled = spelled.clone();
        move |_| {
            let Some(name) = spelled.clone() else {
                return;
            };
            spawn_local(async move {
                match rooms_api::create(&name).await {
                    Ok(room) => {
                        chat.go(Route::Room(room.room));
                        request_animation_frame(|| {
                            focus_composer();
                        });
                    }
                    Err(error) => problem.set(Some(error.message)),
                }
            });
        }
    };
    view! {
        <section class="missing-room" aria-live="polite">
            {move || match found.get() {
                Found::Looking => view! { <p class="hint">"Looking for " {title.clone()} "…"</p> }.into_any(),
                Found::Exists(members) => view! {
                    <h3>{format!("You are not in {title}")}</h3>
                    <p class="hint">{format!("It has {}.", crate::route::members(members))}</p>
                    <button type="button" class="primary join" on:click=join.clone()>{format!("Join {title}")}</button>
                }
                .into_any(),
                Found::Missing => view! {
                    <h3>{format!("There is no room called {title}")}</h3>
                    <p class="hint">"It may have been a typo, or a room that was never made."</p>
                    <div class="form-actions">
                        <button type="button" class="secondary" on:click=move |_| ui.directory.set(true)>"Browse rooms"</button>
                        {spelled.clone().map(|name| view! {
                            <button type="button" class="primary create" on:click=create.clone()>{format!("Create #{name}")}</button>
                        })}
                    </div>
                }
                .into_any(),
                Found::SignInFirst => view! {
                    <h3>{format!("{title} is for people who are signed in")}</h3>
                    <p class="hint">"Guests can talk in the lobby. Sign in to join rooms."</p>
                    <div class="form-actions">
                        <button type="button" class="primary" on:click=move |_| ui.sign_in.set(true)>"Sign in"</button>
                        <a class="button secondary" href=Route::default().href()>"Go to the lobby"</a>
                    </div>
                }
                .into_any(),
            }}
            <p class="form-problem" role="alert">{move || problem.get()}</p>
        </section>
    }
}
