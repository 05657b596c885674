//! The whole page.

use leptos::prelude::*;

use crate::components::composer::Composer;
use crate::components::connection_banner::ConnectionBanner;
use crate::components::message_actions::{DeleteDialog, RowFocus};
use crate::components::missing_room::MissingRoom;
use crate::components::modal::Modal;
use crate::components::notice::Notice;
use crate::components::room_dialogs::{DirectoryDialog, NewDirectDialog, NewRoomDialog};
use crate::components::room_header::RoomHeader;
use crate::components::settings::SettingsDialog;
use crate::components::shortcuts::ShortcutsDialog;
use crate::components::sidebar::Sidebar;
use crate::components::sign_in::SignInCard;
use crate::components::switcher::QuickSwitcher;
use crate::components::timeline::Timeline;
use crate::page;
use crate::preferences::Prefs;
use crate::route::Route;
use crate::socket::Socket;
use crate::state::ChatState;
use crate::storage;
use crate::timeline::layout::Order;
use crate::ui::Ui;

/// Natter's page: the sidebar (a drawer on a phone) and the shown room (its
/// header, its messages in their own scrolling area, the message box at
/// the newest end). Where the server lets only accounts in, nobody signed
/// in sees only the sign-in card.
#[component]
pub fn App() -> impl IntoView {
    let chat = ChatState::new(storage::saved_name());
    let prefs = Prefs::new();
    let ui = Ui::new();
    provide_context(chat);
    provide_context(prefs);
    provide_context(ui);
    provide_context(RowFocus::new());
    let socket = Socket::start(chat);
    provide_context(socket);
    page::start(chat, socket, ui, prefs);
    // Saved on another tab or device: this page follows.
    Effect::new(move |_| {
        if let Some(told) = chat.told_preferences.get() {
            prefs.adopt(told);
        }
    });
    let shut_out = move || {
        chat.account.with(Option::is_none)
            && chat
                .server
                .with(|server| server.as_ref().is_some_and(|server| !server.guests))
    };
    view! {
        <a class="skip-link" href="#message-input">"Skip to the message box"</a>
        <Show when=move || !shut_out() fallback=|| view! { <SignInScreen/> }>
            <div class="app">
                <Sidebar/>
                <main class="room" class:newest-last=move || prefs.order() == Order::NewestLast>
                    <RoomHeader/>
                    <ConnectionBanner/>
                    <Notice/>
                    <RoomBody/>
                </main>
            </div>
            <QuickSwitcher/>
            <ShortcutsDialog/>
            <SettingsDialog/>
            <NewRoomDialog/>
            <NewDirectDialog/>
            <DirectoryDialog/>
            <DeleteDialog/>
            <Modal open=ui.sign_in label="Log in or sign up" class="small-dialog">
                <SignInCard on_done=move |()| ui.sign_in.set(false)/>
            </Modal>
        </Show>
    }
}

/// The room's messages and the message box, the box at the newest end; or,
/// for a public room we are not in, what to do about it.
#[component]
fn RoomBody() -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let prefs = expect_context::<Prefs>();
    // The URL names a public room this account is not in (guests: any
    // room but the lobby).
    let missing = move || match chat.route.get() {
        Route::Room(name) => {
            let key = name.to_ascii_lowercase();
            let known = chat
                .rooms
                .with(|rooms| rooms.iter().any(|room| room.room == key));
            let welcomed = chat.identity.with(Option::is_some);
            (welcomed && !known && key != natter_shared::LOBBY).then_some(name)
        }
        Route::Direct(_) => None,
    };
    // A memo: the list and the box are drawn again only when what they are
    // changes, never for a change of the room list (a read marker moving),
    // which would lose the reading position.
    let shape = Memo::new(move |_| (missing(), prefs.order()));
    move || match shape.get() {
        (Some(name), _) => view! { <MissingRoom name/> }.into_any(),
        (None, Order::NewestFirst) => view! { <Composer/><Timeline/> }.into_any(),
        (None, Order::NewestLast) => view! { <Timeline/><Composer/> }.into_any(),
    }
}

/// The page for a server that lets only accounts in: the name, and the
/// sign-in card.
#[component]
fn SignInScreen() -> impl IntoView {
    let ui = expect_context::<Ui>();
    view! {
        <main class="sign-in-screen">
            <h1 class="brand">"Natter"</h1>
            <ConnectionBanner/>
            <p class="hint" role="status">{move || ui.signed_in_notice.get()}</p>
            <SignInCard/>
        </main>
    }
}
