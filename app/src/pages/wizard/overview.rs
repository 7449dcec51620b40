//! The request's first page: its sections as a task list, and deleting
//! a draft that was never submitted.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::{use_request_actions, use_wizard};
use crate::domain::section::Section;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let wizard = use_wizard();
    let actions = use_request_actions();
    let confirming = RwSignal::new(false);
    let base = format!("/connections/{}", wizard.connection_id);

    let delete_error = move || {
        actions
            .delete
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.to_string())
    };
    view! {
        <Title text="Request overview" />
        <h1>"Your request"</h1>
        <p class="lead">"Complete each section in any order. Your answers are saved as you type."</p>
        <ol class="task-overview">
            {Section::ALL.into_iter().map(|section| {
                let status = Memo::new(move |_| wizard.section_status(section));
                view! {
                    <li class="task-overview__item">
                        <A href=format!("{base}/{}", section.slug())>{section.title()}</A>
                        <span class=move || status.get().css_class()>{move || status.get().label()}</span>
                    </li>
                }
            }).collect_view()}
        </ol>
        <p><A href=format!("{base}/check") attr:class="button">"Check and submit"</A></p>
        <p><A href=format!("{base}/history")>"Revision history and changes"</A></p>
        <super::deployments::DeploymentsPanel />
        <crate::components::audit::AuditTrail connection_id=wizard.connection_id />
        <Show when=move || wizard.deletable()>
            <section class="panel" aria-labelledby="delete-heading">
                <h2 id="delete-heading">"Delete this draft"</h2>
                <Show when=move || confirming.get() fallback=move || view! {
                    <button type="button" class="button button--warning" on:click=move |_| confirming.set(true)>"Delete draft"</button>
                }>
                    <div class="confirm" role="alertdialog" aria-labelledby="confirm-delete">
                        <p id="confirm-delete"><strong>"Deleting removes this draft and everything in it. This cannot be undone."</strong></p>
                        <ActionForm action=actions.delete>
                            <input type="hidden" name="connection_id" value=wizard.connection_id.to_string() />
                            <div class="button-row">
                                <button type="submit" class="button button--warning">"Yes, delete this draft"</button>
                                <button type="button" class="button button--secondary" on:click=move |_| confirming.set(false)>"Cancel"</button>
                            </div>
                        </ActionForm>
                    </div>
                </Show>
                {move || delete_error().map(|e| view! { <p class="field__error" role="alert">{e}</p> })}
            </section>
        </Show>
    }
}
