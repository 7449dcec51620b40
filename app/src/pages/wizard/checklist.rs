//! The checklist before submit, and the confirmation after it.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::{use_request_actions, use_wizard};
use crate::components::forms::field_id;
use crate::components::summary::RequestSummary;
use crate::domain::section::{Section, SectionStatus};
use crate::domain::validation::ProblemKind;

#[component]
pub fn ChecklistPage() -> impl IntoView {
    let wizard = use_wizard();
    let actions = use_request_actions();
    let base = format!("/connections/{}", wizard.connection_id);
    let base_answers = base.clone();
    let ready = move || wizard.problems.with(Vec::is_empty);
    let submit_error = move || match actions.submit.value().get() {
        Some(Err(error)) => Some(error),
        _ => None,
    };
    let server_problems = move || match submit_error() {
        Some(crate::error::AppError::Validation(errors)) => errors,
        _ => Vec::new(),
    };
    view! {
        <Title text="Check and submit" />
        <h1>"Check and submit"</h1>
        <Show when=move || submit_error().is_some()>
            <div class="error-summary" role="alert">
                <h2 class="error-summary__title">"The request could not be submitted"</h2>
                <p>{move || submit_error().map(|e| e.to_string())}</p>
                <ul class="error-summary__list">
                    {move || server_problems().into_iter().map(|p| view! { <li>{p.message}</li> }).collect_view()}
                </ul>
            </div>
        </Show>
        <ol class="checklist">
            {Section::ALL.into_iter().map(|section| {
                let href = format!("{base}/{}", section.slug());
                let status = Memo::new(move |_| wizard.section_status(section));
                let items = move || wizard.problems.with(|all| {
                    all.iter().filter(|p| p.section == section).cloned().collect::<Vec<_>>()
                });
                let href_items = href.clone();
                view! {
                    <li class="checklist__section">
                        <h2 class="checklist__title">
                            <A href=href.clone()>{section.title()}</A>
                            " "
                            <span class=move || status.get().css_class()>{move || status.get().label()}</span>
                        </h2>
                        <Show when=move || status.get() != SectionStatus::Completed>
                            <ul class="checklist__items">
                                {
                                    let href_items = href_items.clone();
                                    move || items().into_iter().map(|p| {
                                        let link = format!("{href_items}#{}", field_id(&p.path));
                                        let kind = if p.kind == ProblemKind::Missing { "Missing" } else { "Invalid" };
                                        view! { <li><A href=link>{format!("{kind}: {}", p.message)}</A></li> }
                                    }).collect_view()
                                }
                            </ul>
                        </Show>
                    </li>
                }
            }).collect_view()}
        </ol>
        <h2>"Check your answers"</h2>
        {move || {
            let content = wizard.content.get();
            let catalogue = wizard.catalogue.get_value();
            view! { <RequestSummary content catalogue comments=Vec::new() change_base=base_answers.clone() /> }
        }}
        <Show when=move || wizard.editable()>
            <Show when=ready fallback=|| view! {
                <p class="notice notice--info">"Complete every section to submit the request. Your answers are saved as you go, so you can come back at any time."</p>
            }>
                <ActionForm action=actions.submit>
                    <input type="hidden" name="connection_id" value=wizard.connection_id.to_string() />
                    <p>"When you submit, the operator's staff are told and your request becomes read-only while they review it."</p>
                    <button type="submit" class="button"
                        disabled=move || actions.submit.pending().get() || !wizard.status.get().is_settled()>
                        "Submit request"
                    </button>
                </ActionForm>
            </Show>
        </Show>
    }
}

#[component]
pub fn SubmittedPage() -> impl IntoView {
    let wizard = use_wizard();
    view! {
        <Title text="Request submitted" />
        <div class="panel panel--success">
            <h1>"Request submitted"</h1>
            <p>{move || format!("Your request is now {}.", wizard.state.get().label())}</p>
        </div>
        <h2>"What happens next"</h2>
        <p>"The operator's staff review your request, usually within 5 working days. You will be told if they need changes. Once it is approved it is deployed to the sandbox and you receive credentials to test with."</p>
        <p>"To change the request before the review ends, choose Edit: it returns to Draft and you will need to submit it again."</p>
        <p><A href="/connections">"Back to your connections"</A></p>
    }
}
