//! The organisation's connections.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::connections::list_connections;
use crate::components::layout::{with_user, ErrorPanel};

#[component]
pub fn ConnectionsPage() -> impl IntoView {
    with_user(|_| view! { <Connections /> })
}

#[component]
fn Connections() -> impl IntoView {
    let connections = Resource::new(|| (), |_| list_connections());
    view! {
        <Title text="Manage existing connections" />
        <h1>"Manage existing connections"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading..."</p> }>
            {move || Suspend::new(async move {
                match connections.await {
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <div class="empty-state">
                            <p>"Your organisation has no connections yet."</p>
                            <A href="/connections/new" attr:class="button">"Create new connection"</A>
                        </div>
                    }.into_any(),
                    Ok(list) => view! {
                        <p><A href="/connections/new" attr:class="button">"Create new connection"</A></p>
                        <table class="table">
                            <caption class="visually-hidden">"Your organisation's connections"</caption>
                            <thead><tr>
                                <th scope="col">"Name"</th>
                                <th scope="col">"State"</th>
                                <th scope="col">"Revision"</th>
                                <th scope="col">"Last change"</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|c| view! {
                                    <tr>
                                        <td><A href=format!("/connections/{}", c.connection_id)>{c.name}</A></td>
                                        <td><span class=c.state.css_class()>{c.state.label()}</span></td>
                                        <td>{format!("v{}", c.revision_number)}</td>
                                        <td>{format!("{} UTC by {}", c.updated_at, c.updated_by)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
