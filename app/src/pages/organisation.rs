//! The organisation's users: invite, remove, accept an invitation.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::organisations::{
    fetch_invitation, fetch_organisation_users, InviteUser, RemoveUser,
};
use crate::components::forms::{
    action_field_error, action_general_error, action_problems, ErrorSummary, FormInput,
};
use crate::components::layout::{use_session, with_user, ErrorPanel};

#[component]
pub fn OrganisationUsersPage() -> impl IntoView {
    with_user(|_user| view! { <OrganisationUsers /> })
}

#[component]
fn OrganisationUsers() -> impl IntoView {
    let invite = ServerAction::<InviteUser>::new();
    let remove = ServerAction::<RemoveUser>::new();
    let users = Resource::new(
        move || (invite.version().get(), remove.version().get()),
        |_| fetch_organisation_users(),
    );
    let invite_result: Signal<_> = invite.value().into();
    let remove_result: Signal<_> = remove.value().into();
    let invite_general = action_general_error(invite_result);
    let remove_general = action_general_error(remove_result);
    view! {
        <Title text="Users of your organisation" />
        <Suspense fallback=|| view! { <p class="loading">"Loading..."</p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    Ok(list) => {
                        let can_manage = list.can_manage;
                        view! {
                            <h1>{format!("Users of {}", list.organisation_name)}</h1>
                            <Show when=move || remove_general.get().is_some()>
                                <div class="notice notice--error" role="alert">{move || remove_general.get()}</div>
                            </Show>
                            <table class="table">
                                <caption class="visually-hidden">"Users of your organisation"</caption>
                                <thead><tr>
                                    <th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Role"</th>
                                    {can_manage.then(|| view! { <th scope="col"><span class="visually-hidden">"Actions"</span></th> })}
                                </tr></thead>
                                <tbody>
                                {list.users.into_iter().map(|u| {
                                    let name = u.display_name.clone();
                                    let user_id = u.user_id.to_string();
                                    let confirm_label = format!("Yes, remove {name}");
                                    let confirming = RwSignal::new(false);
                                    let confirm_form = move || {
                                        let user_id = user_id.clone();
                                        let confirm_label = confirm_label.clone();
                                        view! {
                                            <ActionForm action=remove>
                                                <input type="hidden" name="user_id" value=user_id />
                                                <div class="button-row">
                                                    <button type="submit" class="button button--warning button--small">{confirm_label}</button>
                                                    <button type="button" class="button button--secondary button--small" on:click=move |_| confirming.set(false)>"Cancel"</button>
                                                </div>
                                            </ActionForm>
                                        }
                                    };
                                    view! {
                                        <tr>
                                            <td>{u.display_name.clone()}</td>
                                            <td>{u.email.clone()}</td>
                                            <td>{u.role.label()}</td>
                                            {can_manage.then(|| view! {
                                                <td>
                                                    {(!u.is_caller).then(|| view! {
                                                        <Show when=move || confirming.get() fallback={
                                                            let name = name.clone();
                                                            move || view! {
                                                                <button type="button" class="button button--warning button--small"
                                                                    aria-label=format!("Remove {name}") on:click=move |_| confirming.set(true)>"Remove"</button>
                                                            }
                                                        }>
                                                            {confirm_form()}
                                                        </Show>
                                                    })}
                                                </td>
                                            })}
                                        </tr>
                                    }
                                }).collect_view()}
                                </tbody>
                            </table>
                            {(!list.invitations.is_empty()).then(|| view! {
                                <h2>"Invitations not yet accepted"</h2>
                                <ul>
                                    {list.invitations.into_iter().map(|i| view! {
                                        <li>{format!("{} ({}), valid until {} UTC", i.email, i.role.label(), i.expires_at)}</li>
                                    }).collect_view()}
                                </ul>
                            })}
                            {can_manage.then(|| view! {
                                <section class="panel" aria-labelledby="invite-heading">
                                    <h2 id="invite-heading">"Invite a colleague"</h2>
                                    <ErrorSummary problems=action_problems(invite_result) />
                                    <Show when=move || invite_general.get().is_some()>
                                        <div class="notice notice--error" role="alert">{move || invite_general.get()}</div>
                                    </Show>
                                    <ActionForm action=invite attr:novalidate=true attr:class="form">
                                        <FormInput name="email" label="Their email address" input_type="email"
                                            error=action_field_error(invite_result, "email") />
                                        <div class="checkbox">
                                            <input type="checkbox" id="invite-admin" name="admin" value="true" />
                                            <label for="invite-admin">"Make them an admin (they can invite and remove users)"</label>
                                        </div>
                                        <button type="submit" class="button">"Create invitation"</button>
                                    </ActionForm>
                                    {move || invite.value().get().and_then(Result::ok).map(|link| view! {
                                        <div class="notice notice--success" role="status">
                                            <p>"Invitation created. Send this link to your colleague; it works once and expires in 7 days:"</p>
                                            <p><code data-testid="invitation-link">{absolute_link(&link)}</code></p>
                                        </div>
                                    })}
                                </section>
                            })}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn AcceptInvitationPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let details = Resource::new(token, fetch_invitation);
    let action = use_session().accept_invitation;
    let result: Signal<_> = action.value().into();
    let general = action_general_error(result);
    view! {
        <Title text="Accept an invitation" />
        <div class="narrow">
            <Suspense fallback=|| view! { <p class="loading">"Loading..."</p> }>
                {move || Suspend::new(async move {
                    match details.await {
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                        Ok(invitation) => view! {
                            <h1>{format!("Join {}", invitation.organisation_name)}</h1>
                            <p>{format!("This invitation is for {}.", invitation.email)}</p>
                            <ErrorSummary problems=action_problems(result) />
                            <Show when=move || general.get().is_some()>
                                <div class="notice notice--error" role="alert">{move || general.get()}</div>
                            </Show>
                            <ActionForm action attr:novalidate=true attr:class="form">
                                <input type="hidden" name="token" value=token() />
                                {(!invitation.account_exists).then(|| view! {
                                    <FormInput name="display_name" label="Your full name" autocomplete="name"
                                        error=action_field_error(result, "display_name") />
                                })}
                                <FormInput name="password"
                                    label=if invitation.account_exists { "Your password" } else { "Create a password" }
                                    input_type="password"
                                    autocomplete=if invitation.account_exists { "current-password" } else { "new-password" }
                                    error=action_field_error(result, "password") />
                                <button type="submit" class="button">"Accept invitation"</button>
                            </ActionForm>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

/// Prefixes a site path with the browser's origin, so that the link can be
/// sent as it is. The server does not know the address users reach it by,
/// so a page rendered there keeps the path.
fn absolute_link(path: &str) -> String {
    #[cfg(feature = "hydrate")]
    if let Some(origin) = web_sys::window().and_then(|window| window.location().origin().ok()) {
        return format!("{origin}{path}");
    }
    path.to_string()
}
