//! The connections grid: search, filters, sortable columns, row actions
//! and pages. Its parameters live in the URL query, so a reload or a
//! shared link shows the same view. Subscribers see their organisation's
//! connections; staff see every organisation's, with an organisation and
//! an age column.

use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::{use_location, use_query_map};

use crate::api::connections::{DeleteDraft, EditRequest};
use crate::api::deployments::WithdrawPromotion;
use crate::api::grid::{connection_grid, staff_grid, GridPage};
use crate::components::grid_actions::{CloneDialog, CloneTarget, RowActions};
use crate::components::layout::ErrorPanel;
use crate::domain::grid::{
    href, page_count, GridParams, GridQuery, Scope, SortColumn, SortDirection, StateFilter,
};
use crate::domain::lifecycle::State;
use crate::error::AppError;

/// Server actions a row can start; the grid reloads after each one.
#[derive(Clone, Copy)]
pub struct GridActions {
    pub edit: ServerAction<EditRequest>,
    pub withdraw_promotion: ServerAction<WithdrawPromotion>,
    pub delete: ServerAction<DeleteDraft>,
    pub clone_target: RwSignal<Option<CloneTarget>>,
}

async fn fetch(scope: Scope, query: GridQuery) -> Result<GridPage, AppError> {
    let p = query.to_params();
    match scope {
        Scope::Organisation => {
            connection_grid(p.page, p.page_size, p.sort, p.dir, p.state, p.env, p.q).await
        }
        Scope::Staff => staff_grid(p.page, p.page_size, p.sort, p.dir, p.state, p.env, p.q).await,
    }
}

#[component]
pub fn ManageGrid(
    scope: Scope,
    /// The signed-in subscriber's organisations, offered as clone targets.
    #[prop(optional)]
    organisations: Vec<crate::api::accounts::OrganisationMembership>,
    #[prop(optional)] current_organisation: Option<uuid::Uuid>,
) -> impl IntoView {
    let query_map = use_query_map();
    let path = use_location().pathname;
    let parsed = Memo::new(move |_| {
        let map = query_map.get();
        let params = GridParams {
            page: map.get("page"),
            page_size: map.get("page_size"),
            sort: map.get("sort"),
            dir: map.get("dir"),
            state: map.get("state"),
            env: map.get("env"),
            q: map.get("q"),
        };
        GridQuery::parse(&params, scope)
    });
    let actions = GridActions {
        edit: ServerAction::<EditRequest>::new(),
        withdraw_promotion: ServerAction::<WithdrawPromotion>::new(),
        delete: ServerAction::<DeleteDraft>::new(),
        clone_target: RwSignal::new(None),
    };
    let data = Resource::new(
        move || {
            (
                parsed.get(),
                actions.withdraw_promotion.version().get(),
                actions.delete.version().get(),
            )
        },
        move |(parsed, _, _)| async move {
            match parsed {
                Ok(query) => fetch(scope, query).await,
                Err(error) => Err(error),
            }
        },
    );
    let action_error = move || {
        let failed = |r: Option<Result<(), AppError>>| r.and_then(|r| r.err());
        failed(actions.edit.value().get())
            .or_else(|| failed(actions.withdraw_promotion.value().get()))
            .or_else(|| failed(actions.delete.value().get()))
            .map(|e| e.to_string())
    };
    view! {
        <Show when=move || scope == Scope::Organisation>
            <CloneDialog target=actions.clone_target organisations=organisations.clone() current_organisation />
        </Show>
        {move || action_error().map(|message| view! {
            <div class="notice notice--error" role="alert"><p>{message}</p></div>
        })}
        <Transition fallback=|| view! { <p class="loading">"Loading connections..."</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(AppError::Validation(errors)) => view! {
                        <InvalidParams errors path=path.get_untracked() />
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    Ok(page) => view! { <GridBody page scope path=path.get_untracked() actions /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Explains which search or filter values in the address are invalid,
/// such as an edited or outdated link.
#[component]
fn InvalidParams(errors: Vec<crate::error::FieldError>, path: String) -> impl IntoView {
    crate::components::layout::set_status(422);
    view! {
        <div class="panel panel--error" role="alert">
            <h2>"The search or filters in this address are not valid"</h2>
            <ul>{errors.into_iter().map(|e| view! { <li>{e.message}</li> }).collect_view()}</ul>
            <p><A href=path>"Clear the search and filters"</A></p>
        </div>
    }
}

#[component]
fn GridBody(page: GridPage, scope: Scope, path: String, actions: GridActions) -> impl IntoView {
    let query = page.query.clone();
    let filtered = query.state != GridQuery::default_for(scope).state
        || query.environment.is_some()
        || !query.search.is_empty();
    if page.total == 0 && !filtered {
        return view! { <EmptyState scope /> }.into_any();
    }
    let first = query.offset() + 1;
    let last = query.offset() + page.rows.len() as i64;
    let summary = if page.total == 0 {
        "No connections match the search and filters.".to_string()
    } else {
        format!("Showing {first} to {last} of {} connections", page.total)
    };
    view! {
        <Filters query=query.clone() scope path=path.clone() />
        <p class="grid-summary" role="status" data-testid="grid-summary">{summary}</p>
        {(page.total == 0).then(|| view! {
            <p><A href=path.clone()>"Clear the search and filters"</A></p>
        })}
        {(page.total > 0).then(|| view! {
            <GridTable page=page.clone() scope path=path.clone() actions />
            <Pagination query=query.clone() total=page.total scope path=path.clone() />
        })}
    }
    .into_any()
}

#[component]
fn EmptyState(scope: Scope) -> impl IntoView {
    match scope {
        Scope::Organisation => view! {
            <div class="panel empty-state">
                <h2>"No connections yet"</h2>
                <p>"A dedicated connection links one of your services to members' personal data stores. Start by describing the service and the data it needs."</p>
                <A href="/connections/new" attr:class="button">"Create new connection"</A>
            </div>
        }
        .into_any(),
        Scope::Staff => view! {
            <p class="empty-state">"No requests are waiting. New requests appear here when subscribers submit them."</p>
        }
        .into_any(),
    }
}

/// Search and filter controls. Submitting navigates to the same page with
/// the new parameters and the first page.
#[component]
fn Filters(query: GridQuery, scope: Scope, path: String) -> impl IntoView {
    let state_value = query.state.map(StateFilter::as_str).unwrap_or("any");
    let env_value = query.environment.map(|e| e.as_str()).unwrap_or("any");
    let mut state_options = vec![
        ("any", "Any state"),
        ("awaiting", "Waiting for the operator"),
    ];
    state_options.extend(State::ALL.iter().map(|s| (s.as_str(), s.label())));
    let env_options = [
        ("any", "Any environment"),
        ("sandbox", "Deployed on sandbox"),
        ("live", "Deployed on live"),
        ("none", "Not deployed"),
    ];
    let defaults = GridQuery::default_for(scope);
    let sorted = (query.sort, query.direction) != (defaults.sort, defaults.direction);
    let sized = query.page_size != defaults.page_size;
    view! {
        <Form method="GET" action=path attr:class="grid-filters" attr:role="search" attr:aria-label="Search and filter connections">
            <div class="field grid-filters__search">
                <label class="field__label" for="grid-q">"Search by name"</label>
                <input class="input" id="grid-q" name="q" type="search" value=query.search.clone()
                    maxlength=crate::domain::grid::MAX_SEARCH_CHARS.to_string() />
            </div>
            <div class="field">
                <label class="field__label" for="grid-state">"State"</label>
                <select class="input input--select" id="grid-state" name="state">
                    {state_options.into_iter().map(|(value, label)| view! {
                        <option value=value selected=value == state_value>{label}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label class="field__label" for="grid-env">"Environment"</label>
                <select class="input input--select" id="grid-env" name="env">
                    {env_options.into_iter().map(|(value, label)| view! {
                        <option value=value selected=value == env_value>{label}</option>
                    }).collect_view()}
                </select>
            </div>
            {sorted.then(|| view! {
                <input type="hidden" name="sort" value=query.sort.as_str() />
                <input type="hidden" name="dir" value=query.direction.as_str() />
            })}
            {sized.then(|| view! {
                <input type="hidden" name="page_size" value=query.page_size.to_string() />
            })}
            <button type="submit" class="button grid-filters__submit">"Apply"</button>
        </Form>
    }
}

/// A column header that sorts by its column; choosing the sorted column
/// again reverses the order.
#[component]
fn SortHeader(
    column: SortColumn,
    label: &'static str,
    query: GridQuery,
    scope: Scope,
    path: String,
) -> impl IntoView {
    let sorted = query.sort == column;
    let mut next = query.clone();
    next.sort = column;
    next.page = 1;
    next.direction = if sorted {
        query.direction.reversed()
    } else {
        SortDirection::Ascending
    };
    let indicator = match (sorted, query.direction) {
        (false, _) => "",
        (true, SortDirection::Ascending) => " ▲",
        (true, SortDirection::Descending) => " ▼",
    };
    let hint = match next.direction {
        SortDirection::Ascending => "sort ascending",
        SortDirection::Descending => "sort descending",
    };
    view! {
        <th scope="col" aria-sort=sorted.then(|| query.direction.aria_sort())>
            <A href=href(&path, &next, scope) attr:class="grid__sort">
                {label}
                <span aria-hidden="true">{indicator}</span>
                <span class="visually-hidden">{format!(", {hint}")}</span>
            </A>
        </th>
    }
}

#[component]
fn GridTable(page: GridPage, scope: Scope, path: String, actions: GridActions) -> impl IntoView {
    let query = page.query.clone();
    let header = move |column: SortColumn, label: &'static str| {
        view! { <SortHeader column label query=query.clone() scope path=path.clone() /> }
    };
    let staff = scope == Scope::Staff;
    let role = page.role;
    view! {
        <div class="table-scroll">
            <table class="table grid" data-testid="connections-grid">
                <caption class="visually-hidden">
                    {if staff { "Connections of every organisation" } else { "Your organisation's connections" }}
                    ". Column headers sort the table. Up and down arrow keys move between rows."
                </caption>
                <thead><tr>
                    {header(SortColumn::Name, "Name")}
                    {staff.then(|| header(SortColumn::Organisation, "Organisation"))}
                    {header(SortColumn::State, "State")}
                    {header(SortColumn::Deployed, "Deployed")}
                    {header(SortColumn::Updated, if staff { "Waiting since" } else { "Last change" })}
                    {staff.then(|| view! { <th scope="col">"Age"</th> })}
                    <th scope="col" class="grid__actions-heading">"Actions"</th>
                </tr></thead>
                <tbody on:keydown=move_between_rows>
                    {page.rows.into_iter().map(|row| {
                        let link = if staff {
                            format!("/staff/requests/{}", row.connection_id)
                        } else {
                            format!("/connections/{}", row.connection_id)
                        };
                        let name = row.name.clone();
                        let organisation_name = row.organisation_name.clone();
                        view! {
                            <tr data-testid="grid-row">
                                <th scope="row"><a href=link>{name}</a></th>
                                {staff.then(|| view! { <td>{organisation_name}</td> })}
                                <td><span class=row.state.css_class()>{row.state.label()}</span></td>
                                <td>{row.deployment_summary()}</td>
                                <td>{format!("{} UTC", row.updated_at)}<br /><span class="caption">{format!("by {}", row.updated_by)}</span></td>
                                {staff.then(|| view! { <td>{format!("{} days", row.age_days)}</td> })}
                                <td class="grid__actions"><RowActions row=row.clone() role actions /></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// Moves focus to the first link of the next or previous row on the down
/// or up arrow key, so a keyboard user can scan the rows without tabbing
/// through every action.
fn move_between_rows(event: leptos::ev::KeyboardEvent) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let down = match event.key().as_str() {
            "ArrowDown" => true,
            "ArrowUp" => false,
            _ => return,
        };
        let Some(target) = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let Ok(Some(row)) = target.closest("tr") else {
            return;
        };
        let sibling = if down {
            row.next_element_sibling()
        } else {
            row.previous_element_sibling()
        };
        let link = sibling
            .and_then(|s| s.query_selector("a").ok().flatten())
            .and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(link) = link {
            event.prevent_default();
            let _ = link.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = event;
}

#[component]
fn Pagination(query: GridQuery, total: i64, scope: Scope, path: String) -> impl IntoView {
    let pages = page_count(total, query.page_size);
    let link = |page: u32| {
        let mut target = query.clone();
        target.page = page;
        href(&path, &target, scope)
    };
    let previous = (query.page > 1).then(|| link(query.page - 1));
    let next = (query.page < pages).then(|| link(query.page + 1));
    (pages > 1).then(|| view! {
        <nav class="pagination" aria-label="Pages of connections">
            {previous.map(|href| view! { <A href=href attr:rel="prev" attr:class="pagination__link">"Previous page"</A> })}
            <span class="pagination__current" aria-current="page">{format!("Page {} of {pages}", query.page)}</span>
            {next.map(|href| view! { <A href=href attr:rel="next" attr:class="pagination__link">"Next page"</A> })}
        </nav>
    })
}
