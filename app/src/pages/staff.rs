//! The staff home and its review queue. Staff who open the home page are
//! sent here.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::grid::ManageGrid;
use crate::components::layout::{with_user, Forbidden};
use crate::domain::grid::Scope;

#[component]
pub fn StaffHomePage() -> impl IntoView {
    with_user(|user| {
        if user.is_staff() {
            view! {
                <Title text="Staff home" />
                <h1>"Staff home"</h1>
                <p class="lead">{format!("Signed in as {} ({}).", user.display_name, user.staff_role.map(|r| r.label()).unwrap_or_default())}</p>
                <ReviewQueue />
            }
            .into_any()
        } else {
            view! {
                <Title text="Permission needed" />
                <Forbidden message="This page is for operator staff. Subscriber users manage their connections from their home page." />
            }
            .into_any()
        }
    })
}

/// Every organisation's submitted requests in the manage grid, by
/// default those waiting for staff, oldest first, with their age.
#[component]
fn ReviewQueue() -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="review-queue">
            <h2 id="review-queue">"Requests awaiting action"</h2>
            <ManageGrid scope=Scope::Staff />
        </section>
    }
}
