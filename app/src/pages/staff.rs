//! The staff home and review queue.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::staff::review_queue;
use crate::components::layout::{with_user, ErrorPanel, Forbidden};

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

/// Requests awaiting staff action, oldest first, with their age.
#[component]
pub fn ReviewQueue() -> impl IntoView {
    let queue = Resource::new(|| (), |_| review_queue());
    view! {
        <section class="panel" aria-labelledby="review-queue">
            <h2 id="review-queue">"Requests awaiting action"</h2>
            <Suspense fallback=|| view! { <p class="loading">"Loading the queue..."</p> }>
                {move || Suspend::new(async move {
                    match queue.await {
                        Ok(items) if items.is_empty() => view! {
                            <p class="empty-state">"No requests are waiting. New requests appear here when subscribers submit them."</p>
                        }.into_any(),
                        Ok(items) => view! {
                            <table class="table">
                                <caption class="visually-hidden">"Requests awaiting action, oldest first"</caption>
                                <thead><tr>
                                    <th scope="col">"Connection"</th>
                                    <th scope="col">"Organisation"</th>
                                    <th scope="col">"State"</th>
                                    <th scope="col">"Waiting since"</th>
                                    <th scope="col">"Age"</th>
                                </tr></thead>
                                <tbody>
                                    {items.into_iter().map(|item| view! {
                                        <tr>
                                            <td><A href=format!("/staff/requests/{}", item.connection_id)>{item.connection_name}</A> " (v" {item.revision_number} ")"</td>
                                            <td>{item.organisation_name}</td>
                                            <td><span class=item.state.css_class()>{item.state.label()}</span></td>
                                            <td>{item.waiting_since}</td>
                                            <td>{format!("{} days", item.age_days)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
