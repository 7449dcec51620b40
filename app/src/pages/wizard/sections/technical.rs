//! Technical information per environment: addresses to whitelist, the
//! callback URL and the return-to URLs.

use std::sync::Arc;

use leptos::prelude::*;

use crate::components::forms::{field_id, FieldHelp};
use crate::domain::content::{EnvironmentTechnical, RequestContent};
use crate::pages::wizard::inputs::{Getter, Setter, TextInput};
use crate::pages::wizard::use_wizard;

type EnvironmentAccess = fn(&RequestContent) -> &EnvironmentTechnical;
type EnvironmentAccessMut = fn(&mut RequestContent) -> &mut EnvironmentTechnical;

#[component]
pub fn TechnicalSection() -> impl IntoView {
    view! {
        <p class="lead">"The operator whitelists these details for each environment. The sandbox is for testing; live is what members use."</p>
        <EnvironmentFields slug="sandbox" title="Sandbox" get=|c| &c.technical.sandbox get_mut=|c| &mut c.technical.sandbox />
        <EnvironmentFields slug="live" title="Live" get=|c| &c.technical.live get_mut=|c| &mut c.technical.live />
    }
}

#[component]
fn EnvironmentFields(
    slug: &'static str,
    title: &'static str,
    get: EnvironmentAccess,
    get_mut: EnvironmentAccessMut,
) -> impl IntoView {
    let callback: (Getter<String>, Setter<String>) = (
        Arc::new(move |c: &RequestContent| get(c).callback_url.clone()),
        Arc::new(move |c: &mut RequestContent, v| get_mut(c).callback_url = v),
    );
    view! {
        <fieldset class="fieldset">
            <legend class="fieldset__legend">{title}</legend>
            <LinesInput path=format!("technical.{slug}.ip_ranges") label="Server IP addresses or ranges"
                hint="One per line, like 203.0.113.7 or 203.0.113.0/24 (IPv4 or IPv6)"
                get=move |c| &get(c).ip_ranges get_mut=move |c| &mut get_mut(c).ip_ranges />
            <TextInput path=format!("technical.{slug}.callback_url") label="Callback URL" input_type="url" lens=callback />
            <LinesInput path=format!("technical.{slug}.return_to_urls") label="Return-to URLs"
                hint="One per line; each must start with https://"
                get=move |c| &get(c).return_to_urls get_mut=move |c| &mut get_mut(c).return_to_urls />
        </fieldset>
    }
}

/// A text area whose lines are a list in the content. Empty lines are
/// kept while typing and dropped when the field loses focus.
#[component]
fn LinesInput(
    path: String,
    label: &'static str,
    hint: &'static str,
    get: impl Fn(&RequestContent) -> &Vec<String> + Copy + Send + Sync + 'static,
    get_mut: impl Fn(&mut RequestContent) -> &mut Vec<String> + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let wizard = use_wizard();
    let id = field_id(&path);
    let prefix = format!("{path}.");
    let errors = {
        let path = path.clone();
        Memo::new(move |_| {
            let show_missing = wizard.show_missing.get();
            wizard.problems.with(|problems| {
                problems
                    .iter()
                    .filter(|p| p.path == path || p.path.starts_with(&prefix))
                    .filter(|p| {
                        show_missing || p.kind == crate::domain::validation::ProblemKind::Invalid
                    })
                    .map(|p| p.message.clone())
                    .collect::<Vec<_>>()
            })
        })
    };
    view! {
        <div class="field" class:field--error=move || !errors.get().is_empty()>
            <div class="field__label-row">
                <label class="field__label" for=id.clone()>{label}</label>
                <FieldHelp path=path.clone() />
            </div>
            <p class="field__hint" id=format!("{id}-hint")>{hint}</p>
            <ul class="field__error" id=format!("{id}-error") hidden=move || errors.get().is_empty()>
                {move || errors.get().into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}
            </ul>
            <textarea class="input input--area" id=id.clone() name=path.clone() rows="3" disabled=move || !wizard.editable()
                aria-describedby=format!("{id}-hint {id}-error")
                aria-invalid=move || (!errors.get().is_empty()).to_string()
                prop:value=move || wizard.content.with(|c| get(c).join("\n"))
                on:input=move |ev| {
                    let lines: Vec<String> = event_target_value(&ev).split('\n').map(str::to_string).collect();
                    wizard.edit(move |c| *get_mut(c) = lines);
                }
                on:blur=move |_| {
                    let needs_tidy = wizard.content.with_untracked(|c| get(c).iter().any(|l| l.trim() != l || l.is_empty()));
                    if needs_tidy {
                        wizard.edit(move |c| {
                            let list = get_mut(c);
                            *list = list.iter().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect();
                        });
                    }
                    wizard.save_now();
                }></textarea>
        </div>
    }
}
