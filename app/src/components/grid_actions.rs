//! A grid row's actions, and the dialog that clones a connection.

use leptos::html;
use leptos::prelude::*;
use uuid::Uuid;

use crate::api::accounts::OrganisationMembership;
use crate::api::connections::CloneConnection;
use crate::api::grid::GridRow;
use crate::components::forms::{action_field_error, action_general_error};
use crate::components::grid::GridActions;
use crate::domain::grid::RowAction;
use crate::domain::lifecycle::{Role, State};

/// The connection the clone dialog copies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CloneTarget {
    pub connection_id: Uuid,
    pub name: String,
}

/// The row's actions, in a fixed order, as links or small forms. Each
/// control is a native link or button, so Tab reaches it and Enter starts
/// it. The row header names the connection for screen readers. The links
/// are plain `<a>` elements rather than the router's `<A>`: the router
/// still navigates them in the browser, and a grid of 50 rows renders
/// on the server without 150 link components.
#[component]
pub fn RowActions(row: GridRow, role: Role, actions: GridActions) -> impl IntoView {
    let id = row.connection_id;
    let confirming = RwSignal::new(false);
    let controls = row
        .actions(role)
        .into_iter()
        .map(|action| match action {
            RowAction::View => {
                view! { <li><a href=format!("/connections/{id}/view")>"View"</a></li> }.into_any()
            }
            RowAction::Print => view! {
                <li><a href=format!("/connections/{id}/print") rel="external">"Print"</a></li>
            }
            .into_any(),
            RowAction::Edit if row.state == State::Draft => {
                view! { <li><a href=format!("/connections/{id}")>"Edit"</a></li> }.into_any()
            }
            RowAction::Edit => view! {
                <li>
                    <ActionForm action=actions.edit>
                        <input type="hidden" name="connection_id" value=id.to_string() />
                        <button type="submit" class="link-button" title="Opens a new draft revision">"Edit"</button>
                    </ActionForm>
                </li>
            }
            .into_any(),
            RowAction::Clone => {
                let target = CloneTarget {
                    connection_id: id,
                    name: row.name.clone(),
                };
                view! {
                    <li>
                        <button type="button" class="link-button" aria-haspopup="dialog"
                            on:click=move |_| actions.clone_target.set(Some(target.clone()))>
                            "Clone"
                        </button>
                    </li>
                }
                .into_any()
            }
            RowAction::RequestPromotion => view! {
                <li><a href=format!("/connections/{id}")>"Request promotion to live"</a></li>
            }
            .into_any(),
            RowAction::Withdraw if row.state == State::PromotionRequested => view! {
                <li>
                    <ActionForm action=actions.withdraw_promotion>
                        <input type="hidden" name="connection_id" value=id.to_string() />
                        <input type="hidden" name="version" value=row.version.to_string() />
                        <button type="submit" class="link-button">"Withdraw promotion request"</button>
                    </ActionForm>
                </li>
            }
            .into_any(),
            RowAction::Withdraw => view! {
                <li>
                    <ActionForm action=actions.edit>
                        <input type="hidden" name="connection_id" value=id.to_string() />
                        <button type="submit" class="link-button" title="Returns the request to Draft">"Withdraw"</button>
                    </ActionForm>
                </li>
            }
            .into_any(),
            RowAction::DeleteDraft => view! {
                <li>
                    <Show when=move || confirming.get() fallback=move || view! {
                        <button type="button" class="link-button link-button--warning" on:click=move |_| confirming.set(true)>"Delete draft"</button>
                    }>
                        <ActionForm action=actions.delete attr:class="grid__confirm">
                            <input type="hidden" name="connection_id" value=id.to_string() />
                            <span>"Delete this draft for good?"</span>
                            " "
                            <button type="submit" class="link-button link-button--warning">"Yes, delete"</button>
                            " "
                            <button type="button" class="link-button" on:click=move |_| confirming.set(false)>"Cancel"</button>
                        </ActionForm>
                    </Show>
                </li>
            }
            .into_any(),
        })
        .collect_view();
    view! { <ul class="grid__action-list">{controls}</ul> }
}

/// Names the copy and chooses its organisation, then opens the new draft.
#[component]
pub fn CloneDialog(
    target: RwSignal<Option<CloneTarget>>,
    organisations: Vec<OrganisationMembership>,
    current_organisation: Option<Uuid>,
) -> impl IntoView {
    let clone = ServerAction::<CloneConnection>::new();
    let name_input = NodeRef::<html::Input>::new();
    let result: Signal<_> = clone.value().into();
    let name_error = action_field_error(result, "name");
    let general_error = action_general_error(result);
    // Moves focus into the dialog when it opens.
    Effect::new(move |_| {
        if target.get().is_some() {
            if let Some(input) = name_input.get() {
                let _ = input.focus();
                input.select();
            }
        }
    });
    // Opens the new draft with a full page load, because cloning into
    // another organisation also switches the current organisation.
    Effect::new(move |_| {
        if let Some(Ok(id)) = clone.value().get() {
            #[cfg(feature = "hydrate")]
            if let Some(window) = web_sys::window() {
                let _ = window.location().assign(&format!("/connections/{id}"));
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = id;
        }
    });
    let organisations = StoredValue::new(organisations);
    view! {
        {move || target.get().map(|source| view! {
            <section class="panel clone-dialog" role="dialog" aria-modal="false" aria-labelledby="clone-heading"
                on:keydown=move |event| if event.key() == "Escape" { target.set(None) }>
                <h2 id="clone-heading">{format!("Clone {}", source.name)}</h2>
                <p>"The copy is a new draft with this connection's answers. Credentials, reviewer comments, history and the terms acceptance are not copied."</p>
                <ActionForm action=clone attr:class="form">
                    <input type="hidden" name="connection_id" value=source.connection_id.to_string() />
                    <div class="field" class:field--error=move || name_error.get().is_some()>
                        <label class="field__label" for="clone-name">"Name of the copy"</label>
                        <p class="field__error" hidden=move || name_error.get().is_none()>{move || name_error.get()}</p>
                        <input class="input" id="clone-name" name="name" node_ref=name_input
                            value=format!("Copy of {}", source.name) maxlength="200" />
                    </div>
                    <div class="field">
                        <label class="field__label" for="clone-organisation">"Organisation"</label>
                        <p class="field__hint">"You can clone into any organisation you belong to."</p>
                        <select class="input input--select" id="clone-organisation" name="organisation_id">
                            {organisations.get_value().into_iter().map(|o| view! {
                                <option value=o.id.to_string() selected=Some(o.id) == current_organisation>{o.name}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    {move || general_error.get().map(|message| view! { <p class="field__error" role="alert">{message}</p> })}
                    <div class="button-row">
                        <button type="submit" class="button">"Create copy"</button>
                        <button type="button" class="button button--secondary" on:click=move |_| target.set(None)>"Cancel"</button>
                    </div>
                </ActionForm>
            </section>
        })}
    }
}
