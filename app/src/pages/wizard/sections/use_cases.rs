//! The use-case section: purposes, the fields each one needs, lawful
//! basis, Article 9 condition, retention and the rest.

use std::sync::Arc;

use leptos::prelude::*;

use crate::components::forms::{field_id, FieldHelp};
use crate::domain::content::{RequestContent, UseCase, LAWFUL_BASES, SPECIAL_CATEGORY_CONDITIONS};
use crate::pages::wizard::inputs::{
    FieldFrame, Getter, SelectInput, Setter, TextInput, YesNoInput,
};
use crate::pages::wizard::use_wizard;

/// Getter and setter for one field of the use case at `index`.
macro_rules! use_case_lens {
    ($index:expr, $field:ident) => {{
        let index = $index;
        (
            Arc::new(move |c: &RequestContent| {
                c.use_cases
                    .get(index)
                    .map(|u| u.$field.clone())
                    .unwrap_or_default()
            }) as Getter<_>,
            Arc::new(move |c: &mut RequestContent, v| {
                if let Some(u) = c.use_cases.get_mut(index) {
                    u.$field = v;
                }
            }) as Setter<_>,
        )
    }};
}

fn options(table: &[(&str, &str)]) -> Vec<(String, String)> {
    table
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[component]
pub fn UseCasesSection() -> impl IntoView {
    let wizard = use_wizard();
    let count = move || wizard.content.with(|c| c.use_cases.len());
    let unused = move || {
        wizard.content.with(|c| {
            wizard.catalogue.with_value(|catalogue| {
                c.chosen_fields()
                    .into_iter()
                    .filter(|(id, _)| !c.use_cases.iter().any(|u| u.fields.iter().any(|f| f == id)))
                    .map(|(id, _)| {
                        catalogue
                            .field(id)
                            .map(|(_, f)| f.label.clone())
                            .unwrap_or_else(|| id.to_string())
                    })
                    .collect::<Vec<_>>()
            })
        })
    };
    let add = move |_| {
        wizard.edit(|c| c.use_cases.push(UseCase::default()));
        wizard.save_now();
    };
    view! {
        <p class="lead">"Describe each purpose for the data. Every field you chose must belong to at least one use case."</p>
        <Show when=move || !unused().is_empty()>
            <div class="notice notice--warning" role="status" data-testid="unused-fields">
                <p><strong>"Fields without a use case: "</strong>{move || unused().join(", ")}</p>
                <p>"Add each one to a use case, or remove it in the Data section."</p>
            </div>
        </Show>
        <div id="f-use_cases">
            <For each=move || 0..count() key=|i| *i let:index>
                <UseCaseCard index />
            </For>
        </div>
        <button type="button" class="button button--secondary" disabled=move || !wizard.editable() on:click=add>
            {move || if count() == 0 { "Add a use case" } else { "Add another use case" }}
        </button>
    }
}

#[component]
fn UseCaseCard(index: usize) -> impl IntoView {
    let wizard = use_wizard();
    let heading = move || {
        wizard.content.with(|c| {
            let title = c
                .use_cases
                .get(index)
                .map(|u| u.title.trim().to_string())
                .unwrap_or_default();
            if title.is_empty() {
                format!("Use case {}", index + 1)
            } else {
                format!("Use case {}: {title}", index + 1)
            }
        })
    };
    let uses_special = move || {
        wizard.content.with(|c| {
            c.use_cases.get(index).is_some_and(|u| {
                wizard
                    .catalogue
                    .with_value(|cat| u.fields.iter().any(|f| cat.is_special_category(f)))
            })
        })
    };
    let adm = move || {
        wizard.content.with(|c| {
            c.use_cases
                .get(index)
                .and_then(|u| u.automated_decision_making)
        })
    };
    let transfers = move || {
        wizard.content.with(|c| {
            c.use_cases
                .get(index)
                .and_then(|u| u.international_transfers)
        })
    };
    let remove = move |_| {
        wizard.edit(move |c| {
            if index < c.use_cases.len() {
                c.use_cases.remove(index);
            }
        });
        wizard.save_now();
    };
    let p = move |name: &str| format!("use_cases.{index}.{name}");
    view! {
        <section class="card" aria-label=heading>
            <h2 class="card__title">{heading}</h2>
            <TextInput path=p("title") label="Title" lens=use_case_lens!(index, title) />
            <TextInput path=p("description") label="Description for members" multiline=true lens=use_case_lens!(index, description) />
            <UseCaseFields index path=p("fields") />
            <SelectInput path=p("lawful_basis") label="Lawful basis (UK GDPR Article 6)" options=options(&LAWFUL_BASES) lens=use_case_lens!(index, lawful_basis) />
            <Show when=uses_special>
                <SelectInput path=p("special_category_condition") label="Condition for special-category data (UK GDPR Article 9)"
                    options=options(&SPECIAL_CATEGORY_CONDITIONS) lens=use_case_lens!(index, special_category_condition) />
            </Show>
            <TextInput path=p("retention") label="How long you keep the data" lens=use_case_lens!(index, retention) />
            <TextInput path=p("recipients") label="Recipients or processors" multiline=true lens=use_case_lens!(index, recipients) />
            <YesNoInput path=p("automated_decision_making") label="Do you make decisions about members by automated means alone?" lens=use_case_lens!(index, automated_decision_making) />
            <Show when=move || adm() == Some(true)>
                <TextInput path=p("automated_decision_logic") label="Summary of the logic" multiline=true lens=use_case_lens!(index, automated_decision_logic) />
            </Show>
            <YesNoInput path=p("international_transfers") label="Is the data transferred outside the UK?" lens=use_case_lens!(index, international_transfers) />
            <Show when=move || transfers() == Some(true)>
                <TextInput path=p("transfer_safeguard") label="Safeguard for the transfer" lens=use_case_lens!(index, transfer_safeguard) />
            </Show>
            <button type="button" class="button button--warning button--small" disabled=move || !wizard.editable() on:click=remove>
                {format!("Remove use case {}", index + 1)}
            </button>
        </section>
    }
}

/// Checkboxes for the chosen fields that this use case needs.
#[component]
fn UseCaseFields(index: usize, path: String) -> impl IntoView {
    let wizard = use_wizard();
    let chosen = move || {
        wizard.content.with(|c| {
            wizard.catalogue.with_value(|cat| {
                c.chosen_fields()
                    .into_iter()
                    .map(|(id, _)| {
                        let (label, special) = cat
                            .field(id)
                            .map(|(_, f)| (f.label.clone(), f.special_category))
                            .unwrap_or_else(|| (id.to_string(), false));
                        (id.to_string(), label, special)
                    })
                    .collect::<Vec<_>>()
            })
        })
    };
    let list_id = field_id(&path);
    view! {
        <FieldFrame path=path.clone() label="Fields this use case needs">
            <div id=list_id class="checkbox-list">
                <Show when=move || !chosen().is_empty() fallback=|| view! { <p class="field__hint">"Choose fields in the Data section first."</p> }>
                    <For each=chosen key=|(id, _, _)| id.clone() let:field>
                        {
                            let group_id = field_id(&format!("use_cases.{index}.fields"));
                            let (field_id_value, label, special) = field;
                            let input_id = format!("{group_id}-{field_id_value}");
                            let f = field_id_value.clone();
                            view! {
                                <div class="checkbox">
                                    <input type="checkbox" id=input_id.clone() disabled=move || !wizard.editable()
                                        prop:checked=move || wizard.content.with(|c| c.use_cases.get(index).is_some_and(|u| u.fields.contains(&f)))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            let field = field_id_value.clone();
                                            wizard.edit(move |c| {
                                                if let Some(u) = c.use_cases.get_mut(index) {
                                                    u.fields.retain(|x| *x != field);
                                                    if on {
                                                        u.fields.push(field);
                                                    }
                                                }
                                            });
                                            wizard.save_now();
                                        } />
                                    <label for=input_id>{label}</label>
                                    {special.then(|| view! { <span class="tag tag--purple">"Special category"</span> })}
                                </div>
                            }
                        }
                    </For>
                </Show>
            </div>
            <FieldHelp path="use_cases.special_category_condition" />
        </FieldFrame>
    }
}
