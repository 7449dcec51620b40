//! Inputs bound to a path of the request content. Each edit goes through
//! [`Wizard::edit`], which autosaves; leaving a field saves at once.

use std::sync::Arc;

use leptos::prelude::*;

use super::{use_wizard, Wizard};
use crate::components::forms::{field_id, FieldHelp};
use crate::domain::content::RequestContent;

pub type Getter<T> = Arc<dyn Fn(&RequestContent) -> T + Send + Sync>;
pub type Setter<T> = Arc<dyn Fn(&mut RequestContent, T) + Send + Sync>;

/// Builds the getter and setter for a content path, e.g.
/// `lens!(organisation.legal_name)`.
#[macro_export]
macro_rules! lens {
    ($($path:tt)+) => {
        (
            std::sync::Arc::new(|c: &$crate::domain::content::RequestContent| c.$($path)+.clone())
                as $crate::pages::wizard::inputs::Getter<_>,
            std::sync::Arc::new(|c: &mut $crate::domain::content::RequestContent, v| c.$($path)+ = v)
                as $crate::pages::wizard::inputs::Setter<_>,
        )
    };
}

/// Label, hint, pop-up help and error message around a control.
#[component]
pub fn FieldFrame(
    #[prop(into)] path: String,
    #[prop(into)] label: String,
    #[prop(into, default = None)] hint: Option<String>,
    children: Children,
) -> impl IntoView {
    let wizard = use_wizard();
    let id = field_id(&path);
    let error_path = path.clone();
    let error = Memo::new(move |_| wizard.field_error(&error_path));
    let hint =
        hint.or_else(|| crate::help::hint(&crate::help::help_key(&path)).map(str::to_string));
    view! {
        <div class="field" class:field--error=move || error.get().is_some()>
            <div class="field__label-row">
                <label class="field__label" for=id.clone()>{label}</label>
                <FieldHelp path=path.clone() />
            </div>
            {hint.map(|hint| view! { <p class="field__hint" id=format!("{id}-hint")>{hint}</p> })}
            <p class="field__error" id=format!("{id}-error") hidden=move || error.get().is_none()>
                <span class="visually-hidden">"Error: "</span>
                {move || error.get()}
            </p>
            {children()}
        </div>
    }
}

fn described_by(wizard: Wizard, path: String) -> impl Fn() -> String + Send + Sync + 'static {
    let id = field_id(&path);
    move || {
        if wizard.field_error(&path).is_some() {
            format!("{id}-hint {id}-error")
        } else {
            format!("{id}-hint")
        }
    }
}

/// A text input or text area bound to a string in the content.
#[component]
pub fn TextInput(
    #[prop(into)] path: String,
    #[prop(into)] label: String,
    lens: (Getter<String>, Setter<String>),
    #[prop(optional)] multiline: bool,
    #[prop(into, default = "text".into())] input_type: String,
    #[prop(into, optional)] hint: Option<String>,
    #[prop(into, optional)] autocomplete: Option<String>,
    #[prop(optional)] max_chars: Option<usize>,
) -> impl IntoView {
    let wizard = use_wizard();
    let (get, set) = lens;
    let id = field_id(&path);
    // Rendered into the HTML too, so the answer shows before hydration.
    let initial = wizard.content.with_untracked(|c| get(c));
    let value = {
        let get = get.clone();
        move || wizard.content.with(|c| get(c))
    };
    let on_input = move |ev| {
        let text = event_target_value(&ev);
        let set = set.clone();
        wizard.edit(move |c| set(c, text));
    };
    let on_blur = move |_| wizard.save_now();
    let invalid_path = path.clone();
    let invalid = move || wizard.field_error(&invalid_path).is_some().to_string();
    let counter = max_chars.map(|max| {
        let get = get.clone();
        view! {
            <p class="field__count" aria-live="polite">
                {move || {
                    let used = wizard.content.with(|c| get(c).chars().count());
                    if used > max { format!("{} characters too many", used - max) } else { format!("{} characters remaining", max - used) }
                }}
            </p>
        }
    });
    let control = if multiline {
        // Leptos writes a textarea's children into the server's HTML as
        // they are, so a stored "</textarea>" would end the element early.
        // The server escapes the text; the browser decodes it back.
        #[cfg(feature = "ssr")]
        let initial = html_escape::encode_text(&initial).into_owned();
        view! {
            <textarea class="input input--area" id=id.clone() name=path.clone() rows="4"
                prop:value=value disabled=move || !wizard.editable()
                aria-invalid=invalid aria-describedby=described_by(wizard, path.clone())
                on:input=on_input on:blur=on_blur>{initial.clone()}</textarea>
        }
        .into_any()
    } else {
        view! {
            <input class="input" id=id.clone() name=path.clone() type=input_type autocomplete=autocomplete
                value=initial.clone() prop:value=value disabled=move || !wizard.editable()
                aria-invalid=invalid aria-describedby=described_by(wizard, path.clone())
                on:input=on_input on:blur=on_blur />
        }
        .into_any()
    };
    view! {
        <FieldFrame path=path.clone() label hint>
            {control}
            {counter}
        </FieldFrame>
    }
}

/// A drop-down of fixed options bound to a string in the content.
#[component]
pub fn SelectInput(
    #[prop(into)] path: String,
    #[prop(into)] label: String,
    lens: (Getter<String>, Setter<String>),
    /// (value, label) pairs.
    options: Vec<(String, String)>,
) -> impl IntoView {
    let wizard = use_wizard();
    let (get, set) = lens;
    let id = field_id(&path);
    let on_change = move |ev| {
        let value = event_target_value(&ev);
        let set = set.clone();
        wizard.edit(move |c| set(c, value));
        wizard.save_now();
    };
    let invalid_path = path.clone();
    view! {
        <FieldFrame path=path.clone() label>
            <select class="input input--select" id=id name=path.clone() disabled=move || !wizard.editable()
                aria-invalid=move || wizard.field_error(&invalid_path).is_some().to_string()
                on:change=on_change>
                <option value="" selected={let get = get.clone(); move || wizard.content.with(|c| get(c).is_empty())}>"Choose one"</option>
                {options.into_iter().map(|(value, text)| {
                    let get = get.clone();
                    let v = value.clone();
                    view! { <option value=value selected=move || wizard.content.with(|c| get(c) == v)>{text}</option> }
                }).collect_view()}
            </select>
        </FieldFrame>
    }
}

/// A yes / no question bound to an `Option<bool>` (unanswered is `None`).
#[component]
pub fn YesNoInput(
    #[prop(into)] path: String,
    #[prop(into)] label: String,
    lens: (Getter<Option<bool>>, Setter<Option<bool>>),
) -> impl IntoView {
    let wizard = use_wizard();
    let (get, set) = lens;
    let id = field_id(&path);
    let error_path = path.clone();
    let error = Memo::new(move |_| wizard.field_error(&error_path));
    let choice = move |answer: bool, text: &'static str| {
        let get = get.clone();
        let set = set.clone();
        let input_id = if answer {
            id.clone()
        } else {
            format!("{id}-no")
        };
        view! {
            <div class="radio">
                <input type="radio" id=input_id.clone() name=id.clone() disabled=move || !wizard.editable()
                    prop:checked=move || wizard.content.with(|c| get(c) == Some(answer))
                    on:change=move |_| {
                        let set = set.clone();
                        wizard.edit(move |c| set(c, Some(answer)));
                        wizard.save_now();
                    } />
                <label for=input_id>{text}</label>
            </div>
        }
    };
    view! {
        <fieldset class="field fieldset" class:field--error=move || error.get().is_some()>
            <legend class="field__label">{label} " " <FieldHelp path=path.clone() /></legend>
            <p class="field__error" hidden=move || error.get().is_none()>{move || error.get()}</p>
            <div class="radio-row">
                {choice(true, "Yes")}
                {choice(false, "No")}
            </div>
        </fieldset>
    }
}

/// A checkbox bound to a bool in the content.
#[component]
pub fn CheckboxInput(
    #[prop(into)] path: String,
    #[prop(into)] label: String,
    lens: (Getter<bool>, Setter<bool>),
) -> impl IntoView {
    let wizard = use_wizard();
    let (get, set) = lens;
    let id = field_id(&path);
    view! {
        <div class="checkbox">
            <input type="checkbox" id=id.clone() disabled=move || !wizard.editable()
                prop:checked=move || wizard.content.with(|c| get(c))
                on:change=move |ev| {
                    let checked = event_target_checked(&ev);
                    let set = set.clone();
                    wizard.edit(move |c| set(c, checked));
                    wizard.save_now();
                } />
            <label for=id>{label}</label>
            <FieldHelp path=path />
        </div>
    }
}
