//! The page frame: the signed-in user, the header and access guards.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::accounts::{fetch_current_user, CurrentUser, LogIn, LogOut, SignUp};
use crate::api::organisations::{AcceptInvitation, SwitchOrganisation};
use crate::error::AppError;

/// The signed-in user and the actions that change who that is.
#[derive(Clone, Copy)]
pub struct SessionContext {
    pub user: Resource<Result<Option<CurrentUser>, AppError>>,
    pub log_in: ServerAction<LogIn>,
    pub log_out: ServerAction<LogOut>,
    pub sign_up: ServerAction<SignUp>,
    pub switch_organisation: ServerAction<SwitchOrganisation>,
    pub accept_invitation: ServerAction<AcceptInvitation>,
}

pub fn provide_session() {
    let log_in = ServerAction::<LogIn>::new();
    let log_out = ServerAction::<LogOut>::new();
    let sign_up = ServerAction::<SignUp>::new();
    let switch_organisation = ServerAction::<SwitchOrganisation>::new();
    let accept_invitation = ServerAction::<AcceptInvitation>::new();
    let user = Resource::new_blocking(
        move || {
            (
                log_in.version().get(),
                log_out.version().get(),
                sign_up.version().get(),
                switch_organisation.version().get(),
                accept_invitation.version().get(),
            )
        },
        |_| fetch_current_user(),
    );
    provide_context(SessionContext {
        user,
        log_in,
        log_out,
        sign_up,
        switch_organisation,
        accept_invitation,
    });
}

pub fn use_session() -> SessionContext {
    expect_context::<SessionContext>()
}

#[component]
pub fn Header() -> impl IntoView {
    let session = use_session();
    view! {
        <header class="site-header">
            <div class="site-header__inner">
                <A href="/" attr:class="site-header__brand">"Connection Manager"</A>
                <nav aria-label="Account">
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            match session.user.await {
                                Ok(Some(user)) => view! { <UserMenu user /> }.into_any(),
                                _ => view! {
                                    <ul class="site-header__links">
                                        <li><A href="/login">"Sign in"</A></li>
                                        <li><A href="/signup">"Register"</A></li>
                                    </ul>
                                }.into_any(),
                            }
                        })}
                    </Transition>
                </nav>
            </div>
        </header>
    }
}

#[component]
fn UserMenu(user: CurrentUser) -> impl IntoView {
    let session = use_session();
    let role_text = match user.staff_role {
        Some(role) => role.label().to_string(),
        None => user
            .current_membership()
            .map(|m| m.name.clone())
            .unwrap_or_default(),
    };
    let is_admin = user.is_current_admin();
    let is_staff = user.is_staff();
    let switcher = (user.organisations.len() > 1).then(|| {
        let current = user.current_organisation;
        view! {
            <ActionForm action=session.switch_organisation attr:class="org-switcher">
                <label for="organisation_id" class="visually-hidden">"Organisation"</label>
                <select id="organisation_id" name="organisation_id">
                    {user.organisations.iter().map(|o| {
                        let selected = Some(o.id) == current;
                        view! { <option value=o.id.to_string() selected=selected>{o.name.clone()}</option> }
                    }).collect_view()}
                </select>
                <button type="submit" class="button button--secondary button--small">"Switch"</button>
            </ActionForm>
        }
    });
    view! {
        <div class="user-menu">
            <p class="user-menu__who" data-testid="who-am-i">
                <span class="user-menu__name">{user.display_name.clone()}</span>
                <span class="user-menu__context">{role_text}</span>
            </p>
            {switcher}
            {is_admin.then(|| view! {
                <A href="/organisation/api-keys" attr:class="user-menu__link">"API keys"</A>
            })}
            {is_staff.then(|| view! {
                <A href="/staff/api-keys" attr:class="user-menu__link">"Live key requests"</A>
            })}
            <A href="/notifications" attr:class="user-menu__link">"Notifications"</A>
            <ActionForm action=session.log_out>
                <button type="submit" class="button button--secondary button--small">"Sign out"</button>
            </ActionForm>
        </div>
    }
}

/// Sets the HTTP status of a server-rendered page.
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = axum::http::StatusCode::from_u16(code) {
            options.set_status(status);
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

#[component]
pub fn SignInPrompt() -> impl IntoView {
    set_status(401);
    let location = leptos_router::hooks::use_location();
    // The router's `search` has no leading `?`.
    let search = location.search.get_untracked();
    let mut current_path = location.pathname.get_untracked();
    if !search.is_empty() {
        current_path = format!("{current_path}?{search}");
    }
    let next =
        percent_encoding::utf8_percent_encode(&current_path, percent_encoding::NON_ALPHANUMERIC);
    view! {
        <div class="panel">
            <h1>"Sign in to continue"</h1>
            <p>"You need to sign in to see this page."</p>
            <p><A href=format!("/login?next={next}") attr:class="button">"Sign in"</A></p>
        </div>
    }
}

#[component]
pub fn Forbidden(#[prop(into)] message: String) -> impl IntoView {
    set_status(403);
    view! {
        <div class="panel" role="alert">
            <h1>"You do not have permission to see this page"</h1>
            <p>{message}</p>
            <p><A href="/">"Go to your home page"</A></p>
        </div>
    }
}

/// Shows an error from a server function in plain words.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    match error {
        AppError::Unauthenticated => view! { <SignInPrompt /> }.into_any(),
        AppError::Forbidden(message) => view! { <Forbidden message /> }.into_any(),
        other => {
            set_status(other.status_code());
            view! {
                <div class="panel panel--error" role="alert">
                    <h1>"There is a problem"</h1>
                    <p>{other.to_string()}</p>
                </div>
            }
            .into_any()
        }
    }
}

/// Renders `render` with the signed-in user, or a sign-in prompt.
pub fn with_user<F, V>(render: F) -> impl IntoView
where
    F: Fn(CurrentUser) -> V + Send + Sync + Clone + 'static,
    V: IntoView + 'static,
{
    let session = use_session();
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading..."</p> }>
            {
                let render = render.clone();
                move || {
                    let render = render.clone();
                    Suspend::new(async move {
                        match session.user.await {
                            Ok(Some(user)) => render(user).into_any(),
                            Ok(None) => view! { <SignInPrompt /> }.into_any(),
                            Err(error) => view! { <ErrorPanel error /> }.into_any(),
                        }
                    })
                }
            }
        </Suspense>
    }
}

/// Marks the page once the browser has taken over all of it, so that
/// end-to-end tests wait on a condition instead of a delay.
///
/// It sits after a page's content. Most pages render inside a Suspense
/// that waits for the signed-in user, so the mark waits for that resource
/// and then one more turn of the event loop, by which time the page's own
/// content has hydrated.
#[component]
pub fn HydrationMark() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let user = use_session().user;
        Effect::new(move |_| {
            leptos::task::spawn_local(async move {
                let _ = user.await;
                gloo_timers::future::TimeoutFuture::new(0).await;
                mark_hydrated();
            });
        });
    }
}

#[cfg(feature = "hydrate")]
fn mark_hydrated() {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Some(body) = window.document().and_then(|d| d.body()) {
        let _ = body.set_attribute("data-hydrated", "true");
    }
    // Timed from navigation start by the hydration benchmark.
    if let Some(performance) = window.performance() {
        let _ = performance.mark("hydrated");
    }
}
