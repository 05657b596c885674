//! The sidebar: who you are and the connection, the rooms and direct
//! conversations, and the ways to more (create, browse, message someone).
//! A fixed column on a wide screen; a drawer on a phone.

use leptos::prelude::*;

use crate::components::avatar::Avatar;
use crate::components::room_list::RoomList;
use crate::state::ChatState;
use crate::ui::Ui;

/// The sidebar. On a phone it is a drawer: it closes on Escape, on a tap
/// outside it (the scrim), on a swipe to the left, and when a room is
/// chosen.
#[component]
pub fn Sidebar() -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let ui = expect_context::<Ui>();
    let signed_in = move || chat.account.with(Option::is_some);
    // A swipe to the left closes the drawer: where a touch started, to
    // compare with where it ended.
    let touch_start = StoredValue::new(None::<(i32, i32)>);
    let touched = move |event: leptos::ev::TouchEvent| {
        touch_start.set_value(
            event
                .touches()
                .get(0)
                .map(|touch| (touch.client_x(), touch.client_y())),
        );
    };
    let released = move |event: leptos::ev::TouchEvent| {
        let (Some((x, y)), Some(end)) = (touch_start.get_value(), event.changed_touches().get(0))
        else {
            return;
        };
        let (dx, dy) = (end.client_x() - x, end.client_y() - y);
        if dx < -60 && dx.abs() > 2 * dy.abs() {
            ui.drawer.set(false);
        }
    };
    view! {
        <div
            class="scrim"
            class:open=move || ui.drawer.get()
            aria-hidden="true"
            on:click=move |_| ui.drawer.set(false)
        ></div>
        <nav
            id="room-list"
            class="sidebar"
            class:open=move || ui.drawer.get()
            aria-label="Rooms"
            on:touchstart=touched
            on:touchend=released
        >
            <div class="sidebar-head">
                <h1 class="brand">"Natter"</h1>
                <button type="button" class="quiet small jump" title="Jump to a room or person (Ctrl+K)"
                    on:click=move |_| {
                        ui.drawer.set(false);
                        ui.switcher.set(true);
                    }>
                    "Jump to…"
                </button>
            </div>
            <div class="sidebar-scroll">
                <RoomList/>
                <Show when=move || !signed_in()>
                    <p class="hint sidebar-hint">"Sign in to create and join rooms and to message people."</p>
                </Show>
            </div>
            <div class="sidebar-foot">
                <button type="button" class="me" on:click=move |_| {
                    ui.drawer.set(false);
                    ui.settings.set(true);
                }>
                    {move || view! { <Avatar name=chat.my_name()/> }}
                    <span class="me-text">
                        <span class="me-name">{move || chat.my_name()}</span>
                        <span class="me-note">{move || if signed_in() { "Settings" } else { "Guest · Settings" }}</span>
                    </span>
                </button>
            </div>
        </nav>
    }
}
