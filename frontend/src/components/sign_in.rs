//! Signing in or signing up: one card with both, shaped by how the server
//! is run (sign-up open or closed, guests welcome or not).

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use natter_shared::{validate_name, validate_password};

use crate::account;
use crate::components::message_actions::focus_composer;
use crate::preferences::Prefs;
use crate::socket::Socket;
use crate::state::ChatState;
use crate::ui::Ui;

/// Which button sent the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    LogIn,
    SignUp,
}

/// Name, password, and "Log in" and "Sign up" side by side (Enter logs
/// in). Each problem shows next to its field in plain words; a wrong
/// password when sign-up is open says how to make the account instead.
/// Where sign-up is closed there is no Sign up, only where to get an
/// account. On success the password is forgotten, the connection is made
/// again as the account, and the focus goes to the message box.
#[component]
pub fn SignInCard(
    /// Called once signed in (a dialog closes itself with it).
    #[prop(optional, into)]
    on_done: Option<Callback<()>>,
) -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let socket = expect_context::<Socket>();
    let ui = expect_context::<Ui>();
    let prefs = expect_context::<Prefs>();
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let name_problem = RwSignal::new(None::<String>);
    let password_problem = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let action = StoredValue::new(Action::LogIn);
    let signup_open = move || {
        chat.server
            .with(|server| server.as_ref().is_none_or(|server| server.signup))
    };
    let guests = move || {
        chat.server
            .with(|server| server.as_ref().is_none_or(|server| server.guests))
    };
    let name_field = NodeRef::<html::Input>::new();

    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let chosen = action.get_value();
        action.set_value(Action::LogIn);
        let typed_name = name.get_untracked();
        let typed_password = password.get_untracked();
        name_problem.set(None);
        password_problem.set(None);
        problem.set(None);
        if typed_name.trim().is_empty() {
            name_problem.set(Some("Enter your name.".to_owned()));
            return;
        }
        if typed_password.is_empty() {
            password_problem.set(Some("Enter your password.".to_owned()));
            return;
        }
        if chosen == Action::SignUp {
            if let Err(error) = validate_name(&typed_name) {
                name_problem.set(Some(crate::words::name_problem(&error)));
                return;
            }
            if let Err(error) = validate_password(&typed_password) {
                password_problem.set(Some(crate::words::password_problem(&error)));
                return;
            }
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = match chosen {
                Action::LogIn => account::log_in(&typed_name, &typed_password).await,
                Action::SignUp => account::sign_up(&typed_name, &typed_password).await,
            };
            busy.set(false);
            match result {
                Ok(signed_in) => {
                    password.set(String::new());
                    // The account's own look, wherever it signs in.
                    prefs.adopt(signed_in.preferences);
                    chat.signed_in(signed_in);
                    socket.reconnect();
                    if let Some(done) = on_done {
                        done.run(());
                    }
                    ui.signed_in_notice.set(None);
                    request_animation_frame(move || {
                        focus_composer();
                    });
                }
                Err(error) => match error.code.as_str() {
                    "name_taken" => name_problem.set(Some(
                        "Someone already has that name (or one that looks like it). Choose another, or log in if it is yours."
                            .to_owned(),
                    )),
                    "invalid_name" => name_problem.set(Some(error.message)),
                    "weak_password" | "password_too_long" => password_problem.set(Some(error.message)),
                    "invalid_credentials" if signup_open() => problem.set(Some(
                        "That name and password don't match an account. New here? Choose Sign up to create one with them."
                            .to_owned(),
                    )),
                    "invalid_credentials" => problem.set(Some(
                        "That name and password don't match an account. Check them and try again.".to_owned(),
                    )),
                    "rate_limited" => problem.set(Some(
                        "Too many tries for now. Wait a moment, then try again.".to_owned(),
                    )),
                    _ => problem.set(Some(error.message)),
                },
            }
        });
    };
    Effect::new(move |_| {
        if let Some(field) = name_field.get() {
            let _ = field.focus();
        }
    });

    view! {
        <form class="sign-in-card" on:submit=submit novalidate>
            <h2 class="card-title">{move || if signup_open() { "Log in or sign up" } else { "Log in" }}</h2>
            <div class="field">
                <label for="account-name">"Name"</label>
                <input
                    id="account-name"
                    type="text"
                    autocomplete="username"
                    autofocus
                    node_ref=name_field
                    aria-invalid=move || name_problem.with(Option::is_some).to_string()
                    aria-describedby="account-name-problem"
                    bind:value=name
                />
                <p class="field-problem" id="account-name-problem" role="alert">{move || name_problem.get()}</p>
            </div>
            <div class="field">
                <label for="account-password">"Password"</label>
                <input
                    id="account-password"
                    type="password"
                    autocomplete="current-password"
                    aria-invalid=move || password_problem.with(Option::is_some).to_string()
                    aria-describedby="account-password-problem"
                    bind:value=password
                />
                <p class="field-problem" id="account-password-problem" role="alert">{move || password_problem.get()}</p>
            </div>
            <p class="form-problem" role="alert">{move || problem.get()}</p>
            <div class="form-actions">
                <button type="submit" class="primary log-in" disabled=busy
                    on:click=move |_| action.set_value(Action::LogIn)>"Log in"</button>
                <Show
                    when=signup_open
                    fallback=|| view! { <p class="hint">"Sign-up is closed here. Ask an admin for an account."</p> }
                >
                    <button type="submit" class="secondary sign-up" disabled=busy
                        on:click=move |_| action.set_value(Action::SignUp)>"Sign up"</button>
                </Show>
            </div>
            <Show when=move || guests() && on_done.is_some()>
                <p class="hint">"Or close this and keep chatting in the lobby as a guest."</p>
            </Show>
        </form>
    }
}
