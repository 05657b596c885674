//! Settings in one place: the account (or how a guest picks a name and
//! signs up), how the page looks, and notifications.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use natter_shared::api::{MessageOrder, Theme};
use natter_shared::validate_password;

use crate::account;
use crate::components::modal::Modal;
use crate::components::name_field::NameField;
use crate::notifications::{self, Permission};
use crate::preferences::Prefs;
use crate::socket::Socket;
use crate::state::ChatState;
use crate::ui::Ui;

/// The settings dialog.
#[component]
pub fn SettingsDialog() -> impl IntoView {
    let ui = expect_context::<Ui>();
    view! {
        <Modal open=ui.settings label="Settings" class="settings">
            <div class="modal-head">
                <h2 class="modal-title">"Settings"</h2>
                <button type="button" class="quiet icon close" aria-label="Close" on:click=move |_| ui.settings.set(false)>"×"</button>
            </div>
            <AccountSection/>
            <AppearanceSection/>
            <NotificationsSection/>
            <section class="settings-section">
                <h3>"Keyboard"</h3>
                <button type="button" class="secondary" on:click=move |_| {
                    ui.settings.set(false);
                    ui.shortcuts.set(true);
                }>"Show keyboard shortcuts"</button>
            </section>
        </Modal>
    }
}

/// Signed in: who, a password change, and Log out. A guest: the name it
/// shows, and how to sign in or up.
#[component]
fn AccountSection() -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let socket = expect_context::<Socket>();
    let ui = expect_context::<Ui>();
    let problem = RwSignal::new(None::<String>);
    let log_out = move |_| {
        leptos::task::spawn_local(async move {
            match account::log_out().await {
                Ok(()) => {
                    chat.signed_out();
                    ui.settings.set(false);
                    socket.reconnect();
                }
                Err(error) => problem.set(Some(error.message)),
            }
        });
    };
    view! {
        <section class="settings-section" aria-labelledby="settings-account">
            <h3 id="settings-account">"Account"</h3>
            <Show
                when=move || chat.account.with(Option::is_some)
                fallback=move || view! {
                    <p>
                        "You are chatting as a guest, as "
                        <strong>{move || chat.my_name()}</strong>
                        ". Guests can talk in the lobby; sign in to create and join rooms and to message people."
                    </p>
                    <NameField/>
                    <Show when=move || chat.server.with(|server| server.as_ref().is_none_or(|server| server.signup))
                        fallback=|| view! { <p class="hint">"Sign-up is closed here: ask an admin for an account."</p> }>
                        <span></span>
                    </Show>
                    <button type="button" class="primary" on:click=move |_| {
                        ui.settings.set(false);
                        ui.sign_in.set(true);
                    }>"Log in or sign up"</button>
                }
            >
                <p>"Signed in as " <strong>{move || chat.account.get().unwrap_or_default()}</strong></p>
                <PasswordChange/>
                <button type="button" class="secondary log-out" on:click=log_out>"Log out"</button>
                <p class="form-problem" role="alert">{move || problem.get()}</p>
            </Show>
        </section>
    }
}

/// Changing the password: the current one, the new one twice. Every other
/// session of the account ends (a stolen one included); this one goes on.
#[component]
fn PasswordChange() -> impl IntoView {
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let done = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        done.set(false);
        let (current_typed, new_typed) = (current.get_untracked(), new.get_untracked());
        if let Err(error) = validate_password(&new_typed) {
            problem.set(Some(crate::words::password_problem(&error)));
            return;
        }
        if new_typed != again.get_untracked() {
            problem.set(Some("The two new passwords are not the same.".to_owned()));
            return;
        }
        problem.set(None);
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = account::change_password(&current_typed, &new_typed).await;
            busy.set(false);
            match result {
                Ok(()) => {
                    current.set(String::new());
                    new.set(String::new());
                    again.set(String::new());
                    done.set(true);
                }
                Err(error) if error.code == "invalid_credentials" => {
                    problem.set(Some("Your current password is not right.".to_owned()))
                }
                Err(error) => problem.set(Some(error.message)),
            }
        });
    };
    view! {
        <form class="password-change" on:submit=submit>
            <h4>"Change password"</h4>
            <div class="field">
                <label for="password-current">"Current password"</label>
                <input id="password-current" type="password" autocomplete="current-password" bind:value=current/>
            </div>
            <div class="field">
                <label for="password-new">"New password"</label>
                <input id="password-new" type="password" autocomplete="new-password" bind:value=new/>
            </div>
            <div class="field">
                <label for="password-again">"New password again"</label>
                <input id="password-again" type="password" autocomplete="new-password" bind:value=again/>
            </div>
            <p class="form-problem" role="alert">{move || problem.get()}</p>
            <p class="form-done" role="status">
                {move || done.get().then_some("Password changed. Your other sessions have been signed out.")}
            </p>
            <button type="submit" class="secondary" disabled=busy>"Change password"</button>
        </form>
    }
}

/// Theme and which end the newest message is at.
#[component]
fn AppearanceSection() -> impl IntoView {
    let prefs = expect_context::<Prefs>();
    let chat = expect_context::<ChatState>();
    let theme = move || prefs.current.with(|current| current.theme);
    let order = move || prefs.current.with(|current| current.order);
    let choose_theme = move |theme: Theme| prefs.update(chat, |prefs| prefs.theme = theme);
    let choose_order = move |order: MessageOrder| prefs.update(chat, |prefs| prefs.order = order);
    view! {
        <section class="settings-section" aria-labelledby="settings-appearance">
            <h3 id="settings-appearance">"Appearance"</h3>
            <fieldset class="choices">
                <legend>"Theme"</legend>
                {[(Theme::System, "Same as my system"), (Theme::Light, "Light"), (Theme::Dark, "Dark")]
                    .into_iter()
                    .map(|(choice, words)| view! {
                        <label class="choice">
                            <input type="radio" name="theme" prop:checked=move || theme() == choice
                                on:change=move |_| choose_theme(choice)/>
                            {words}
                        </label>
                    })
                    .collect_view()}
            </fieldset>
            <fieldset class="choices">
                <legend>"Messages"</legend>
                {[(MessageOrder::NewestFirst, "Newest at the top"), (MessageOrder::NewestLast, "Newest at the bottom")]
                    .into_iter()
                    .map(|(choice, words)| view! {
                        <label class="choice">
                            <input type="radio" name="order" prop:checked=move || order() == choice
                                on:change=move |_| choose_order(choice)/>
                            {words}
                        </label>
                    })
                    .collect_view()}
            </fieldset>
            <p class="hint">
                {move || if chat.account.with(Option::is_some) {
                    "Kept with your account, on every device."
                } else {
                    "Kept in this browser."
                }}
            </p>
        </section>
    }
}

/// Whether this browser may show notifications, and the one button that
/// asks.
#[component]
fn NotificationsSection() -> impl IntoView {
    view! {
        <section class="settings-section" aria-labelledby="settings-notifications">
            <h3 id="settings-notifications">"Notifications"</h3>
            <NotificationPermission/>
        </section>
    }
}

/// The browser's answer about notifications in words, and the button that
/// asks, while it has not been asked. A refusal is explained: only the
/// browser's own site settings can undo it.
#[component]
pub fn NotificationPermission() -> impl IntoView {
    let permission = RwSignal::new(notifications::permission());
    let ask = move |_| notifications::ask(move || permission.set(notifications::permission()));
    move || {
        match permission.get() {
        Permission::Unsupported => view! {
            <p class="hint">"This browser cannot show notifications from this page (they need a secure https address)."</p>
        }
        .into_any(),
        Permission::Undecided => view! {
            <p class="hint">"Get a notification while this tab is in the background, for what each room's menu asks (by default mentions in rooms, every direct message)."</p>
            <button type="button" class="secondary allow-notifications" on:click=ask>"Turn on notifications"</button>
        }
        .into_any(),
        Permission::Granted => view! {
            <p class="hint">"Notifications are on. Each room's menu says which messages notify you."</p>
        }
        .into_any(),
        Permission::Denied => view! {
            <p class="hint notice-refused" role="status">
                "Your browser is blocking notifications from this site. To get them, allow notifications for this site in the browser's site settings, then reload."
            </p>
        }
        .into_any(),
    }
    }
}
