//! What the shown room notifies of, and the browser's permission to.

use leptos::prelude::*;
use leptos::task::spawn_local;
use natter_shared::Notify;

use crate::notifications;
use crate::rooms_api;
use crate::state::ChatState;

/// For an account: "Notify me of" all messages, mentions only or nothing
/// in this room, kept on the server for every tab and device. For anyone,
/// while the browser has not been asked: a button that asks (the only way
/// the page ever asks).
#[component]
pub fn NotifySetting(
    /// The room's key.
    room: String,
    /// Its setting now.
    notify: Notify,
) -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let undecided = RwSignal::new(notifications::undecided());
    let ask = move |_| notifications::ask(move || undecided.set(notifications::undecided()));
    let room = StoredValue::new(room);
    let choose = move |event: leptos::ev::Event| {
        let notify = match event_target_value(&event).as_str() {
            "all" => Notify::All,
            "nothing" => Notify::Nothing,
            _ => Notify::Mentions,
        };
        let room = room.get_value();
        spawn_local(async move {
            match rooms_api::set_notify(&room, notify).await {
                Ok(info) => chat.rooms.update(|rooms| {
                    if let Some(known) = rooms.iter_mut().find(|known| known.room == info.room) {
                        known.notify = info.notify;
                    }
                }),
                Err(error) => chat.show_notice(&error.code, error.message),
            }
        });
    };
    let signed_in = move || chat.account.with(Option::is_some);
    view! {
        <Show when=signed_in>
            <label class="notify-setting">
                "Notify me of "
                <select on:change=choose>
                    <option value="all" selected=notify == Notify::All>"all messages"</option>
                    <option value="mentions" selected=notify == Notify::Mentions>"mentions"</option>
                    <option value="nothing" selected=notify == Notify::Nothing>"nothing"</option>
                </select>
            </label>
        </Show>
        <Show when=move || undecided.get()>
            <button type="button" class="allow-notifications" on:click=ask>
                "Turn on notifications"
            </button>
        </Show>
    }
}
