//! The Terms for Subscribers: a page to read them, and the wizard step
//! that records their acceptance.

use leptos::prelude::*;
use leptos_meta::Title;

use super::use_wizard;
use crate::api::connections::{accept_terms, current_terms, Terms};
use crate::components::layout::ErrorPanel;

#[component]
fn TermsText(terms: Terms) -> impl IntoView {
    view! {
        <div class="terms" tabindex="0" aria-label=terms.title.clone()>
            <p class="caption">{format!("Version {}, published {}", terms.version, terms.published_at)}</p>
            {terms.body.split("\n\n").map(|paragraph| {
                let mut lines = paragraph.lines();
                let heading = lines.next().unwrap_or_default().to_string();
                let rest = lines.collect::<Vec<_>>().join(" ");
                view! { <h3>{heading}</h3><p>{rest}</p> }
            }).collect_view()}
        </div>
    }
}

#[component]
pub fn TermsPage() -> impl IntoView {
    let terms = Resource::new(|| (), |_| current_terms());
    view! {
        <Title text="Terms for Subscribers" />
        <h1>"Terms for Subscribers"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading..."</p> }>
            {move || Suspend::new(async move {
                match terms.await {
                    Ok(terms) => view! { <TermsText terms /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn TermsSection() -> impl IntoView {
    let wizard = use_wizard();
    let terms = Resource::new(|| (), |_| current_terms());
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let accepted = move || {
        wizard.terms.with(|t| {
            t.as_ref()
                .is_some_and(|t| t.version == wizard.current_terms_version)
        })
    };
    let accept = move |_| {
        pending.set(true);
        leptos::task::spawn_local(async move {
            match accept_terms(wizard.connection_id, wizard.current_terms_version).await {
                Ok(acceptance) => {
                    error.set(None);
                    wizard.terms.set(Some(acceptance));
                }
                Err(e) => error.set(Some(e.to_string())),
            }
            pending.set(false);
        });
    };
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the terms..."</p> }>
            {move || Suspend::new(async move {
                match terms.await {
                    Ok(terms) => view! { <TermsText terms /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
        <div id="f-terms" class="field">
            <Show when=accepted fallback=move || view! {
                <p>{format!("By accepting, you agree to these terms on behalf of {}.", wizard.organisation_name.get_value())}</p>
                <Show when=move || error.get().is_some()>
                    <p class="field__error" role="alert">{move || error.get()}</p>
                </Show>
                <button type="button" class="button" disabled=move || pending.get() || !wizard.editable() on:click=accept>
                    {format!("Accept the Terms for Subscribers (version {})", wizard.current_terms_version)}
                </button>
            }>
                <div class="notice notice--success" role="status" data-testid="terms-accepted">
                    {move || wizard.terms.get().map(|t| format!(
                        "Version {} accepted by {} on {} UTC.", t.version, t.accepted_by, t.accepted_at
                    ))}
                </div>
            </Show>
        </div>
    }
}
