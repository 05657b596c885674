//! The whole page.

use leptos::prelude::*;

use crate::components::account_panel::AccountPanel;
use crate::components::composer::Composer;
use crate::components::message_list::MessageList;
use crate::components::name_field::NameField;
use crate::components::notice::Notice;
use crate::components::room_header::RoomHeader;
use crate::components::room_list::RoomList;
use crate::components::status_indicator::StatusIndicator;
use crate::page;
use crate::socket::Socket;
use crate::state::ChatState;
use crate::storage;

/// Natter's page: status, account (or a guest's name), the room list (a
/// drawer on a phone), and the shown room: its header, the publish form, and
/// its messages, newest first.
#[component]
pub fn App() -> impl IntoView {
    let chat = ChatState::new(storage::saved_name());
    let socket = Socket::start(chat);
    provide_context(chat);
    provide_context(socket);
    page::start(chat, socket);
    let drawer = RwSignal::new(false);
    let unread = move || chat.total_unread();
    view! {
        <div class="layout">
            <header class="top">
                <button
                    type="button"
                    class="rooms-toggle"
                    aria-controls="room-list"
                    aria-expanded=move || drawer.get().to_string()
                    on:click=move |_| drawer.update(|open| *open = !*open)
                >
                    "Rooms"
                    {move || (unread() > 0).then(|| view! { <span class="badge">{unread()}</span> })}
                </button>
                <h1>"Natter"</h1>
                <StatusIndicator/>
            </header>
            <RoomList open=drawer/>
            <main class="chat">
                <AccountPanel/>
                // A display name is a guest's choice; an account's name is its own.
                <Show when=move || chat.account.with(Option::is_none)>
                    <NameField/>
                </Show>
                <RoomHeader/>
                <Composer/>
                <Notice/>
                <MessageList/>
            </main>
        </div>
    }
}
