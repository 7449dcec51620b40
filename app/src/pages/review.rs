//! The staff review page: the request read-only with its checklist, a
//! matrix of use cases against fields, comments pinned to sections, and
//! the decisions.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

use crate::api::history::DeployedChanges;
use crate::api::review::{review_request, CommentOnRequest, Decide, ReviewData, REVIEW_ACTIONS};
use crate::components::changes::RevisionChanges;
use crate::components::forms::{action_field_error, action_general_error};
use crate::components::layout::{with_user, ErrorPanel, Forbidden};
use crate::components::summary::RequestSummary;
use crate::domain::catalogue::Catalogue;
use crate::domain::content::RequestContent;
use crate::domain::lifecycle::{self, Action, Role};
use crate::domain::section::Section;
use crate::domain::validation;

#[component]
pub fn StaffReviewPage() -> impl IntoView {
    with_user(|user| match user.staff_role {
        Some(role) => view! { <Review role /> }.into_any(),
        None => view! {
            <Title text="Permission needed" />
            <Forbidden message="Only operator staff can review requests." />
        }
        .into_any(),
    })
}

#[component]
fn Review(role: Role) -> impl IntoView {
    let params = use_params_map();
    let connection_id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<Uuid>().ok()));
    let decide = ServerAction::<Decide>::new();
    let comment = ServerAction::<CommentOnRequest>::new();
    let data = Resource::new(
        move || {
            (
                connection_id(),
                decide.version().get(),
                comment.version().get(),
            )
        },
        |(id, _, _)| async move {
            match id {
                Some(id) => review_request(id).await,
                None => Err(crate::error::AppError::not_found("That connection request")),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading the request..."</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    Ok(review) => view! { <ReviewBody review role decide comment /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ReviewBody(
    review: ReviewData,
    role: Role,
    decide: ServerAction<Decide>,
    comment: ServerAction<CommentOnRequest>,
) -> impl IntoView {
    let request = review.request.clone();
    let name = if request.content.connection.name.trim().is_empty() {
        "Untitled connection".to_string()
    } else {
        request.content.connection.name.clone()
    };
    let problems = validation::validate(&request.content, &request.catalogue);
    let context = lifecycle::Context {
        has_reason: true,
        ..lifecycle::Context::default()
    };
    let actions: Vec<Action> = lifecycle::allowed_actions(request.state, role, &context)
        .into_iter()
        .filter(|a| REVIEW_ACTIONS.contains(a))
        .collect();
    let decide_result: Signal<_> = decide.value().into();
    let decide_error = action_general_error(decide_result);
    let reason_error = action_field_error(decide_result, "reason");
    let comment_result: Signal<_> = comment.value().into();
    let comment_error = action_field_error(comment_result, "comment");
    view! {
        <Title text=format!("Review: {name}") />
        <p class="caption"><A href="/staff">"Review queue"</A></p>
        <h1>
            {name.clone()} " "
            <span class=request.state.css_class() data-testid="request-state">{request.state.label()}</span>
        </h1>
        <p class="lead">{format!("{} · revision {} · submitted {} UTC", request.organisation_name, request.revision_number, request.submitted_at.clone().unwrap_or_default())}</p>
        {review.reviewer.clone().map(|r| view! { <p>{format!("Reviewer: {r}")}</p> })}
        // A reason belongs to the decision that gave it, so it is shown
        // only while that decision is the request's state.
        {review
            .decision_reason
            .clone()
            .filter(|_| matches!(request.state, lifecycle::State::ChangesRequested | lifecycle::State::Rejected))
            .map(|r| view! { <div class="notice notice--info"><p><strong>"Reason given: "</strong>{r}</p></div> })}
        {review.test_summary.clone().map(|summary| view! {
            <div class="notice notice--info" data-testid="test-summary">
                <p><strong>"Sandbox test summary from the subscriber: "</strong>{summary}</p>
            </div>
        })}

        <section class="panel" aria-labelledby="decision-heading">
            <h2 id="decision-heading">"Decision"</h2>
            <Show when=move || decide_error.get().is_some()>
                <div class="notice notice--error" role="alert">{move || decide_error.get()}</div>
            </Show>
            {if actions.is_empty() {
                view! { <p>"No review decision is available in this state."</p> }.into_any()
            } else {
                view! {
                    <ActionForm action=decide attr:class="form">
                        <input type="hidden" name="connection_id" value=request.connection_id.to_string() />
                        <input type="hidden" name="version" value=request.version.to_string() />
                        <div class="field" class:field--error=move || reason_error.get().is_some()>
                            <label class="field__label" for="f-reason">"Reason for the subscriber"</label>
                            <p class="field__hint" id="f-reason-hint">"Required to request changes or reject; say what to change"</p>
                            <p class="field__error" hidden=move || reason_error.get().is_none()>{move || reason_error.get()}</p>
                            <textarea class="input input--area" id="f-reason" name="reason" aria-describedby="f-reason-hint"></textarea>
                        </div>
                        <div class="button-row">
                            {actions.iter().map(|action| view! {
                                <button type="submit" name="action" value=action.as_str()
                                    class=if *action == Action::Reject { "button button--warning" } else { "button" }>
                                    {action.label()}
                                </button>
                            }).collect_view()}
                        </div>
                    </ActionForm>
                }.into_any()
            }}
        </section>

        <section class="panel" aria-labelledby="checklist-heading">
            <h2 id="checklist-heading">"Completeness"</h2>
            {if problems.is_empty() {
                view! { <p>"Every section is complete and valid."</p> }.into_any()
            } else {
                view! {
                    <ul>{problems.iter().map(|p| view! { <li>{format!("{}: {}", p.section.title(), p.message)}</li> }).collect_view()}</ul>
                }.into_any()
            }}
        </section>

        <DeployedChangesPanel changes=review.deployed_changes.clone() connection_id=request.connection_id />

        <UseCaseMatrix content=request.content.clone() catalogue=request.catalogue.clone() />

        <section class="panel" aria-labelledby="comment-heading">
            <h2 id="comment-heading">"Comment on a section"</h2>
            <ActionForm action=comment attr:class="form">
                <input type="hidden" name="connection_id" value=request.connection_id.to_string() />
                <div class="field">
                    <label class="field__label" for="f-section">"Section"</label>
                    <select class="input input--select" id="f-section" name="section">
                        {Section::ALL.into_iter().map(|s| view! { <option value=s.slug()>{s.title()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field" class:field--error=move || comment_error.get().is_some()>
                    <label class="field__label" for="f-comment">"Comment"</label>
                    <p class="field__error" hidden=move || comment_error.get().is_none()>{move || comment_error.get()}</p>
                    <textarea class="input input--area" id="f-comment" name="comment"></textarea>
                </div>
                <button type="submit" class="button button--secondary">"Add comment"</button>
            </ActionForm>
        </section>

        <RequestSummary content=request.content catalogue=request.catalogue comments=review.comments />
        <crate::components::audit::AuditTrail connection_id=request.connection_id />
    }
}

/// Lists what the revision under review changes compared with the deployed
/// revision, and whether members must re-consent.
#[component]
fn DeployedChangesPanel(changes: Option<DeployedChanges>, connection_id: Uuid) -> impl IntoView {
    let body = match changes {
        Some(changes) => view! {
            <p>{format!("Compared with revision {}, deployed on {}.", changes.deployed_number, changes.environment.label())}</p>
            <RevisionChanges diff=changes.diff />
        }
        .into_any(),
        None => view! {
            <p>"No other revision of this connection is deployed, so there is nothing to compare with."</p>
        }
        .into_any(),
    };
    view! {
        <section class="panel" aria-labelledby="deployed-changes-heading">
            <h2 id="deployed-changes-heading">"Changes from the deployed revision"</h2>
            {body}
            <p><A href=format!("/connections/{connection_id}/history")>"Compare any two revisions"</A></p>
        </section>
    }
}

/// Use cases against the chosen fields: which use case needs which
/// field, with fields no use case needs and special-category fields
/// flagged.
#[component]
fn UseCaseMatrix(content: RequestContent, catalogue: Catalogue) -> impl IntoView {
    let fields = content.chosen_fields();
    view! {
        <section class="panel" aria-labelledby="matrix-heading">
            <h2 id="matrix-heading">"Use cases and fields"</h2>
            <div class="table-scroll">
                <table class="table table--matrix">
                    <caption class="visually-hidden">"Which use case needs which field"</caption>
                    <thead><tr>
                        <th scope="col">"Field"</th>
                        {content.use_cases.iter().map(|u| view! { <th scope="col">{u.title.clone()}</th> }).collect_view()}
                        <th scope="col">"Flags"</th>
                    </tr></thead>
                    <tbody>
                        {fields.into_iter().map(|(id, permission)| {
                            let (label, special) = catalogue.field(id).map(|(_, f)| (f.label.clone(), f.special_category)).unwrap_or_else(|| (id.to_string(), false));
                            let used = content.use_cases.iter().any(|u| u.fields.iter().any(|f| f == id));
                            view! {
                                <tr>
                                    <th scope="row">{format!("{label} ({})", permission.label())}</th>
                                    {content.use_cases.iter().map(|u| {
                                        let uses = u.fields.iter().any(|f| f == id);
                                        view! { <td>{if uses { "Uses" } else { "" }}</td> }
                                    }).collect_view()}
                                    <td>
                                        {(!used).then(|| view! { <span class="tag tag--red">"No use case"</span> })}
                                        {special.then(|| view! { <span class="tag tag--purple">"Special category"</span> })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
