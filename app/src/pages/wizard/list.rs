//! The organisation's connections, in the manage grid.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::components::grid::ManageGrid;
use crate::components::layout::with_user;
use crate::domain::grid::Scope;

#[component]
pub fn ConnectionsPage() -> impl IntoView {
    with_user(|user| {
        view! {
            <Title text="Manage existing connections" />
            <div class="page-heading">
                <h1>"Manage existing connections"</h1>
                <A href="/connections/new" attr:class="button">"Create new connection"</A>
            </div>
            <ManageGrid
                scope=Scope::Organisation
                organisations=user.organisations.clone()
                current_organisation=user.current_organisation.unwrap_or_default()
            />
        }
    })
}
