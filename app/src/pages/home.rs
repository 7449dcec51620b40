//! The home page: the subscriber's "Manage connections" panel. Operator
//! staff are sent on to the staff home.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};

use crate::components::layout::use_session;

#[component]
pub fn HomePage() -> impl IntoView {
    let session = use_session();
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading..."</p> }>
            {move || Suspend::new(async move {
                match session.user.await {
                    // Staff have their own home page. Showing it here would
                    // put its review queue, and so the whole manage grid,
                    // in this page's WebAssembly for every visitor.
                    // NOTE: the server sends staff an empty page with HTTP
                    // 200, and the browser redirects once it has hydrated.
                    Ok(Some(user)) if user.is_staff() => view! { <Redirect path="/staff" /> }.into_any(),
                    Ok(Some(user)) => {
                        let organisation = user.current_membership().map(|m| m.name.clone()).unwrap_or_default();
                        let is_admin = user.is_current_admin();
                        view! {
                            <Title text="Home" />
                            <h1>{organisation}</h1>
                            <section class="panel" aria-labelledby="manage-connections">
                                <h2 id="manage-connections">"Manage connections"</h2>
                                <p>"A dedicated connection links one of your services to members' personal data stores. Request one, follow its review, test it on the sandbox and ask for it to go live."</p>
                                <ul class="action-list">
                                    <li><A href="/connections/new" attr:class="button">"Create new connection"</A></li>
                                    <li><A href="/connections" attr:class="button button--secondary">"Manage existing connections"</A></li>
                                </ul>
                            </section>
                            <section class="panel" aria-labelledby="your-organisation">
                                <h2 id="your-organisation">"Your organisation"</h2>
                                <p>{if is_admin { "You are an admin: you can invite colleagues and remove users." } else { "You are a user of this organisation." }}</p>
                                <p><A href="/organisation/users">"Users of your organisation"</A></p>
                                {is_admin.then(|| view! { <p><A href="/organisation/api-keys">"API keys for the operator's API"</A></p> })}
                                <p><A href="/terms">"Read the Terms for Subscribers"</A></p>
                            </section>
                        }.into_any()
                    }
                    _ => view! {
                        <Title text="Welcome" />
                        <h1>"Connection Manager"</h1>
                        <p class="lead">"Organisations use the Connection Manager to request dedicated connections to members' personal data stores, follow their review, and take them from the sandbox to live."</p>
                        <ul class="action-list">
                            <li><A href="/login" attr:class="button">"Sign in"</A></li>
                            <li><A href="/signup" attr:class="button button--secondary">"Register your organisation"</A></li>
                        </ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
