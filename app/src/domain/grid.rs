//! Parameters of the connections grid (sorting, filtering, search and
//! paging) and what each row shows. Pure, so the page parses the URL with
//! the same rules that the server applies to its arguments.

use serde::{Deserialize, Serialize};

use super::environment::Environment;
use super::lifecycle::{self, Action, Role, State};
use crate::error::{AppError, FieldError};

/// Rows per page when the request names none.
pub const DEFAULT_PAGE_SIZE: u32 = 25;
/// Largest page size; larger requests are lowered to this.
pub const MAX_PAGE_SIZE: u32 = 100;
/// Longest search text, in characters.
pub const MAX_SEARCH_CHARS: usize = 200;

/// States that wait for staff: the staff queue's default filter.
pub const AWAITING_STAFF: [State; 4] = [
    State::Requested,
    State::InReview,
    State::Approved,
    State::PromotionRequested,
];

/// Whose connections the grid lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    /// The current organisation's connections, newest change first.
    Organisation,
    /// Every organisation's submitted connections, for staff, waiting
    /// longest first.
    Staff,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortColumn {
    Name,
    State,
    Deployed,
    Updated,
    Organisation,
}

impl SortColumn {
    pub const ALL: [SortColumn; 5] = [
        SortColumn::Name,
        SortColumn::State,
        SortColumn::Deployed,
        SortColumn::Updated,
        SortColumn::Organisation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SortColumn::Name => "name",
            SortColumn::State => "state",
            SortColumn::Deployed => "deployed",
            SortColumn::Updated => "updated",
            SortColumn::Organisation => "organisation",
        }
    }

    pub fn parse(text: &str) -> Option<SortColumn> {
        SortColumn::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortDirection {
    Ascending,
    Descending,
}

impl SortDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            SortDirection::Ascending => "asc",
            SortDirection::Descending => "desc",
        }
    }

    pub fn reversed(self) -> SortDirection {
        match self {
            SortDirection::Ascending => SortDirection::Descending,
            SortDirection::Descending => SortDirection::Ascending,
        }
    }

    /// Value of `aria-sort` on a sorted column header.
    pub fn aria_sort(self) -> &'static str {
        match self {
            SortDirection::Ascending => "ascending",
            SortDirection::Descending => "descending",
        }
    }
}

/// Which working-revision states to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StateFilter {
    One(State),
    /// Any of [`AWAITING_STAFF`].
    AwaitingStaff,
}

impl StateFilter {
    pub fn as_str(self) -> &'static str {
        match self {
            StateFilter::One(state) => state.as_str(),
            StateFilter::AwaitingStaff => "awaiting",
        }
    }

    pub fn states(self) -> Vec<State> {
        match self {
            StateFilter::One(state) => vec![state],
            StateFilter::AwaitingStaff => AWAITING_STAFF.to_vec(),
        }
    }
}

/// Where a connection must be deployed to be listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EnvironmentFilter {
    DeployedTo(Environment),
    NotDeployed,
}

impl EnvironmentFilter {
    pub fn as_str(self) -> &'static str {
        match self {
            EnvironmentFilter::DeployedTo(environment) => environment.as_str(),
            EnvironmentFilter::NotDeployed => "none",
        }
    }
}

/// The grid's parameters as text, as they arrive in the URL query or as
/// server function arguments. Every field may be missing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridParams {
    pub page: Option<String>,
    pub page_size: Option<String>,
    pub sort: Option<String>,
    pub dir: Option<String>,
    pub state: Option<String>,
    pub env: Option<String>,
    pub q: Option<String>,
}

/// Checked grid parameters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridQuery {
    /// 1-based.
    pub page: u32,
    /// In `1..=MAX_PAGE_SIZE`.
    pub page_size: u32,
    pub sort: SortColumn,
    pub direction: SortDirection,
    pub state: Option<StateFilter>,
    pub environment: Option<EnvironmentFilter>,
    /// Trimmed; empty matches every name.
    pub search: String,
}

impl GridQuery {
    pub fn default_for(scope: Scope) -> GridQuery {
        match scope {
            Scope::Organisation => GridQuery {
                page: 1,
                page_size: DEFAULT_PAGE_SIZE,
                sort: SortColumn::Updated,
                direction: SortDirection::Descending,
                state: None,
                environment: None,
                search: String::new(),
            },
            Scope::Staff => GridQuery {
                page: 1,
                page_size: DEFAULT_PAGE_SIZE,
                sort: SortColumn::Updated,
                direction: SortDirection::Ascending,
                state: Some(StateFilter::AwaitingStaff),
                environment: None,
                search: String::new(),
            },
        }
    }

    /// Checks grid parameters. A page below 1 becomes 1 and a page size
    /// outside `1..=MAX_PAGE_SIZE` is moved to the nearest bound, so an
    /// edited or old link still shows a page. Text that names no column,
    /// direction, state or environment, a number that is not a number and
    /// a search longer than [`MAX_SEARCH_CHARS`] are validation errors
    /// that name the parameter. An empty parameter means its default.
    pub fn parse(params: &GridParams, scope: Scope) -> Result<GridQuery, AppError> {
        let defaults = GridQuery::default_for(scope);
        let mut errors = Vec::new();
        let page = parse_number(&params.page, "page", &mut errors)
            .map(|n| n.clamp(1, i64::from(u32::MAX)) as u32)
            .unwrap_or(defaults.page);
        let page_size = parse_number(&params.page_size, "page_size", &mut errors)
            .map(|n| n.clamp(1, i64::from(MAX_PAGE_SIZE)) as u32)
            .unwrap_or(defaults.page_size);
        let sort = match present(&params.sort) {
            None => defaults.sort,
            Some(text) => SortColumn::parse(text)
                .filter(|c| *c != SortColumn::Organisation || scope == Scope::Staff)
                .unwrap_or_else(|| {
                    errors.push(FieldError::new(
                        "sort",
                        format!(
                            "Sort by one of: {}",
                            sort_columns(scope)
                                .map(SortColumn::as_str)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                    defaults.sort
                }),
        };
        let direction = match present(&params.dir) {
            None if present(&params.sort).is_some() => SortDirection::Ascending,
            None => defaults.direction,
            Some("asc") => SortDirection::Ascending,
            Some("desc") => SortDirection::Descending,
            Some(_) => {
                errors.push(FieldError::new("dir", "Sort direction must be asc or desc"));
                defaults.direction
            }
        };
        let state = match present(&params.state) {
            None => defaults.state,
            Some("any") => None,
            Some("awaiting") => Some(StateFilter::AwaitingStaff),
            Some(text) => match State::parse(text) {
                Some(state) => Some(StateFilter::One(state)),
                None => {
                    errors.push(FieldError::new(
                        "state",
                        "Choose a state from the list, such as draft or live",
                    ));
                    defaults.state
                }
            },
        };
        let environment = match present(&params.env) {
            None | Some("any") => None,
            Some("none") => Some(EnvironmentFilter::NotDeployed),
            Some(text) => match Environment::parse(text) {
                Some(environment) => Some(EnvironmentFilter::DeployedTo(environment)),
                None => {
                    errors.push(FieldError::new(
                        "env",
                        "Environment must be sandbox, live or none",
                    ));
                    None
                }
            },
        };
        let search = params.q.as_deref().unwrap_or("").trim().to_string();
        let length = search.chars().count();
        if length > MAX_SEARCH_CHARS {
            errors.push(FieldError::new(
                "q",
                format!(
                    "Shorten the search to at most {MAX_SEARCH_CHARS} characters (it has {length})"
                ),
            ));
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok(GridQuery {
            page,
            page_size,
            sort,
            direction,
            state,
            environment,
            search,
        })
    }

    /// Returns the number of rows before this page.
    pub fn offset(&self) -> i64 {
        (i64::from(self.page) - 1) * i64::from(self.page_size)
    }

    /// Returns the parameters that differ from the scope's defaults, as
    /// URL query pairs, so that links stay short and a reload shows the
    /// same view.
    pub fn to_pairs(&self, scope: Scope) -> Vec<(&'static str, String)> {
        let defaults = GridQuery::default_for(scope);
        let mut pairs = Vec::new();
        if !self.search.is_empty() {
            pairs.push(("q", self.search.clone()));
        }
        if self.state != defaults.state {
            let text = self.state.map(StateFilter::as_str).unwrap_or("any");
            pairs.push(("state", text.to_string()));
        }
        if let Some(environment) = self.environment {
            pairs.push(("env", environment.as_str().to_string()));
        }
        if self.sort != defaults.sort || self.direction != defaults.direction {
            pairs.push(("sort", self.sort.as_str().to_string()));
            pairs.push(("dir", self.direction.as_str().to_string()));
        }
        if self.page_size != defaults.page_size {
            pairs.push(("page_size", self.page_size.to_string()));
        }
        if self.page != 1 {
            pairs.push(("page", self.page.to_string()));
        }
        pairs
    }

    /// Returns the same view as raw parameters, for a server function call.
    pub fn to_params(&self) -> GridParams {
        GridParams {
            page: Some(self.page.to_string()),
            page_size: Some(self.page_size.to_string()),
            sort: Some(self.sort.as_str().to_string()),
            dir: Some(self.direction.as_str().to_string()),
            state: Some(
                self.state
                    .map(StateFilter::as_str)
                    .unwrap_or("any")
                    .to_string(),
            ),
            env: Some(
                self.environment
                    .map(EnvironmentFilter::as_str)
                    .unwrap_or("any")
                    .to_string(),
            ),
            q: Some(self.search.clone()),
        }
    }
}

/// Returns `path` with the query's non-default parameters as a
/// percent-encoded query string.
pub fn href(path: &str, query: &GridQuery, scope: Scope) -> String {
    let pairs = query.to_pairs(scope);
    if pairs.is_empty() {
        return path.to_string();
    }
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(key, value)| format!("{key}={}", percent_encode(value)))
        .collect();
    format!("{path}?{}", encoded.join("&"))
}

/// Percent-encodes every byte except RFC 3986 unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// Columns a scope may sort by: only staff see the organisation column.
pub fn sort_columns(scope: Scope) -> impl Iterator<Item = SortColumn> {
    SortColumn::ALL
        .into_iter()
        .filter(move |c| *c != SortColumn::Organisation || scope == Scope::Staff)
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn parse_number(value: &Option<String>, field: &str, errors: &mut Vec<FieldError>) -> Option<i64> {
    let text = present(value)?;
    match text.parse::<i64>() {
        Ok(number) => Some(number),
        Err(_) => {
            errors.push(FieldError::new(
                field,
                format!("{field} must be a whole number, like 2"),
            ));
            None
        }
    }
}

/// Returns a search text as an `ILIKE` pattern that matches it anywhere
/// in a name. `%`, `_` and `\` are escaped with `\`, so they match
/// themselves.
pub fn like_pattern(search: &str) -> String {
    let mut pattern = String::with_capacity(search.len() + 2);
    pattern.push('%');
    for c in search.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Returns the number of pages needed for `total` rows, at least 1.
pub fn page_count(total: i64, page_size: u32) -> u32 {
    let size = i64::from(page_size.max(1));
    let pages = (total.max(0) + size - 1) / size;
    pages.clamp(1, i64::from(u32::MAX)) as u32
}

/// The revision deployed in one environment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeployedRevision {
    pub environment: Environment,
    pub revision_number: i32,
}

/// Describes where a connection runs and where its working revision is,
/// such as "Live v2, v3 in review". The working revision is named only
/// when no environment runs it.
pub fn deployment_summary(
    deployed: &[DeployedRevision],
    working_number: i32,
    working_state: State,
) -> String {
    let mut parts: Vec<String> = Environment::ALL
        .iter()
        .rev()
        .filter_map(|environment| {
            deployed
                .iter()
                .find(|d| d.environment == *environment)
                .map(|d| format!("{} v{}", environment.label(), d.revision_number))
        })
        .collect();
    let working_deployed = deployed.iter().any(|d| d.revision_number == working_number);
    if !working_deployed {
        let state = working_state.label().to_lowercase();
        parts.push(format!("v{working_number} {state}"));
    } else if parts.is_empty() {
        parts.push(format!("v{working_number}"));
    }
    parts.join(", ")
}

/// An action a grid row offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RowAction {
    View,
    Print,
    /// Open the wizard on a draft, or start a draft from a request that
    /// changes were asked for or from a deployed connection.
    Edit,
    Clone,
    RequestPromotion,
    /// Withdraw a submitted request to Draft, or withdraw a promotion
    /// request.
    Withdraw,
    DeleteDraft,
}

impl RowAction {
    pub fn label(self) -> &'static str {
        match self {
            RowAction::View => "View",
            RowAction::Print => "Print",
            RowAction::Edit => "Edit",
            RowAction::Clone => "Clone",
            RowAction::RequestPromotion => "Request promotion to live",
            RowAction::Withdraw => "Withdraw",
            RowAction::DeleteDraft => "Delete draft",
        }
    }
}

/// Lists the row actions `role` may take on a connection whose working
/// revision is in `state`, from the lifecycle rules. View and Print are
/// always offered. `ever_submitted` is connection-wide, as in
/// [`lifecycle::Context::ever_submitted`].
pub fn row_actions(state: State, role: Role, ever_submitted: bool) -> Vec<RowAction> {
    let context = lifecycle::Context {
        ever_submitted,
        ..lifecycle::Context::default()
    };
    let allowed = lifecycle::allowed_actions(state, role, &context);
    let mut actions = vec![RowAction::View, RowAction::Print];
    let withdraws_request = matches!(state, State::Requested | State::InReview);
    if allowed.contains(&Action::Edit) && !withdraws_request {
        actions.push(RowAction::Edit);
    }
    if allowed.contains(&Action::Clone) {
        actions.push(RowAction::Clone);
    }
    if allowed.contains(&Action::RequestPromotion) {
        actions.push(RowAction::RequestPromotion);
    }
    let withdraws = (allowed.contains(&Action::Edit) && withdraws_request)
        || allowed.contains(&Action::WithdrawPromotion);
    if withdraws {
        actions.push(RowAction::Withdraw);
    }
    if allowed.contains(&Action::Delete) {
        actions.push(RowAction::DeleteDraft);
    }
    actions
}

#[cfg(test)]
mod tests;
