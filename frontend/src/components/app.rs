//! The whole page.

use leptos::prelude::*;

use crate::components::account_panel::AccountPanel;
use crate::components::composer::Composer;
use crate::components::message_list::MessageList;
use crate::components::name_field::NameField;
use crate::components::notice::Notice;
use crate::components::status_indicator::StatusIndicator;
use crate::socket::Socket;
use crate::state::ChatState;
use crate::storage;

/// Natter's page: status, account (or a guest's name), the publish form,
/// and the messages, newest first.
#[component]
pub fn App() -> impl IntoView {
    let chat = ChatState::new(storage::saved_name());
    provide_context(chat);
    provide_context(Socket::start(chat));
    view! {
        <main class="chat">
            <header class="top">
                <h1>"Natter"</h1>
                <StatusIndicator/>
            </header>
            <AccountPanel/>
            // A display name is a guest's choice; an account's name is its own.
            <Show when=move || chat.account.with(Option::is_none)>
                <NameField/>
            </Show>
            <Composer/>
            <Notice/>
            <MessageList/>
        </main>
    }
}
