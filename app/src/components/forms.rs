//! Form controls styled once: text inputs with label, hint, pop-up help
//! and an error message, and the error summary at the top of a page.

use leptos::prelude::*;

use crate::components::help::HelpButton;
use crate::error::AppError;

/// Turns a field path such as `contacts.business.email` into an HTML id.
///
/// Entries of the address and URL lists are edited in one text area, so
/// their paths (`technical.live.ip_ranges.2`) map to the list's id.
pub fn field_id(path: &str) -> String {
    let mut path = path;
    for list in ["ip_ranges", "return_to_urls"] {
        if let Some(end) = path.find(list) {
            path = &path[..end + list.len()];
        }
    }
    format!("f-{}", path.replace('.', "-"))
}

/// True once the browser has taken over the page.
///
/// A form whose reply is shown only once, such as a new API key, keeps its
/// button disabled until then: submitted as a plain HTML form, the reply
/// would be a redirect and the key would be lost.
pub fn use_hydrated() -> Signal<bool> {
    let hydrated = RwSignal::new(false);
    // Effects run only in the browser, after the component has hydrated.
    Effect::new(move |_| hydrated.set(true));
    hydrated.into()
}

/// Returns the error for one field from the last result of a server action.
pub fn action_field_error<T>(
    result: Signal<Option<Result<T, AppError>>>,
    field: &'static str,
) -> Signal<Option<String>>
where
    T: Send + Sync + Clone + 'static,
{
    Signal::derive(move || {
        result.with(|r| match r {
            Some(Err(error)) => error.field_message(field),
            _ => None,
        })
    })
}

/// Returns the message of an error that is not about one field.
pub fn action_general_error<T>(
    result: Signal<Option<Result<T, AppError>>>,
) -> Signal<Option<String>>
where
    T: Send + Sync + Clone + 'static,
{
    Signal::derive(move || {
        result.with(|r| match r {
            Some(Err(AppError::Validation(_))) => None,
            Some(Err(error)) => Some(error.to_string()),
            _ => None,
        })
    })
}

/// A labelled text input for a plain HTML form (`name` is posted).
#[component]
pub fn FormInput(
    #[prop(into)] name: String,
    #[prop(into)] label: String,
    #[prop(into, optional)] hint: Option<String>,
    #[prop(into, default = "text".into())] input_type: String,
    #[prop(into, optional)] autocomplete: Option<String>,
    #[prop(into, optional)] value: Option<String>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let id = field_id(&name);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by = {
        let hint_id = hint_id.clone();
        let error_id = error_id.clone();
        let has_hint = hint.is_some();
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:field--error=move || error.get().is_some()>
            <label class="field__label" for=id.clone()>{label}</label>
            {hint.map(|hint| view! { <p class="field__hint" id=hint_id.clone()>{hint}</p> })}
            <p class="field__error" id=error_id.clone() hidden=move || error.get().is_none()>
                <span class="visually-hidden">"Error: "</span>
                {move || error.get()}
            </p>
            <input
                class="input"
                id=id.clone()
                name=name
                type=input_type
                autocomplete=autocomplete
                value=value
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=described_by
            />
        </div>
    }
}

/// The list of problems at the top of a page; each links to its field.
#[component]
pub fn ErrorSummary(
    /// (field path, message) pairs.
    #[prop(into)]
    problems: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    view! {
        <Show when=move || !problems.with(Vec::is_empty)>
            <div class="error-summary" role="alert" tabindex="-1">
                <h2 class="error-summary__title">"There is a problem"</h2>
                <ul class="error-summary__list">
                    <For
                        each=move || problems.get()
                        key=|(path, message)| format!("{path}|{message}")
                        let:problem
                    >
                        <li><a href=format!("#{}", field_id(&problem.0)) on:click=focus_field(field_id(&problem.0))>{problem.1.clone()}</a></li>
                    </For>
                </ul>
            </div>
        </Show>
    }
}

/// Returns a click handler that scrolls to the element with `id` and moves
/// focus to it, so that the user can correct the answer at once. For a
/// group of inputs, such as a fieldset, focus goes to its first input.
/// Without an element of that id, the link scrolls as usual.
fn focus_field(id: String) -> impl Fn(leptos::ev::MouseEvent) + 'static {
    move |event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(element) = document().get_element_by_id(&id) else {
                return;
            };
            event.prevent_default();
            element.scroll_into_view();
            let is_input = matches!(
                element.tag_name().as_str(),
                "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON"
            );
            let focus_target = if is_input {
                Some(element)
            } else {
                element
                    .query_selector("input, select, textarea, button")
                    .ok()
                    .flatten()
            };
            if let Some(target) =
                focus_target.and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = target.focus();
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (event, &id);
    }
}

/// Returns the problems of a failed action as (field, message) pairs.
pub fn action_problems<T>(
    result: Signal<Option<Result<T, AppError>>>,
) -> Signal<Vec<(String, String)>>
where
    T: Send + Sync + Clone + 'static,
{
    Signal::derive(move || {
        result.with(|r| match r {
            Some(Err(AppError::Validation(errors))) => errors
                .iter()
                .map(|e| (e.field.clone(), e.message.clone()))
                .collect(),
            _ => Vec::new(),
        })
    })
}

/// A help button for a field, when the field has help.
#[component]
pub fn FieldHelp(#[prop(into)] path: String) -> impl IntoView {
    let key = crate::help::help_key(&path);
    crate::help::field_help(&key).map(|help| view! { <HelpButton help id=field_id(&path) /> })
}
