//! A connection's revisions with who and when, and the changes between
//! any two of them. The revisions to compare come from the `from` and `to`
//! query parameters, so a comparison has its own address.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use uuid::Uuid;

use crate::api::history::{revision_history, ConnectionHistory, RevisionEntry};
use crate::components::changes::RevisionChanges;
use crate::components::layout::{with_user, ErrorPanel};

#[component]
pub fn HistoryPage() -> impl IntoView {
    with_user(|user| view! { <History is_staff=user.is_staff() /> })
}

#[component]
fn History(is_staff: bool) -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let uuid_param = |text: Option<String>| text.and_then(|t| t.parse::<Uuid>().ok());
    let data = Resource::new(
        move || {
            (
                uuid_param(params.with(|p| p.get("id"))),
                uuid_param(query.with(|q| q.get("from"))),
                uuid_param(query.with(|q| q.get("to"))),
            )
        },
        |(id, from, to)| async move {
            match id {
                Some(id) => revision_history(id, from, to).await,
                None => Err(crate::error::AppError::not_found("That connection request")),
            }
        },
    );
    view! {
        <Title text="Revision history" />
        <Transition fallback=|| view! { <p class="loading">"Loading the history..."</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    Ok(history) => view! { <HistoryBody history is_staff /> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn revision_label(entry: &RevisionEntry) -> String {
    format!("Revision {} ({})", entry.number, entry.state.label())
}

#[component]
fn HistoryBody(history: ConnectionHistory, is_staff: bool) -> impl IntoView {
    let back = if is_staff {
        format!("/staff/requests/{}", history.connection_id)
    } else {
        format!("/connections/{}", history.connection_id)
    };
    let selected = |id: Option<Uuid>| id.unwrap_or_default();
    let from = selected(history.comparison.as_ref().map(|c| c.from.id));
    let to = selected(history.comparison.as_ref().map(|c| c.to.id));
    let revisions = history.revisions.clone();
    let options = move |chosen: Uuid| {
        revisions
            .iter()
            .map(|r| view! { <option value=r.id.to_string() selected=r.id == chosen>{revision_label(r)}</option> })
            .collect_view()
    };
    view! {
        <p class="caption"><A href=back>{if is_staff { "Back to the review" } else { "Back to the request" }}</A></p>
        <h1>{format!("Revision history: {}", history.connection_name)}</h1>
        <div class="table-scroll">
            <table class="table" data-testid="revisions">
                <caption class="visually-hidden">"Revisions, newest first"</caption>
                <thead><tr>
                    <th scope="col">"Revision"</th><th scope="col">"State"</th>
                    <th scope="col">"Created (UTC)"</th><th scope="col">"Last changed (UTC)"</th>
                    <th scope="col">"Submitted (UTC)"</th><th scope="col">"Deployed"</th>
                </tr></thead>
                <tbody>
                    {history.revisions.iter().map(|r| view! {
                        <tr>
                            <th scope="row">{format!("v{}", r.number)}</th>
                            <td><span class=r.state.css_class()>{r.state.label()}</span></td>
                            <td>{format!("{} by {}", r.created_at, r.created_by)}</td>
                            <td>{format!("{} by {}", r.updated_at, r.updated_by)}</td>
                            <td>{r.submitted_at.clone().unwrap_or_else(|| "Not submitted".into())}</td>
                            <td>{r.deployed_in.iter().map(|e| e.label()).collect::<Vec<_>>().join(", ")}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <section class="panel" aria-labelledby="compare-heading">
            <h2 id="compare-heading">"Compare two revisions"</h2>
            {if history.revisions.len() < 2 {
                view! { <p>"This connection has one revision so far. Editing it after submission or deployment opens a new revision to compare with."</p> }.into_any()
            } else {
                view! {
                    <form method="get" class="form compare-form">
                        <div class="field">
                            <label class="field__label" for="f-from">"From"</label>
                            <select class="input input--select" id="f-from" name="from">{options(from)}</select>
                        </div>
                        <div class="field">
                            <label class="field__label" for="f-to">"To"</label>
                            <select class="input input--select" id="f-to" name="to">{options(to)}</select>
                        </div>
                        <button type="submit" class="button">"Compare"</button>
                    </form>
                }.into_any()
            }}
            {history.comparison.map(|c| view! {
                <p class="lead" data-testid="comparing">{format!("Changes from revision {} to revision {}", c.from.number, c.to.number)}</p>
                <RevisionChanges diff=c.diff />
            })}
        </section>
    }
}
