//! Starting a new request.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::connections::CreateConnection;
use crate::components::forms::action_general_error;
use crate::components::layout::with_user;

#[component]
pub fn NewConnectionPage() -> impl IntoView {
    with_user(|_| view! { <NewConnection /> })
}

#[component]
fn NewConnection() -> impl IntoView {
    let create = ServerAction::<CreateConnection>::new();
    let error = action_general_error(create.value().into());
    view! {
        <Title text="Create new connection" />
        <div class="narrow">
            <h1>"Create new connection"</h1>
            <p class="lead">"A request has eight sections: organisation, contacts, connection details, data, use cases, GDPR declaration, technical information and terms."</p>
            <p>"It usually takes about an hour to complete. Everything is saved as you type, so you can stop and come back at any time."</p>
            <Show when=move || error.get().is_some()>
                <div class="notice notice--error" role="alert">{move || error.get()}</div>
            </Show>
            <ActionForm action=create>
                <button type="submit" class="button" disabled=move || create.pending().get()>"Start a new request"</button>
            </ActionForm>
        </div>
    }
}
