//! Pop-up help: a button that opens a short explanation next to a section
//! or field. It opens and closes with the keyboard, closes with Escape or
//! a click outside, and its text is announced to screen readers.

use leptos::ev;
use leptos::html;
use leptos::prelude::*;

use crate::help::Help;

#[component]
pub fn HelpButton(
    /// The help to show.
    help: Help,
    /// Unique id stem for the popover.
    #[prop(into)]
    id: String,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let container = NodeRef::<html::Span>::new();
    let panel_id = format!("help-{id}");

    let key_handle = window_event_listener(ev::keydown, move |event| {
        if open.get_untracked() && event.key() == "Escape" {
            open.set(false);
        }
    });
    let click_handle = window_event_listener(ev::click, move |event| {
        if !open.get_untracked() {
            return;
        }
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let inside = match (container.get_untracked(), event.target()) {
                (Some(root), Some(target)) => target
                    .dyn_ref::<web_sys::Node>()
                    .is_some_and(|node| root.contains(Some(node))),
                _ => false,
            };
            if !inside {
                open.set(false);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = event;
    });
    on_cleanup(move || {
        key_handle.remove();
        click_handle.remove();
    });

    let title = help.title;
    view! {
        <span class="help" node_ref=container>
            <button
                type="button"
                class="help__button"
                aria-expanded=move || open.get().to_string()
                aria-controls=panel_id.clone()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span aria-hidden="true">"?"</span>
                <span class="visually-hidden">{format!("Help: {title}")}</span>
            </button>
            <span id=panel_id.clone() class="help__panel" role="note" aria-live="polite" hidden=move || !open.get()>
                <Show when=move || open.get()>
                    <strong class="help__title">{title}</strong>
                    <span class="help__text">{help.what}</span>
                    <span class="help__text"><em>"Why we ask: "</em>{help.why}</span>
                    {help.example.map(|example| view! {
                        <span class="help__text"><em>"Example: "</em>{example}</span>
                    })}
                </Show>
            </span>
        </span>
    }
}
