//! Sign-in and registration pages.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::components::forms::{
    action_field_error, action_general_error, action_problems, ErrorSummary, FormInput,
};
use crate::components::layout::use_session;

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = use_session().log_in;
    let result: Signal<_> = action.value().into();
    let general = action_general_error(result);
    // The page that sent the user here, returned to after signing in. The
    // server checks that it is a path on this site.
    let next = leptos_router::hooks::use_query_map()
        .get_untracked()
        .get("next")
        .filter(|path| crate::domain::return_path::safe_return_path(path).is_some());
    view! {
        <Title text="Sign in" />
        <div class="narrow">
            <h1>"Sign in"</h1>
            <ErrorSummary problems=action_problems(result) />
            <Show when=move || general.get().is_some()>
                <div class="notice notice--error" role="alert">{move || general.get()}</div>
            </Show>
            <ActionForm action attr:novalidate=true attr:class="form">
                {next.map(|path| view! { <input type="hidden" name="next" value=path /> })}
                <FormInput name="email" label="Email address" input_type="email" autocomplete="username"
                    error=action_field_error(result, "email") />
                <FormInput name="password" label="Password" input_type="password" autocomplete="current-password"
                    error=action_field_error(result, "password") />
                <button type="submit" class="button" disabled=move || action.pending().get()>"Sign in"</button>
            </ActionForm>
            <p>"New to the Connection Manager? " <A href="/signup">"Register your organisation"</A></p>
        </div>
    }
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = use_session().sign_up;
    let result: Signal<_> = action.value().into();
    let general = action_general_error(result);
    view! {
        <Title text="Register your organisation" />
        <div class="narrow">
            <h1>"Register your organisation"</h1>
            <p class="lead">"Register to request dedicated connections to members' personal data stores. You will be the admin of your organisation's account and can invite colleagues later."</p>
            <ErrorSummary problems=action_problems(result) />
            <Show when=move || general.get().is_some()>
                <div class="notice notice--error" role="alert">{move || general.get()}</div>
            </Show>
            <ActionForm action attr:novalidate=true attr:class="form">
                <FormInput name="organisation_name" label="Organisation name" autocomplete="organization"
                    hint="The legal name of the organisation that will use the connections"
                    error=action_field_error(result, "organisation_name") />
                <FormInput name="display_name" label="Your full name" autocomplete="name"
                    error=action_field_error(result, "display_name") />
                <FormInput name="email" label="Email address" input_type="email" autocomplete="email"
                    hint="Your work email address; you will use it to sign in"
                    error=action_field_error(result, "email") />
                <FormInput name="password" label="Create a password" input_type="password" autocomplete="new-password"
                    hint="At least 12 characters. A few unrelated words make a strong password"
                    error=action_field_error(result, "password") />
                <button type="submit" class="button" disabled=move || action.pending().get()>"Register"</button>
            </ActionForm>
            <p>"Already registered? " <A href="/login">"Sign in"</A></p>
        </div>
    }
}
