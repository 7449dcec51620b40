//! The connection request wizard: one page per section, a task list with
//! each section's status, autosave, and the checklist before submit.

pub mod autosave;
pub mod checklist;
pub mod deployments;
pub mod inputs;
pub mod list;
pub mod overview;
pub mod sections;
pub mod start;
pub mod terms;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

use crate::api::connections::{
    load_request, DeleteDraft, EditRequest, RequestData, SubmitRequest, TermsAcceptance,
};
use crate::components::layout::{with_user, ErrorPanel};
use crate::domain::catalogue::Catalogue;
use crate::domain::content::RequestContent;
use crate::domain::lifecycle::State;
use crate::domain::section::{Section, SectionStatus};
use crate::domain::validation::{self, Problem, ProblemKind};
use autosave::SaveStatus;

/// The request being edited, shared by the wizard's pages.
#[derive(Clone, Copy)]
pub struct Wizard {
    pub connection_id: Uuid,
    pub revision_number: RwSignal<i32>,
    /// Whether this revision was ever submitted. Only a first revision that
    /// never was can be deleted.
    pub ever_submitted: RwSignal<bool>,
    pub state: RwSignal<State>,
    pub content: RwSignal<RequestContent>,
    pub version: RwSignal<i32>,
    pub terms: RwSignal<Option<TermsAcceptance>>,
    pub feedback: RwSignal<crate::api::review::Feedback>,
    pub deployments: RwSignal<Vec<crate::api::deployments::DeploymentView>>,
    pub current_terms_version: i32,
    pub catalogue: StoredValue<Catalogue>,
    pub organisation_name: StoredValue<String>,
    pub status: RwSignal<SaveStatus>,
    /// Set after Next or Submit, so that missing answers show as errors.
    pub show_missing: RwSignal<bool>,
    pub problems: Memo<Vec<Problem>>,
    /// Bumped on every edit; a save sent at generation N is current only
    /// if no edit followed.
    generation: RwSignal<u64>,
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    in_flight: StoredValue<bool>,
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    save_again: StoredValue<bool>,
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    retry_ms: StoredValue<u32>,
}

impl Wizard {
    fn new(data: RequestData) -> Self {
        let content = RwSignal::new(data.content);
        let catalogue = StoredValue::new(data.catalogue);
        let terms = RwSignal::new(data.terms);
        let current_terms_version = data.current_terms_version;
        let problems = Memo::new(move |_| {
            let mut problems =
                catalogue.with_value(|c| content.with(|content| validation::validate(content, c)));
            let accepted = terms.with(|t| {
                t.as_ref()
                    .is_some_and(|t| t.version == current_terms_version)
            });
            if !accepted {
                problems.push(validation::terms_problem());
            }
            problems
        });
        Wizard {
            connection_id: data.connection_id,
            revision_number: RwSignal::new(data.revision_number),
            ever_submitted: RwSignal::new(data.ever_submitted),
            state: RwSignal::new(data.state),
            content,
            version: RwSignal::new(data.version),
            terms,
            feedback: RwSignal::new(data.feedback),
            deployments: RwSignal::new(data.deployments),
            current_terms_version,
            catalogue,
            organisation_name: StoredValue::new(data.organisation_name),
            status: RwSignal::new(SaveStatus::Idle),
            show_missing: RwSignal::new(false),
            problems,
            generation: RwSignal::new(0),
            in_flight: StoredValue::new(false),
            save_again: StoredValue::new(false),
            retry_ms: StoredValue::new(autosave::FIRST_RETRY_MS),
        }
    }

    /// Returns whether the draft can be deleted: the server deletes only a
    /// first revision that was never submitted.
    pub fn deletable(&self) -> bool {
        self.editable() && !self.ever_submitted.get() && self.revision_number.get() == 1
    }

    pub fn editable(&self) -> bool {
        self.state.get() == State::Draft
    }

    pub fn storage_key(&self) -> String {
        autosave::storage_key(self.connection_id, self.revision_number.get_untracked())
    }

    /// Replaces everything with the server's copy, after a state change
    /// such as submit or edit.
    pub fn refresh(&self) {
        let wizard = *self;
        leptos::task::spawn_local(async move {
            match load_request(wizard.connection_id).await {
                Ok(latest) => wizard.apply(latest),
                Err(error) => wizard.status.set(SaveStatus::Rejected {
                    message: error.to_string(),
                }),
            }
        });
    }

    fn apply(&self, latest: RequestData) {
        self.generation.update(|g| *g += 1);
        self.content.set(latest.content);
        self.version.set(latest.version);
        self.terms.set(latest.terms);
        self.feedback.set(latest.feedback);
        self.deployments.set(latest.deployments);
        self.state.set(latest.state);
        self.revision_number.set(latest.revision_number);
        self.ever_submitted.set(latest.ever_submitted);
        self.status.set(SaveStatus::Idle);
    }

    pub fn section_status(&self, section: Section) -> SectionStatus {
        self.problems.with(|problems| {
            self.content
                .with(|c| validation::section_status(section, c, problems))
        })
    }

    /// The message to show beside a field: invalid answers at once,
    /// missing ones after the user pressed Next or Submit.
    pub fn field_error(&self, path: &str) -> Option<String> {
        let show_missing = self.show_missing.get();
        self.problems.with(|problems| {
            problems
                .iter()
                .find(|p| p.path == path && (show_missing || p.kind == ProblemKind::Invalid))
                .map(|p| p.message.clone())
        })
    }

    /// Applies an edit, keeps a local copy and schedules a save.
    pub fn edit(&self, change: impl FnOnce(&mut RequestContent)) {
        if !self.state.with_untracked(|s| *s == State::Draft) {
            return;
        }
        self.content.update(change);
        self.generation.update(|g| *g += 1);
        #[cfg(feature = "hydrate")]
        {
            let copy = autosave::LocalCopy {
                base_version: self.version.get_untracked(),
                content: self.content.get_untracked(),
            };
            autosave::local::write(&self.storage_key(), &copy);
            self.schedule_save();
        }
    }

    #[cfg(feature = "hydrate")]
    fn schedule_save(&self) {
        let wizard = *self;
        let generation = self.generation.get_untracked();
        if !matches!(
            self.status.get_untracked(),
            SaveStatus::Conflict { .. } | SaveStatus::Offline
        ) {
            self.status.set(SaveStatus::Saving);
        }
        leptos::task::spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(autosave::DEBOUNCE_MS).await;
            if wizard.generation.get_untracked() == generation {
                wizard.save_now();
            }
        });
    }

    /// Sends the current content now, unless a save is already on its way
    /// (then it is sent again when that one returns).
    pub fn save_now(&self) {
        #[cfg(feature = "hydrate")]
        self.send();
    }

    #[cfg(feature = "hydrate")]
    fn send(&self) {
        use crate::api::connections::save_request;
        use crate::error::AppError;

        let draft = self.state.with_untracked(|s| *s == State::Draft);
        if !draft || matches!(self.status.get_untracked(), SaveStatus::Conflict { .. }) {
            return;
        }
        if self.in_flight.get_value() {
            self.save_again.set_value(true);
            return;
        }
        let wizard = *self;
        let sent_generation = self.generation.get_untracked();
        let content = self.content.get_untracked();
        let version = self.version.get_untracked();
        self.in_flight.set_value(true);
        if self.status.get_untracked() != SaveStatus::Offline {
            self.status.set(SaveStatus::Saving);
        }
        leptos::task::spawn_local(async move {
            let result = save_request(wizard.connection_id, version, content).await;
            wizard.in_flight.set_value(false);
            match result {
                Ok(ack) => {
                    wizard.version.set(ack.version);
                    wizard.retry_ms.set_value(autosave::FIRST_RETRY_MS);
                    if wizard.generation.get_untracked() == sent_generation {
                        autosave::local::clear(&wizard.storage_key());
                        wizard.status.set(SaveStatus::Saved { at: ack.saved_at });
                    } else {
                        wizard.save_again.set_value(true);
                    }
                }
                Err(AppError::Conflict(message)) => {
                    wizard.status.set(SaveStatus::Conflict { message });
                    return;
                }
                Err(AppError::Validation(errors)) => {
                    let message = errors
                        .first()
                        .map(|e| e.message.clone())
                        .unwrap_or_default();
                    wizard.status.set(SaveStatus::Rejected { message });
                    return;
                }
                Err(_) => {
                    wizard.status.set(SaveStatus::Offline);
                    let delay = wizard.retry_ms.get_value();
                    wizard.retry_ms.set_value(autosave::next_retry(delay));
                    gloo_timers::future::TimeoutFuture::new(delay).await;
                    wizard.send();
                    return;
                }
            }
            if wizard.save_again.get_value() {
                wizard.save_again.set_value(false);
                wizard.send();
            }
        });
    }

    /// Conflict resolution: drop local changes and load the stored version.
    pub fn take_theirs(&self) {
        #[cfg(feature = "hydrate")]
        autosave::local::clear(&self.storage_key());
        self.refresh();
    }

    /// Conflict resolution: save this page's content over the stored version.
    pub fn keep_mine(&self) {
        #[cfg(feature = "hydrate")]
        {
            let wizard = *self;
            leptos::task::spawn_local(async move {
                if let Ok(latest) = load_request(wizard.connection_id).await {
                    if latest.state != State::Draft {
                        wizard.status.set(SaveStatus::Conflict {
                            message: format!(
                                "The request is now {} and cannot be changed here.",
                                latest.state.label()
                            ),
                        });
                        return;
                    }
                    wizard.version.set(latest.version);
                    wizard.status.set(SaveStatus::Saving);
                    wizard.send();
                }
            });
        }
    }
}

pub fn use_wizard() -> Wizard {
    expect_context::<Wizard>()
}

/// Actions on the request, shared by the wizard's pages.
#[derive(Clone, Copy)]
pub struct RequestActions {
    pub submit: ServerAction<SubmitRequest>,
    pub edit: ServerAction<EditRequest>,
    pub delete: ServerAction<DeleteDraft>,
}

pub fn use_request_actions() -> RequestActions {
    expect_context::<RequestActions>()
}

/// The frame around every page of one request: title, status line, task
/// list, and the page itself.
#[component]
pub fn WizardShell() -> impl IntoView {
    with_user(|_| view! { <WizardFrame /> })
}

#[component]
fn WizardFrame() -> impl IntoView {
    let params = use_params_map();
    let connection_id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<Uuid>().ok()));
    let actions = RequestActions {
        submit: ServerAction::<SubmitRequest>::new(),
        edit: ServerAction::<EditRequest>::new(),
        delete: ServerAction::<DeleteDraft>::new(),
    };
    provide_context(actions);
    let data = Resource::new(connection_id, |id| async move {
        match id {
            Some(id) => load_request(id).await,
            None => Err(crate::error::AppError::not_found("That connection request")),
        }
    });
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the request..."</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    Ok(data) => {
                        let wizard = Wizard::new(data);
                        provide_context(wizard);
                        view! { <WizardLayout wizard /> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn WizardLayout(wizard: Wizard) -> impl IntoView {
    let actions = use_request_actions();
    Effect::new(move |_| {
        let submitted = actions.submit.value().with(|r| matches!(r, Some(Ok(_))));
        let edited = actions.edit.value().with(|r| matches!(r, Some(Ok(_))));
        if submitted || edited {
            wizard.refresh();
        }
    });
    let name = move || {
        wizard.content.with(|c| {
            let name = c.connection.name.trim();
            if name.is_empty() {
                "Untitled connection".to_string()
            } else {
                name.to_string()
            }
        })
    };
    view! {
        <Title text=name />
        <div class="wizard">
            <div class="wizard__heading">
                <p class="caption">{wizard.organisation_name.get_value()} " · revision " {move || wizard.revision_number.get()}</p>
                <p class="wizard__name">
                    <span data-testid="connection-name">{name}</span>
                    " "
                    <span class=move || wizard.state.get().css_class() data-testid="request-state">{move || wizard.state.get().label()}</span>
                </p>
                <SaveStatusLine wizard />
            </div>
            <FeedbackBanner wizard />
            <RestoreBanner wizard />
            <ConflictBanner wizard />
            <ReadOnlyBanner wizard />
            <div class="wizard__body">
                <TaskListNav wizard />
                <div class="wizard__content">
                    <Outlet />
                </div>
            </div>
        </div>
    }
}

/// Shows the reason for the last review decision, when staff gave one.
#[component]
fn FeedbackBanner(wizard: Wizard) -> impl IntoView {
    let reason = move || {
        let shown = matches!(
            wizard.state.get(),
            State::ChangesRequested | State::Rejected | State::Draft
        );
        wizard
            .feedback
            .with(|f| f.decision_reason.clone())
            .filter(|_| shown)
    };
    view! {
        <Show when=move || reason().is_some()>
            <div class="notice notice--warning" role="status" data-testid="decision-reason">
                <p><strong>"The reviewer said: "</strong>{reason}</p>
            </div>
        </Show>
    }
}

#[component]
fn SaveStatusLine(wizard: Wizard) -> impl IntoView {
    view! {
        <Show when=move || wizard.editable()>
            <p class="save-status" role="status" aria-live="polite" data-testid="save-status"
                data-status=move || match wizard.status.get() {
                    SaveStatus::Idle => "idle",
                    SaveStatus::Saving => "saving",
                    SaveStatus::Saved { .. } => "saved",
                    SaveStatus::Offline => "offline",
                    SaveStatus::Conflict { .. } => "conflict",
                    SaveStatus::Rejected { .. } => "rejected",
                }>
                {move || wizard.status.get().text()}
            </p>
        </Show>
    }
}

/// Offers back changes that were kept on this device but never reached
/// the server (a crash, a reload or an offline spell).
#[component]
fn RestoreBanner(wizard: Wizard) -> impl IntoView {
    let pending = RwSignal::new(None::<autosave::LocalCopy>);
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if wizard.editable() {
            if let Some(copy) = autosave::local::read(&wizard.storage_key()) {
                if wizard.content.with_untracked(|c| *c == copy.content) {
                    autosave::local::clear(&wizard.storage_key());
                } else {
                    pending.set(Some(copy));
                }
            }
        }
    });
    let restore = move |_| {
        if let Some(copy) = pending.get_untracked() {
            pending.set(None);
            wizard.edit(move |c| *c = copy.content);
            wizard.save_now();
        }
    };
    let discard = move |_| {
        pending.set(None);
        #[cfg(feature = "hydrate")]
        autosave::local::clear(&wizard.storage_key());
    };
    view! {
        <Show when=move || pending.with(Option::is_some)>
            <div class="notice notice--warning" role="alert">
                <p>"This device has changes to this request that were not saved to the server."</p>
                <div class="button-row">
                    <button type="button" class="button" on:click=restore>"Restore my unsaved changes"</button>
                    <button type="button" class="button button--secondary" on:click=discard>"Discard them"</button>
                </div>
            </div>
        </Show>
    }
}

#[component]
fn ConflictBanner(wizard: Wizard) -> impl IntoView {
    let message = move || match wizard.status.get() {
        SaveStatus::Conflict { message } => Some(message),
        _ => None,
    };
    view! {
        <Show when=move || message().is_some()>
            <div class="notice notice--error" role="alert" data-testid="conflict">
                <h2 class="notice__title">"This request was changed elsewhere"</h2>
                <p>{message}</p>
                <p>"Your changes on this page are kept on this device. Choose which version to keep."</p>
                <div class="button-row">
                    <button type="button" class="button" on:click=move |_| wizard.take_theirs()>"Load the saved version"</button>
                    <button type="button" class="button button--secondary" on:click=move |_| wizard.keep_mine()>"Keep my version"</button>
                </div>
            </div>
        </Show>
    }
}

#[component]
fn ReadOnlyBanner(wizard: Wizard) -> impl IntoView {
    let actions = use_request_actions();
    let confirming = RwSignal::new(false);
    let can_edit = move || {
        matches!(
            wizard.state.get(),
            State::Requested
                | State::InReview
                | State::ChangesRequested
                | State::Sandbox
                | State::Live
        )
    };
    let deployed = move || matches!(wizard.state.get(), State::Sandbox | State::Live);
    let edit_error = move || {
        actions
            .edit
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.to_string())
    };
    view! {
        <Show when=move || !wizard.editable()>
            <div class="notice notice--info" role="status">
                <p>{move || format!("This request is {}: it is read-only.", wizard.state.get().label())}</p>
                <Show when=can_edit>
                    <Show when=move || confirming.get()
                        fallback=move || view! {
                            <button type="button" class="button button--secondary" on:click=move |_| confirming.set(true)>"Edit this request"</button>
                        }>
                        <div class="confirm" role="alertdialog" aria-labelledby="confirm-edit-title">
                            <p id="confirm-edit-title"><strong>{move || if deployed() {
                                "Editing opens a new draft revision. The deployed revision stays in effect until the new one is approved and deployed."
                            } else {
                                "Editing withdraws this request and returns it to Draft. You will need to submit it again."
                            }}</strong></p>
                            <ActionForm action=actions.edit>
                                <input type="hidden" name="connection_id" value=wizard.connection_id.to_string() />
                                <div class="button-row">
                                    <button type="submit" class="button">"Yes, return it to Draft"</button>
                                    <button type="button" class="button button--secondary" on:click=move |_| confirming.set(false)>"Cancel"</button>
                                </div>
                            </ActionForm>
                        </div>
                    </Show>
                </Show>
                {move || edit_error().map(|e| view! { <p class="field__error">{e}</p> })}
            </div>
        </Show>
    }
}

#[component]
fn TaskListNav(wizard: Wizard) -> impl IntoView {
    let base = format!("/connections/{}", wizard.connection_id);
    view! {
        <nav class="task-list" aria-label="Sections of this request">
            <ol class="task-list__items">
                {Section::ALL.into_iter().map(|section| {
                    let href = format!("{base}/{}", section.slug());
                    let status = Memo::new(move |_| wizard.section_status(section));
                    view! {
                        <li class="task-list__item">
                            <A href=href attr:class="task-list__link">{section.title()}</A>
                            <span class=move || status.get().css_class() data-testid=format!("status-{}", section.slug())>
                                {move || status.get().label()}
                            </span>
                        </li>
                    }
                }).collect_view()}
                <li class="task-list__item">
                    <A href=format!("{base}/check") attr:class="task-list__link">"Check and submit"</A>
                </li>
            </ol>
        </nav>
    }
}
