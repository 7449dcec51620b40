//! Connection Manager: shared types, components and server functions.
//!
//! The same crate runs on the server (feature `ssr`) and in the browser
//! (feature `hydrate`). Domain rules live in [`domain`] and do no I/O.

#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod domain;
pub mod error;
pub mod help;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Link, Meta, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use components::layout::{provide_session, Header};
use pages::{accounts, home, organisation, staff, wizard};

/// Renders the HTML document around the app on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    server::csp::set_page_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en-GB">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                // The stylesheet's name carries its content hash in release builds.
                <HashedStylesheet options=options.clone() id="leptos" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_session();

    // Marks the page once the WASM has hydrated it, so that end-to-end
    // tests wait on a condition instead of a delay.
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            let _ = body.set_attribute("data-hydrated", "true");
            // Timed from navigation start by the hydration benchmark.
            if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
                let _ = performance.mark("hydrated");
            }
        }
    });

    view! {
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml" />
        <Meta name="description" content="Request and manage dedicated connections to members' personal data stores." />
        <Title formatter=|text: String| format!("{text} – Connection Manager") />
        <Router>
            <a class="skip-link" href="#main">"Skip to main content"</a>
            <Header />
            <main id="main" class="page" tabindex="-1">
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=path!("/") view=home::HomePage />
                    <Route path=path!("/login") view=accounts::LoginPage />
                    <Route path=path!("/signup") view=accounts::SignUpPage />
                    <Route path=path!("/invitations/:token") view=organisation::AcceptInvitationPage />
                    <Route path=path!("/organisation/users") view=organisation::OrganisationUsersPage />
                    <Route path=path!("/organisation/api-keys") view=pages::api_keys::ApiKeysPage />
                    <Route path=path!("/terms") view=wizard::terms::TermsPage />
                    <Route path=path!("/connections") view=wizard::list::ConnectionsPage />
                    <Route path=path!("/connections/new") view=wizard::start::NewConnectionPage />
                    <Route path=path!("/connections/:id/view") view=pages::view::ViewPage />
                    <Route path=path!("/connections/:id/print") view=pages::view::PrintPage />
                    <Route path=path!("/connections/:id/history") view=pages::history::HistoryPage />
                    <ParentRoute path=path!("/connections/:id") view=wizard::WizardShell>
                        <Route path=path!("") view=wizard::overview::OverviewPage />
                        <Route path=path!("check") view=wizard::checklist::ChecklistPage />
                        <Route path=path!("submitted") view=wizard::checklist::SubmittedPage />
                        <Route path=path!(":section") view=wizard::sections::SectionPage />
                    </ParentRoute>
                    <Route path=path!("/staff") view=staff::StaffHomePage />
                    <Route path=path!("/staff/api-keys") view=pages::api_keys::StaffApiKeysPage />
                    <Route path=path!("/staff/requests/:id") view=pages::review::StaffReviewPage />
                    <Route path=path!("/notifications") view=pages::notifications::NotificationsPage />
                </Routes>
            </main>
        </Router>
    }
}
