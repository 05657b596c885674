//! Signing in, signing up, or going on as a guest; and signing out.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use natter_shared::{CLOSE_SESSION_ENDED, validate_name, validate_password};

use crate::account;
use crate::model::ConnectionStatus;
use crate::socket::Socket;
use crate::state::ChatState;

/// What the form does when submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    LogIn,
    SignUp,
}

/// The account bar: "Signed in as ada" with a log-out button, or a form to
/// log in or sign up (guests chat meanwhile). After either, the socket
/// reconnects, so the server sees the new identity.
#[component]
pub fn AccountPanel() -> impl IntoView {
    let chat = expect_context::<ChatState>();
    let socket = expect_context::<Socket>();
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let action = RwSignal::new(Action::LogIn);

    // On load: whether the session cookie (if any) is still good. A stale
    // one (expired, or ended elsewhere) is removed, or every WebSocket
    // handshake would be refused; the socket's next try is then a guest's.
    leptos::task::spawn_local(async move {
        match account::current().await {
            Ok(Some(signed_in)) => chat.account.set(Some(signed_in)),
            Ok(None) => {
                let _ = account::log_out().await;
            }
            Err(_) => {}
        }
    });

    // A session can end while the page is open: the server closes the
    // connection with CLOSE_SESSION_ENDED when it is ended (a sign-out or a
    // password change elsewhere, an operator, expiry). The stale cookie is
    // removed, or every handshake would be refused, and the page goes on as
    // a guest at once. A handshake refused for a session the server no
    // longer knows looks to the browser like any failed try, so after a
    // few the page asks whether the session is still good.
    Effect::new(move |_| {
        let status = chat.status.get();
        let ended =
            matches!(status, ConnectionStatus::Closed { code, .. } if code == CLOSE_SESSION_ENDED);
        let failing = matches!(status, ConnectionStatus::Connecting { attempt } if attempt >= 3);
        if !(ended || failing) || chat.account.get_untracked().is_none() {
            return;
        }
        if ended {
            // At once, so the countdown's later updates find nothing to do.
            chat.account.set(None);
        }
        leptos::task::spawn_local(async move {
            if !ended && !matches!(account::current().await, Ok(None)) {
                return;
            }
            // The cookie is HttpOnly: only the server can remove it, and
            // until it has, every handshake carries the ended session and is
            // refused. The server may be down right now (the password was
            // changed just before a restart), so ask until it answers.
            chat.account.set(None);
            account::forget_session(move || chat.account.get_untracked().is_none()).await;
            problem.set(Some(
                "You were signed out: your session ended (signed out elsewhere, a password change, or it ran out). You are a guest now; log in to chat as yourself again.".to_owned(),
            ));
            if ended {
                socket.reconnect();
            }
        });
    });

    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let typed_name = name.get_untracked();
        let typed_password = password.get_untracked();
        let chosen = action.get_untracked();
        if chosen == Action::SignUp {
            if let Err(error) = validate_name(&typed_name) {
                problem.set(Some(format!("That name will not work: {error}.")));
                return;
            }
            if let Err(error) = validate_password(&typed_password) {
                problem.set(Some(format!("That password will not work: {error}.")));
                return;
            }
        }
        problem.set(None);
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
                    chat.account.set(Some(signed_in));
                    socket.reconnect();
                }
                Err(error) => problem.set(Some(error.message)),
            }
        });
    };

    let log_out = move |_| {
        leptos::task::spawn_local(async move {
            match account::log_out().await {
                Ok(()) => {
                    chat.account.set(None);
                    socket.reconnect();
                }
                Err(error) => problem.set(Some(error.message)),
            }
        });
    };

    view! {
        <section class="account" aria-label="Account">
            <Show
                when=move || chat.account.with(Option::is_some)
                fallback=move || view! {
                    <form class="sign-in" on:submit=submit>
                        <label for="account-name">"Name"</label>
                        <input id="account-name" type="text" autocomplete="username" bind:value=name/>
                        <label for="account-password">"Password"</label>
                        <input
                            id="account-password"
                            type="password"
                            autocomplete="current-password"
                            bind:value=password
                        />
                        <button type="submit" class="log-in" disabled=busy
                            on:click=move |_| action.set(Action::LogIn)>"Log in"</button>
                        <button type="submit" class="sign-up" disabled=busy
                            on:click=move |_| action.set(Action::SignUp)>"Sign up"</button>
                        <span class="hint">"or chat as a guest below"</span>
                    </form>
                }
            >
                <p class="signed-in">
                    "Signed in as "
                    <strong>{move || chat.account.get().unwrap_or_default()}</strong>
                    <button type="button" class="log-out" on:click=log_out>"Log out"</button>
                </p>
            </Show>
            <span class="problem" role="alert">{move || problem.get()}</span>
        </section>
    }
}
