//! The data section: datasets and fields from the catalogue with read and
//! write permission per field, search, and "select all" per dataset.

use leptos::prelude::*;

use crate::components::forms::FieldHelp;
use crate::domain::catalogue::{Dataset, DatasetKind};
use crate::domain::content::{DatasetChoice, Permission, RequestContent, TransactionalOperation};
use crate::pages::wizard::use_wizard;

fn permission(content: &RequestContent, dataset: &str, field: &str) -> Option<Permission> {
    content
        .data
        .iter()
        .find(|d| d.dataset == dataset)
        .and_then(|d| d.fields.get(field).copied())
}

fn choice_mut<'a>(content: &'a mut RequestContent, dataset: &str) -> &'a mut DatasetChoice {
    if let Some(index) = content.data.iter().position(|d| d.dataset == dataset) {
        return &mut content.data[index];
    }
    content.data.push(DatasetChoice {
        dataset: dataset.to_string(),
        ..Default::default()
    });
    content.data.last_mut().expect("just pushed")
}

/// Drops dataset choices left with no fields and no operations.
fn prune(content: &mut RequestContent) {
    content
        .data
        .retain(|d| !d.fields.is_empty() || !d.operations.is_empty());
}

fn set_flag(
    content: &mut RequestContent,
    dataset: &str,
    field: &str,
    read: Option<bool>,
    write: Option<bool>,
) {
    let current = permission(content, dataset, field);
    let read = read.unwrap_or(current.is_some_and(Permission::reads));
    let write = write.unwrap_or(current.is_some_and(Permission::writes));
    let choice = choice_mut(content, dataset);
    match Permission::from_flags(read, write) {
        Some(p) => {
            choice.fields.insert(field.to_string(), p);
        }
        None => {
            choice.fields.remove(field);
        }
    }
    prune(content);
}

#[component]
pub fn DataSection() -> impl IntoView {
    let wizard = use_wizard();
    let query = RwSignal::new(String::new());
    let datasets = wizard.catalogue.with_value(|c| c.datasets.clone());
    let chosen_count = move || wizard.content.with(|c| c.chosen_fields().len());
    view! {
        <p class="lead">"Choose the data your service collects from members' data stores (read) or delivers to them (write). Collect only what your use cases need."</p>
        <div class="field field--search">
            <label class="field__label" for="data-search">"Search datasets and fields"</label>
            <input id="data-search" class="input" type="search" prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev)) />
        </div>
        <p role="status" aria-live="polite" data-testid="chosen-count">{move || format!("{} fields chosen", chosen_count())}</p>
        <div id="f-data" class="datasets">
            {datasets.into_iter().map(|dataset| view! { <DatasetPanel dataset query /> }).collect_view()}
        </div>
    }
}

#[component]
fn DatasetPanel(dataset: Dataset, query: RwSignal<String>) -> impl IntoView {
    let wizard = use_wizard();
    let dataset_id = dataset.id.clone();
    let label = dataset.label.clone();
    let matches_dataset = {
        let dataset = dataset.clone();
        move || {
            let q = query.get().trim().to_lowercase();
            q.is_empty()
                || dataset.label.to_lowercase().contains(&q)
                || dataset
                    .fields
                    .iter()
                    .any(|f| f.label.to_lowercase().contains(&q))
        }
    };
    let select_all = {
        let dataset = dataset.clone();
        move |_| {
            let dataset = dataset.clone();
            wizard.edit(move |c| {
                for field in &dataset.fields {
                    set_flag(c, &dataset.id, &field.id, Some(true), None);
                }
            });
            wizard.save_now();
        }
    };
    let clear_all = {
        let dataset_id = dataset_id.clone();
        move |_| {
            let dataset_id = dataset_id.clone();
            wizard.edit(move |c| c.data.retain(|d| d.dataset != dataset_id));
            wizard.save_now();
        }
    };
    let heading_id = format!("dataset-{dataset_id}");
    let labelled_by = heading_id.clone();
    let kind = match dataset.kind {
        DatasetKind::Metadata => "One record per member",
        DatasetKind::Transactional => "Many rows per member",
    };
    let is_transactional = dataset.kind == DatasetKind::Transactional;
    view! {
        <section class="dataset" id=format!("f-data-{dataset_id}") aria-labelledby=labelled_by hidden=move || !matches_dataset()>
            <div class="dataset__header">
                <h2 class="dataset__title" id=heading_id>{label.clone()}</h2>
                <span class="caption">{kind}</span>
            </div>
            <div class="button-row">
                <button type="button" class="button button--secondary button--small" disabled=move || !wizard.editable()
                    aria-label=format!("Select all fields of {label} for reading") on:click=select_all>"Select all fields"</button>
                <button type="button" class="button button--secondary button--small" disabled=move || !wizard.editable()
                    aria-label=format!("Clear all fields of {label}") on:click=clear_all>"Clear"</button>
            </div>
            <table class="table table--fields">
                <caption class="visually-hidden">{format!("Fields of {label}")}</caption>
                <thead><tr>
                    <th scope="col">"Field"</th>
                    <th scope="col">"Read " <FieldHelp path="data.permissions" /></th>
                    <th scope="col">"Write"</th>
                </tr></thead>
                <tbody>
                    {dataset.fields.iter().map(|field| {
                        let field_label = field.label.clone();
                        let field_id = field.id.clone();
                        let q_label = field.label.to_lowercase();
                        let dataset_label = dataset.label.to_lowercase();
                        let visible = move || {
                            let q = query.get().trim().to_lowercase();
                            q.is_empty() || q_label.contains(&q) || dataset_label.contains(&q)
                        };
                        let row_id = format!("f-data-{field_id}");
                        view! {
                            <tr hidden=move || !visible() id=row_id>
                                <th scope="row">
                                    {field_label.clone()}
                                    {field.special_category.then(|| view! { <span class="tag tag--purple">"Special category"</span> })}
                                </th>
                                <td><PermissionBox dataset=dataset_id.clone() field=field_id.clone() label=field_label.clone() write=false /></td>
                                <td><PermissionBox dataset=dataset_id.clone() field=field_id.clone() label=field_label.clone() write=true /></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {is_transactional.then(|| view! { <Operations dataset=dataset_id.clone() label=label.clone() /> })}
        </section>
    }
}

#[component]
fn PermissionBox(dataset: String, field: String, label: String, write: bool) -> impl IntoView {
    let wizard = use_wizard();
    let (d, f) = (dataset.clone(), field.clone());
    let checked = move || {
        wizard.content.with(|c| {
            permission(c, &d, &f).is_some_and(|p| if write { p.writes() } else { p.reads() })
        })
    };
    let aria = format!("{} {label}", if write { "Write" } else { "Read" });
    view! {
        <input type="checkbox" class="checkbox__input" aria-label=aria disabled=move || !wizard.editable()
            prop:checked=checked
            on:change=move |ev| {
                let on = event_target_checked(&ev);
                let (dataset, field) = (dataset.clone(), field.clone());
                wizard.edit(move |c| {
                    if write {
                        set_flag(c, &dataset, &field, None, Some(on));
                    } else {
                        set_flag(c, &dataset, &field, Some(on), None);
                    }
                });
                wizard.save_now();
            } />
    }
}

#[component]
fn Operations(dataset: String, label: String) -> impl IntoView {
    let wizard = use_wizard();
    let path = format!("data.{dataset}.operations");
    let error_path = path.clone();
    view! {
        <fieldset class="fieldset" id=crate::components::forms::field_id(&path)>
            <legend class="field__label">{format!("Operations on {label}")} " " <FieldHelp path=path.clone() /></legend>
            <p class="field__error" hidden=move || wizard.field_error(&error_path).is_none()>{
                let error_path = path.clone();
                move || wizard.field_error(&error_path)
            }</p>
            <div class="checkbox-row">
                {TransactionalOperation::ALL.into_iter().map(|operation| {
                    let id = format!("op-{dataset}-{operation:?}");
                    let d = dataset.clone();
                    let d2 = dataset.clone();
                    view! {
                        <div class="checkbox">
                            <input type="checkbox" id=id.clone() disabled=move || !wizard.editable()
                                prop:checked=move || wizard.content.with(|c| c.data.iter().any(|x| x.dataset == d && x.operations.contains(&operation)))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let dataset = d2.clone();
                                    wizard.edit(move |c| {
                                        let choice = choice_mut(c, &dataset);
                                        choice.operations.retain(|o| *o != operation);
                                        if on {
                                            choice.operations.push(operation);
                                            choice.operations.sort();
                                        }
                                        prune(c);
                                    });
                                    wizard.save_now();
                                } />
                            <label for=id>{operation.label()}</label>
                        </div>
                    }
                }).collect_view()}
            </div>
        </fieldset>
    }
}
