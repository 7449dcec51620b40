//! API keys: organisation admins request, show, rotate and revoke keys;
//! staff approve or decline live keys.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::api_keys::{
    list_api_keys, pending_api_keys, ApiKeyView, DecideApiKey, IssuedApiKey, RequestApiKey,
    RevokeApiKey, RotateApiKey, ShowApiKey,
};
use crate::components::forms::{action_field_error, action_general_error, use_hydrated, FormInput};
use crate::components::layout::{with_user, ErrorPanel, Forbidden};
use crate::domain::api_keys::{DEFAULT_OVERLAP_HOURS, MAX_OVERLAP_HOURS};
use crate::domain::environment::Environment;
use crate::error::AppError;

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    with_user(|user| {
        if user.is_current_admin() {
            view! { <ApiKeys /> }.into_any()
        } else {
            view! {
                <Title text="Permission needed" />
                <Forbidden message="Only an admin of your organisation can manage its API keys." />
            }
            .into_any()
        }
    })
}

/// The message of the first failed action, for one alert above the list.
fn first_error(
    results: [Option<Result<(), AppError>>; 2],
    field: Option<String>,
) -> Option<String> {
    field.or_else(|| {
        results.into_iter().find_map(|r| match r {
            Some(Err(error)) => Some(error.to_string()),
            _ => None,
        })
    })
}

#[component]
fn ApiKeys() -> impl IntoView {
    let request = ServerAction::<RequestApiKey>::new();
    let hydrated = use_hydrated();
    let rotate = ServerAction::<RotateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let show = ServerAction::<ShowApiKey>::new();
    let keys = Resource::new(
        move || {
            (
                request.version().get(),
                rotate.version().get(),
                revoke.version().get(),
                show.version().get(),
            )
        },
        |_| list_api_keys(),
    );
    // The newest issued key, shown until the page is left or reloaded.
    let issued = RwSignal::new(None::<IssuedApiKey>);
    for value in [request.value(), rotate.value(), show.value()] {
        Effect::new(move |_| {
            if let Some(Ok(key)) = value.get() {
                issued.set(Some(key));
            }
        });
    }
    let request_result: Signal<_> = request.value().into();
    let name_error = action_field_error(request_result, "name");
    let request_general = action_general_error(request_result);
    let overlap_error = action_field_error(rotate.value().into(), "overlap_hours");
    let list_error = Signal::derive(move || {
        let rotate_result = rotate.value().get().map(|r| r.map(|_| ()));
        let show_result = show.value().get().map(|r| r.map(|_| ()));
        let revoke_result = revoke.value().get();
        first_error([rotate_result, show_result], overlap_error.get()).or_else(|| {
            match revoke_result {
                Some(Err(error)) => Some(error.to_string()),
                _ => None,
            }
        })
    });
    view! {
        <Title text="API keys" />
        <h1>"API keys"</h1>
        <p class="lead">"API keys let your services call the operator's API. Sandbox keys are issued at once; live keys are issued after the operator approves them."</p>
        {move || issued.get().map(|key| view! { <IssuedKeyNotice key /> })}
        <section class="panel" aria-labelledby="keys-heading">
            <h2 id="keys-heading">"Your keys"</h2>
            <Show when=move || list_error.get().is_some()>
                <div class="notice notice--error" role="alert">{move || list_error.get()}</div>
            </Show>
            <Transition fallback=|| view! { <p class="loading">"Loading your keys..."</p> }>
                {move || Suspend::new(async move {
                    match keys.await {
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                        Ok(list) if list.keys.is_empty() => view! {
                            <p class="empty-state">"Your organisation has no API keys yet. Request one below."</p>
                        }.into_any(),
                        Ok(list) => view! { <KeyTable keys=list.keys rotate revoke show /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <section class="panel" aria-labelledby="request-heading">
            <h2 id="request-heading">"Request a key"</h2>
            <Show when=move || request_general.get().is_some()>
                <div class="notice notice--error" role="alert">{move || request_general.get()}</div>
            </Show>
            <ActionForm action=request attr:novalidate=true attr:class="form">
                <FormInput name="name" label="Key name" hint="Say which service will use it, such as 'Billing service'"
                    error=name_error />
                <fieldset class="fieldset">
                    <legend class="fieldset__legend">"Environment"</legend>
                    {Environment::ALL.into_iter().map(|environment| {
                        let id = format!("environment-{}", environment.as_str());
                        view! {
                            <div class="radio">
                                <input type="radio" id=id.clone() name="environment" value=environment.as_str()
                                    checked=environment == Environment::Sandbox />
                                <label for=id>{match environment {
                                    Environment::Sandbox => "Sandbox (issued at once)",
                                    Environment::Live => "Live (issued after the operator approves it)",
                                }}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <button type="submit" class="button" disabled=move || !hydrated.get()>"Request key"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn IssuedKeyNotice(key: IssuedApiKey) -> impl IntoView {
    let Some(plain) = key.key.clone() else {
        return view! {
            <div class="notice notice--success" role="status" data-testid="key-requested">
                <p>{format!("Live key '{}' was requested. The operator reviews live key requests, usually within two working days; you are notified when it is approved, and can then show it here once.", key.name)}</p>
            </div>
        }
        .into_any();
    };
    let copied = RwSignal::new(false);
    let copy = {
        let plain = plain.clone();
        move |_| {
            #[cfg(feature = "hydrate")]
            if let Some(window) = web_sys::window() {
                let _ = window.navigator().clipboard().write_text(&plain);
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = &plain;
            copied.set(true);
        }
    };
    view! {
        <div class="notice notice--warning" role="alert" data-testid="issued-key">
            <p><strong>{format!("Copy your {} key '{}' now. It will not be shown again: only its prefix is kept.", key.environment.label().to_lowercase(), key.name)}</strong></p>
            <p><code data-testid="api-key">{plain}</code> " "
                <button type="button" class="button button--secondary button--small" on:click=copy>"Copy key"</button>
                <span role="status">{move || copied.get().then_some(" Copied.")}</span>
            </p>
            {key.replaced_key_expires_at.map(|end| view! {
                <p>{format!("The key it replaces keeps working until {end} UTC. Move your services to the new key before then.")}</p>
            })}
        </div>
    }
    .into_any()
}

#[component]
fn KeyTable(
    keys: Vec<ApiKeyView>,
    rotate: ServerAction<RotateApiKey>,
    revoke: ServerAction<RevokeApiKey>,
    show: ServerAction<ShowApiKey>,
) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="table" data-testid="api-keys">
                <caption class="visually-hidden">"API keys of your organisation, newest first"</caption>
                <thead><tr>
                    <th scope="col">"Name"</th><th scope="col">"Environment"</th><th scope="col">"Status"</th>
                    <th scope="col">"Key prefix"</th><th scope="col">"Last used (UTC)"</th><th scope="col">"Actions"</th>
                </tr></thead>
                <tbody>
                    {keys.into_iter().map(|key| view! { <KeyRow key rotate revoke show /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn KeyRow(
    key: ApiKeyView,
    rotate: ServerAction<RotateApiKey>,
    revoke: ServerAction<RevokeApiKey>,
    show: ServerAction<ShowApiKey>,
) -> impl IntoView {
    let hydrated = use_hydrated();
    let id = key.id.to_string();
    let name = key.name.clone();
    let status_note = key
        .expires_at
        .clone()
        .map(|end| format!("Works until {end} UTC"))
        .or_else(|| key.decision_reason.clone().map(|r| format!("Reason: {r}")));
    let ready_to_show = key.state == crate::domain::api_keys::KeyDisplayState::ReadyToShow;
    let show_form = ready_to_show.then(|| {
        let (id, name) = (id.clone(), name.clone());
        view! {
            <ActionForm action=show>
                <input type="hidden" name="key_id" value=id />
                <button type="submit" class="button button--small" disabled=move || !hydrated.get()
                    aria-label=format!("Show key {name} once")>"Show key once"</button>
            </ActionForm>
        }
    });
    let rotate_form = key.can_rotate.then(|| {
        let (id, name) = (id.clone(), name.clone());
        let input_id = format!("overlap-{id}");
        view! {
            <ActionForm action=rotate attr:novalidate=true attr:class="inline-form">
                <input type="hidden" name="key_id" value=id />
                <label for=input_id.clone()>"Overlap (hours)"</label>
                <input class="input input--short" type="number" min="0" max=MAX_OVERLAP_HOURS.to_string()
                    id=input_id name="overlap_hours" value=DEFAULT_OVERLAP_HOURS.to_string() />
                <button type="submit" class="button button--secondary button--small" disabled=move || !hydrated.get()
                    aria-label=format!("Rotate key {name}")>"Rotate"</button>
            </ActionForm>
        }
    });
    // Revoking cannot be undone, so the button asks for confirmation first.
    let revoke_form = key.can_revoke.then(|| {
        let confirming = RwSignal::new(false);
        let ask_label = format!("Revoke key {name}");
        let confirm_label = format!("Yes, revoke key {name}");
        let confirm_form = move || {
            let (id, confirm_label) = (id.clone(), confirm_label.clone());
            view! {
                <ActionForm action=revoke>
                    <input type="hidden" name="key_id" value=id />
                    <p><small>"Systems using this key stop working at once."</small></p>
                    <div class="button-row">
                        <button type="submit" class="button button--warning button--small">{confirm_label}</button>
                        <button type="button" class="button button--secondary button--small" on:click=move |_| confirming.set(false)>"Cancel"</button>
                    </div>
                </ActionForm>
            }
        };
        view! {
            <Show when=move || confirming.get() fallback=move || view! {
                <button type="button" class="button button--warning button--small" disabled=move || !hydrated.get()
                    aria-label=ask_label.clone() on:click=move |_| confirming.set(true)>"Revoke"</button>
            }>
                {confirm_form()}
            </Show>
        }
    });
    view! {
        <tr data-testid="api-key-row">
            <th scope="row">{key.name.clone()}</th>
            <td>{key.environment.label()}</td>
            <td>
                <span class=key.state.css_class()>{key.state.label()}</span>
                {status_note.map(|note| view! { <br /><small>{note}</small> })}
            </td>
            <td><code data-testid="key-prefix">{key.prefix.clone().map(|p| format!("{p}...")).unwrap_or_else(|| "Not issued".into())}</code></td>
            <td>{key.last_used_at.clone().unwrap_or_else(|| "Never".into())}</td>
            <td class="key-actions">{show_form}{rotate_form}{revoke_form}</td>
        </tr>
    }
}

#[component]
pub fn StaffApiKeysPage() -> impl IntoView {
    with_user(|user| {
        if user.is_staff() {
            view! { <PendingKeys /> }.into_any()
        } else {
            view! {
                <Title text="Permission needed" />
                <Forbidden message="Only operator staff can approve live API keys." />
            }
            .into_any()
        }
    })
}

#[component]
fn PendingKeys() -> impl IntoView {
    let decide = ServerAction::<DecideApiKey>::new();
    let pending = Resource::new(move || decide.version().get(), |_| pending_api_keys());
    let decide_result: Signal<_> = decide.value().into();
    let reason_error = action_field_error(decide_result, "reason");
    let general = action_general_error(decide_result);
    view! {
        <Title text="Live API key requests" />
        <h1>"Live API key requests"</h1>
        <Show when=move || general.get().or(reason_error.get()).is_some()>
            <div class="notice notice--error" role="alert">{move || general.get().or(reason_error.get())}</div>
        </Show>
        <Transition fallback=|| view! { <p class="loading">"Loading requests..."</p> }>
            {move || Suspend::new(async move {
                match pending.await {
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty-state">"No live API keys are waiting for a decision."</p>
                    }.into_any(),
                    Ok(list) => list.into_iter().map(|key| {
                        let reason_id = format!("reason-{}", key.id);
                        view! {
                            <section class="card" aria-label=format!("Key request {} from {}", key.name, key.organisation_name)>
                                <h2 class="card__title">{format!("{} ({})", key.name, key.organisation_name)}</h2>
                                <p>{format!("Requested by {} on {} UTC.", key.requested_by, key.requested_at)}</p>
                                <ActionForm action=decide attr:class="form">
                                    <input type="hidden" name="key_id" value=key.id.to_string() />
                                    <div class="field">
                                        <label class="field__label" for=reason_id.clone()>"Reason (required to decline)"</label>
                                        <textarea class="input input--area" id=reason_id name="reason"></textarea>
                                    </div>
                                    <div class="button-row">
                                        <button type="submit" name="decision" value="approve" class="button">"Approve"</button>
                                        <button type="submit" name="decision" value="decline" class="button button--warning">"Decline"</button>
                                    </div>
                                </ActionForm>
                            </section>
                        }
                    }).collect_view().into_any(),
                }
            })}
        </Transition>
    }
}
