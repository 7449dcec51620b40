//! The page for one section of the request: heading with pop-up help,
//! error summary, the section's questions and Back / Next.

mod data;
mod simple;
mod technical;
mod use_cases;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::use_wizard;
use crate::components::forms::ErrorSummary;
use crate::components::help::HelpButton;
use crate::components::layout::set_status;
use crate::components::summary::CommentList;
use crate::domain::section::Section;
use crate::domain::validation::ProblemKind;

#[component]
pub fn SectionPage() -> impl IntoView {
    let params = use_params_map();
    let section = move || params.with(|p| p.get("section").and_then(|s| Section::from_slug(&s)));
    move || match section() {
        Some(section) => view! { <SectionForm section /> }.into_any(),
        None => {
            set_status(404);
            view! { <p class="panel">"There is no such section of a request. Choose a section from the list."</p> }.into_any()
        }
    }
}

/// Reviewers' comments on this section, if any.
#[component]
fn SectionComments(section: Section) -> impl IntoView {
    let wizard = use_wizard();
    move || {
        let comments: Vec<_> = wizard.feedback.with(|f| {
            f.comments
                .iter()
                .filter(|c| c.section == section)
                .cloned()
                .collect()
        });
        view! { <CommentList comments /> }
    }
}

#[component]
fn SectionForm(section: Section) -> impl IntoView {
    let wizard = use_wizard();
    // Missing answers are listed only after Next on this section, not
    // carried over from the section the user came from.
    wizard.show_missing.set(false);
    let navigate = use_navigate();
    let base = format!("/connections/{}", wizard.connection_id);
    let problems = Signal::derive(move || {
        let show_missing = wizard.show_missing.get();
        wizard.problems.with(|all| {
            all.iter()
                .filter(|p| {
                    p.section == section && (show_missing || p.kind == ProblemKind::Invalid)
                })
                .map(|p| (p.path.clone(), p.message.clone()))
                .collect::<Vec<_>>()
        })
    });
    let next_href = match section.next() {
        Some(next) => format!("{base}/{}", next.slug()),
        None => format!("{base}/check"),
    };
    let back_href = match section.previous() {
        Some(previous) => format!("{base}/{}", previous.slug()),
        None => base.clone(),
    };
    let on_next = {
        let navigate = navigate.clone();
        move |_| {
            wizard.save_now();
            let has_problems = wizard
                .problems
                .with(|all| all.iter().any(|p| p.section == section));
            if has_problems && !wizard.show_missing.get_untracked() && wizard.editable() {
                // Show what is missing once; a second Next moves on, since
                // a draft may be finished later.
                wizard.show_missing.set(true);
                return;
            }
            wizard.show_missing.set(false);
            navigate(&next_href, Default::default());
        }
    };
    let body = match section {
        Section::Organisation => view! { <simple::OrganisationSection /> }.into_any(),
        Section::Contacts => view! { <simple::ContactsSection /> }.into_any(),
        Section::Connection => view! { <simple::ConnectionDetailsSection /> }.into_any(),
        Section::Data => view! { <data::DataSection /> }.into_any(),
        Section::UseCases => view! { <use_cases::UseCasesSection /> }.into_any(),
        Section::Gdpr => view! { <simple::GdprSection /> }.into_any(),
        Section::Technical => view! { <technical::TechnicalSection /> }.into_any(),
        Section::Terms => view! { <super::terms::TermsSection /> }.into_any(),
    };
    view! {
        <Title text=section.title() />
        <div class="section-page">
            <div class="section-page__heading">
                <h1>{section.title()}</h1>
                <HelpButton help=crate::help::section_help(section) id=format!("section-{}", section.slug()) />
            </div>
            <ErrorSummary problems />
            <SectionComments section />
            <form class="form" on:submit=|ev| ev.prevent_default() novalidate>
                {body}
            </form>
            <div class="button-row wizard__nav">
                <a class="button button--secondary" href=back_href>"Back"</a>
                <button type="button" class="button" on:click=on_next>"Next"</button>
            </div>
        </div>
    }
}
