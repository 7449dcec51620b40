//! The audit trail table, loaded on demand.

use leptos::prelude::*;
use uuid::Uuid;

use crate::api::audit::connection_audit;

#[component]
pub fn AuditTrail(connection_id: Uuid) -> impl IntoView {
    let open = RwSignal::new(false);
    let entries = Resource::new(
        move || open.get(),
        move |open| async move {
            if open {
                connection_audit(connection_id).await.map(Some)
            } else {
                Ok(None)
            }
        },
    );
    view! {
        <section class="panel" aria-labelledby="audit-heading">
            <h2 id="audit-heading">"Audit trail"</h2>
            <Show when=move || !open.get()>
                <button type="button" class="button button--secondary" on:click=move |_| open.set(true)>"Show the audit trail"</button>
            </Show>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match entries.await {
                        Ok(Some(list)) => view! {
                            <div class="table-scroll">
                                <table class="table" data-testid="audit-trail">
                                    <caption class="visually-hidden">"Audit events, newest first"</caption>
                                    <thead><tr>
                                        <th scope="col">"Time (UTC)"</th><th scope="col">"Who"</th><th scope="col">"Event"</th>
                                        <th scope="col">"Revision"</th><th scope="col">"Before"</th><th scope="col">"After"</th>
                                    </tr></thead>
                                    <tbody>
                                        {list.into_iter().map(|e| view! {
                                            <tr>
                                                <td>{e.occurred_at}</td><td>{e.actor}</td><td>{e.action}</td>
                                                <td>{e.revision_number.map(|n| format!("v{n}"))}</td>
                                                <td><code>{e.before}</code></td><td><code>{e.after}</code></td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(error) => view! { <p class="field__error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
