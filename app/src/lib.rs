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
pub mod routes;
#[cfg(feature = "ssr")]
pub mod server;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Link, Meta, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, Lazy};

use components::layout::{provide_session, Header};

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

    view! {
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml" />
        <Meta name="description" content="Request and manage dedicated connections to members' personal data stores." />
        <Title formatter=|text: String| format!("{text} – Connection Manager") />
        <Router>
            <a class="skip-link" href="#main">"Skip to main content"</a>
            <Header />
            <main id="main" class="page" tabindex="-1">
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=path!("/") view={Lazy::<routes::Home>::new()} />
                    <Route path=path!("/login") view={Lazy::<routes::LogIn>::new()} />
                    <Route path=path!("/signup") view={Lazy::<routes::SignUp>::new()} />
                    <Route path=path!("/invitations/:token") view={Lazy::<routes::AcceptInvitation>::new()} />
                    <Route path=path!("/organisation/users") view={Lazy::<routes::OrganisationUsers>::new()} />
                    <Route path=path!("/organisation/api-keys") view={Lazy::<routes::ApiKeys>::new()} />
                    <Route path=path!("/terms") view={Lazy::<routes::Terms>::new()} />
                    <Route path=path!("/connections") view={Lazy::<routes::Connections>::new()} />
                    <Route path=path!("/connections/new") view={Lazy::<routes::NewConnection>::new()} />
                    <Route path=path!("/connections/:id/view") view={Lazy::<routes::ViewConnection>::new()} />
                    <Route path=path!("/connections/:id/print") view={Lazy::<routes::PrintConnection>::new()} />
                    <Route path=path!("/connections/:id/history") view={Lazy::<routes::History>::new()} />
                    <ParentRoute path=path!("/connections/:id") view={Lazy::<routes::Wizard>::new()}>
                        <Route path=path!("") view={Lazy::<routes::WizardOverview>::new()} />
                        <Route path=path!("check") view={Lazy::<routes::WizardCheck>::new()} />
                        <Route path=path!("submitted") view={Lazy::<routes::WizardSubmitted>::new()} />
                        <Route path=path!(":section") view={Lazy::<routes::WizardSection>::new()} />
                    </ParentRoute>
                    <Route path=path!("/staff") view={Lazy::<routes::StaffHome>::new()} />
                    <Route path=path!("/staff/api-keys") view={Lazy::<routes::StaffApiKeys>::new()} />
                    <Route path=path!("/staff/requests/:id") view={Lazy::<routes::StaffReview>::new()} />
                    <Route path=path!("/notifications") view={Lazy::<routes::Notifications>::new()} />
                </Routes>
            </main>
        </Router>
    }
}
