//! Read-only views of a request: section by section, and the whole
//! request on one page laid out for printing.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use uuid::Uuid;

use crate::api::connections::{view_request, RequestData};
use crate::components::layout::{with_user, ErrorPanel};
use crate::components::summary::SummarySection;
use crate::domain::section::Section;
use crate::error::AppError;

/// The sections a read-only view shows. Terms have no answers of their
/// own; the acceptance is shown in the page header.
fn viewed_sections() -> impl Iterator<Item = Section> {
    Section::ALL.into_iter().filter(|s| *s != Section::Terms)
}

fn display_name(request: &RequestData) -> String {
    let name = request.content.connection.name.trim();
    if name.is_empty() {
        "Untitled connection".to_string()
    } else {
        name.to_string()
    }
}

fn terms_line(request: &RequestData) -> String {
    match &request.terms {
        Some(terms) => format!(
            "Terms for Subscribers version {} accepted by {} on {} UTC",
            terms.version, terms.accepted_by, terms.accepted_at
        ),
        None => "Terms for Subscribers not accepted yet".to_string(),
    }
}

/// Loads the request named by the `:id` route parameter. Blocking, so
/// that the server sends the page with its final HTTP status, such as
/// 404 for another organisation's request.
fn request_resource() -> Resource<Result<RequestData, AppError>> {
    let params = use_params_map();
    Resource::new_blocking(
        move || params.with(|p| p.get("id").and_then(|id| id.parse::<Uuid>().ok())),
        |id| async move {
            match id {
                Some(id) => view_request(id).await,
                None => Err(AppError::not_found("That connection request")),
            }
        },
    )
}

#[component]
pub fn ViewPage() -> impl IntoView {
    with_user(|user| view! { <StepwiseView staff=user.is_staff() /> })
}

#[component]
fn StepwiseView(staff: bool) -> impl IntoView {
    let request = request_resource();
    let query = use_query_map();
    let section = Memo::new(move |_| {
        query
            .with(|q| q.get("section").and_then(|s| Section::from_slug(&s)))
            .filter(|s| *s != Section::Terms)
            .unwrap_or(Section::Organisation)
    });
    let back = if staff { "/staff" } else { "/connections" };
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading the request..."</p> }>
            {move || Suspend::new(async move {
                match request.await {
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    Ok(request) => {
                        let current = section.get();
                        let base = format!("/connections/{}/view", request.connection_id);
                        let name = display_name(&request);
                        let step = viewed_sections().position(|s| s == current).unwrap_or(0) + 1;
                        let steps = viewed_sections().count();
                        view! {
                            <Title text=format!("{name}: {}", current.title()) />
                            <p class="caption no-print"><A href=back>"Back to connections"</A></p>
                            <h1>{name.clone()} " " <span class=request.state.css_class()>{request.state.label()}</span></h1>
                            <p class="lead">{format!("{} · revision {} · last changed {} UTC by {}", request.organisation_name, request.revision_number, request.updated_at, request.updated_by)}</p>
                            <p>{terms_line(&request)}</p>
                            <p><a href=format!("/connections/{}/print", request.connection_id) rel="external">"Print the whole request"</a></p>
                            <div class="view-layout">
                                <nav class="view-layout__nav" aria-label="Sections of this request">
                                    <ol class="section-nav">
                                        {viewed_sections().map(|s| view! {
                                            <li>
                                                <A href=format!("{base}?section={}", s.slug())
                                                    attr:aria-current=(s == current).then_some("step")>
                                                    {s.title()}
                                                </A>
                                            </li>
                                        }).collect_view()}
                                    </ol>
                                </nav>
                                <div class="view-layout__body">
                                    <p class="caption">{format!("Section {step} of {steps}")}</p>
                                    <SummarySection
                                        section=current
                                        content=request.content.clone()
                                        catalogue=request.catalogue.clone()
                                        comments=request.feedback.comments.clone()
                                        change_base=None
                                    />
                                    <nav class="button-row" aria-label="Previous and next section">
                                        {current.previous().filter(|s| *s != Section::Terms).map(|s| view! {
                                            <A href=format!("{base}?section={}", s.slug()) attr:class="button button--secondary">
                                                {format!("Previous: {}", s.title())}
                                            </A>
                                        })}
                                        {current.next().filter(|s| *s != Section::Terms).map(|s| view! {
                                            <A href=format!("{base}?section={}", s.slug()) attr:class="button">
                                                {format!("Next: {}", s.title())}
                                            </A>
                                        })}
                                    </nav>
                                </div>
                            </div>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
pub fn PrintPage() -> impl IntoView {
    with_user(|user| view! { <PrintView staff=user.is_staff() /> })
}

/// The whole request on one page. The print stylesheet hides the site
/// navigation and the controls and starts each section on a new page,
/// under a header that names the organisation, connection, revision,
/// state and date.
#[component]
fn PrintView(staff: bool) -> impl IntoView {
    let request = request_resource();
    let back = if staff { "/staff" } else { "/connections" };
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the request..."</p> }>
            {move || Suspend::new(async move {
                match request.await {
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    Ok(request) => {
                        let name = display_name(&request);
                        let running_header = format!(
                            "{} · {} · revision {} · {} · last changed {} UTC",
                            request.organisation_name,
                            name,
                            request.revision_number,
                            request.state.label(),
                            request.updated_at
                        );
                        view! {
                            <Title text=format!("Print: {name}") />
                            <div class="print-toolbar no-print">
                                <A href=back>"Back to connections"</A>
                                <button type="button" class="button" on:click=|_| print_page()>"Print this page"</button>
                            </div>
                            <article class="print-view">
                                <h1>{name.clone()}</h1>
                                <p>{terms_line(&request)}</p>
                                {viewed_sections().map(|section| {
                                    let header = running_header.clone();
                                    view! {
                                        <SummarySection
                                            section
                                            content=request.content.clone()
                                            catalogue=request.catalogue.clone()
                                            comments=Vec::new()
                                            change_base=None
                                        >
                                            <p class="print-header" data-testid="print-header">{header}</p>
                                        </SummarySection>
                                    }
                                }).collect_view()}
                            </article>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

fn print_page() {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.print();
    }
}
