//! The staff home and review queue.

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
                <Title text="Review queue" />
                <h1>"Review queue"</h1>
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
pub fn ReviewQueue() -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="review-queue">
            <h2 id="review-queue">"Requests awaiting action"</h2>
            <ManageGrid scope=Scope::Staff />
        </section>
    }
}
