use super::*;

fn params(pairs: &[(&str, &str)]) -> GridParams {
    let mut params = GridParams::default();
    for (key, value) in pairs {
        let value = Some(value.to_string());
        match *key {
            "page" => params.page = value,
            "page_size" => params.page_size = value,
            "sort" => params.sort = value,
            "dir" => params.dir = value,
            "state" => params.state = value,
            "env" => params.env = value,
            "q" => params.q = value,
            other => panic!("unknown parameter {other}"),
        }
    }
    params
}

fn parse(pairs: &[(&str, &str)]) -> Result<GridQuery, AppError> {
    GridQuery::parse(&params(pairs), Scope::Organisation)
}

fn error_fields(result: Result<GridQuery, AppError>) -> Vec<String> {
    match result {
        Err(AppError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn missing_params_give_defaults() {
    let query = parse(&[]).unwrap();
    assert_eq!(query, GridQuery::default_for(Scope::Organisation));
    assert_eq!(query.page_size, DEFAULT_PAGE_SIZE);
    assert_eq!(query.sort, SortColumn::Updated);
    assert_eq!(query.direction, SortDirection::Descending);
}

#[test]
fn staff_default_is_awaiting_oldest_first() {
    let query = GridQuery::parse(&GridParams::default(), Scope::Staff).unwrap();
    assert_eq!(query.state, Some(StateFilter::AwaitingStaff));
    assert_eq!(query.direction, SortDirection::Ascending);
}

#[test]
fn page_below_one_becomes_one() {
    for page in ["0", "-1", "-9223372036854775808"] {
        assert_eq!(parse(&[("page", page)]).unwrap().page, 1, "page {page}");
    }
}

#[test]
fn page_size_is_clamped() {
    assert_eq!(
        parse(&[("page_size", "100000")]).unwrap().page_size,
        MAX_PAGE_SIZE
    );
    assert_eq!(parse(&[("page_size", "0")]).unwrap().page_size, 1);
    assert_eq!(parse(&[("page_size", "-5")]).unwrap().page_size, 1);
    assert_eq!(parse(&[("page_size", "50")]).unwrap().page_size, 50);
}

#[test]
fn huge_page_does_not_overflow_offset() {
    let query = parse(&[("page", "99999999999"), ("page_size", "100")]).unwrap();
    assert_eq!(query.page, u32::MAX);
    assert!(query.offset() > 0);
}

#[test]
fn non_numeric_page_is_an_error() {
    assert_eq!(error_fields(parse(&[("page", "two")])), ["page"]);
    assert_eq!(error_fields(parse(&[("page_size", "1e9")])), ["page_size"]);
}

#[test]
fn unknown_sort_is_an_error() {
    assert_eq!(error_fields(parse(&[("sort", "password_hash")])), ["sort"]);
    assert_eq!(
        error_fields(parse(&[("sort", "name; DROP TABLE users")])),
        ["sort"]
    );
}

#[test]
fn organisation_sort_is_for_staff_only() {
    assert_eq!(error_fields(parse(&[("sort", "organisation")])), ["sort"]);
    let staff = GridQuery::parse(&params(&[("sort", "organisation")]), Scope::Staff).unwrap();
    assert_eq!(staff.sort, SortColumn::Organisation);
}

#[test]
fn sort_without_direction_is_ascending() {
    let query = parse(&[("sort", "name")]).unwrap();
    assert_eq!(query.direction, SortDirection::Ascending);
    let query = parse(&[("sort", "name"), ("dir", "desc")]).unwrap();
    assert_eq!(query.direction, SortDirection::Descending);
    assert_eq!(error_fields(parse(&[("dir", "sideways")])), ["dir"]);
}

#[test]
fn state_and_environment_filters_parse() {
    let query = parse(&[("state", "live"), ("env", "sandbox")]).unwrap();
    assert_eq!(query.state, Some(StateFilter::One(State::Live)));
    assert_eq!(
        query.environment,
        Some(EnvironmentFilter::DeployedTo(Environment::Sandbox))
    );
    let query = parse(&[("state", "awaiting"), ("env", "none")]).unwrap();
    assert_eq!(query.state, Some(StateFilter::AwaitingStaff));
    assert_eq!(query.environment, Some(EnvironmentFilter::NotDeployed));
    let any = GridQuery::parse(&params(&[("state", "any")]), Scope::Staff).unwrap();
    assert_eq!(any.state, None);
    assert_eq!(error_fields(parse(&[("state", "gone")])), ["state"]);
    assert_eq!(error_fields(parse(&[("env", "production")])), ["env"]);
}

#[test]
fn long_search_is_an_error() {
    let at_limit = "a".repeat(MAX_SEARCH_CHARS);
    assert_eq!(parse(&[("q", &at_limit)]).unwrap().search, at_limit);
    let too_long = "é".repeat(MAX_SEARCH_CHARS + 1);
    assert_eq!(error_fields(parse(&[("q", &too_long)])), ["q"]);
}

#[test]
fn every_problem_is_reported() {
    let fields = error_fields(parse(&[
        ("sort", "x"),
        ("state", "y"),
        ("q", &"z".repeat(10_000)),
    ]));
    assert_eq!(fields, ["sort", "state", "q"]);
}

#[test]
fn search_is_trimmed_text() {
    let query = parse(&[("q", "  <b>x</b>' OR 1=1 --  ")]).unwrap();
    assert_eq!(query.search, "<b>x</b>' OR 1=1 --");
}

#[test]
fn like_pattern_escapes_wildcards() {
    assert_eq!(like_pattern("blue"), "%blue%");
    assert_eq!(like_pattern("100%_a\\b"), "%100\\%\\_a\\\\b%");
    assert_eq!(like_pattern(""), "%%");
}

#[test]
fn query_pairs_round_trip() {
    for scope in [Scope::Organisation, Scope::Staff] {
        let query = GridQuery {
            page: 3,
            page_size: 50,
            sort: SortColumn::Name,
            direction: SortDirection::Descending,
            state: Some(StateFilter::One(State::Sandbox)),
            environment: Some(EnvironmentFilter::NotDeployed),
            search: "blue & green".into(),
        };
        let mut params = GridParams::default();
        for (key, value) in query.to_pairs(scope) {
            let value = Some(value);
            match key {
                "page" => params.page = value,
                "page_size" => params.page_size = value,
                "sort" => params.sort = value,
                "dir" => params.dir = value,
                "state" => params.state = value,
                "env" => params.env = value,
                "q" => params.q = value,
                other => panic!("unknown key {other}"),
            }
        }
        assert_eq!(GridQuery::parse(&params, scope).unwrap(), query);
        assert_eq!(GridQuery::parse(&query.to_params(), scope).unwrap(), query);
    }
}

#[test]
fn default_query_has_no_pairs() {
    for scope in [Scope::Organisation, Scope::Staff] {
        assert!(GridQuery::default_for(scope).to_pairs(scope).is_empty());
    }
}

#[test]
fn page_count_rounds_up() {
    assert_eq!(page_count(0, 25), 1);
    assert_eq!(page_count(25, 25), 1);
    assert_eq!(page_count(26, 25), 2);
    assert_eq!(page_count(120, 25), 5);
}

fn deployed(environment: Environment, revision_number: i32) -> DeployedRevision {
    DeployedRevision {
        environment,
        revision_number,
    }
}

#[test]
fn summary_names_live_then_sandbox_then_working() {
    let both = [
        deployed(Environment::Sandbox, 3),
        deployed(Environment::Live, 2),
    ];
    assert_eq!(
        deployment_summary(&both, 3, State::Sandbox),
        "Live v2, Sandbox v3"
    );
    let live = [deployed(Environment::Live, 2)];
    assert_eq!(
        deployment_summary(&live, 3, State::InReview),
        "Live v2, v3 in review"
    );
    assert_eq!(deployment_summary(&[], 1, State::Draft), "v1 draft");
    assert_eq!(deployment_summary(&live, 2, State::Live), "Live v2");
}

#[test]
fn row_actions_follow_lifecycle() {
    use RowAction as R;
    let user = Role::SubscriberUser;
    assert_eq!(
        row_actions(State::Draft, user, false),
        [R::View, R::Print, R::Edit, R::Clone, R::DeleteDraft]
    );
    assert_eq!(
        row_actions(State::Draft, user, true),
        [R::View, R::Print, R::Edit, R::Clone]
    );
    assert_eq!(
        row_actions(State::Requested, user, true),
        [R::View, R::Print, R::Clone, R::Withdraw]
    );
    assert_eq!(
        row_actions(State::InReview, user, true),
        [R::View, R::Print, R::Clone, R::Withdraw]
    );
    assert_eq!(
        row_actions(State::Sandbox, user, true),
        [R::View, R::Print, R::Edit, R::Clone, R::RequestPromotion]
    );
    assert_eq!(
        row_actions(State::PromotionRequested, user, true),
        [R::View, R::Print, R::Clone, R::Withdraw]
    );
    assert_eq!(
        row_actions(State::Rejected, user, true),
        [R::View, R::Print, R::Clone]
    );
    assert_eq!(
        row_actions(State::Approved, user, true),
        [R::View, R::Print, R::Clone]
    );
}

#[test]
fn staff_rows_only_view_and_print() {
    for state in State::ALL {
        for role in [Role::StaffReviewer, Role::OperatorAdmin] {
            assert_eq!(
                row_actions(state, role, true),
                [RowAction::View, RowAction::Print],
                "{state:?} {role:?}"
            );
        }
    }
}

#[test]
fn every_row_offers_view_and_print() {
    for state in State::ALL {
        for role in Role::ALL {
            for ever_submitted in [false, true] {
                let actions = row_actions(state, role, ever_submitted);
                assert_eq!(actions[..2], [RowAction::View, RowAction::Print]);
            }
        }
    }
}

#[test]
fn href_encodes_search() {
    let mut query = GridQuery::default_for(Scope::Organisation);
    assert_eq!(
        href("/connections", &query, Scope::Organisation),
        "/connections"
    );
    query.search = "a&b=c é".into();
    query.page = 2;
    assert_eq!(
        href("/connections", &query, Scope::Organisation),
        "/connections?q=a%26b%3Dc%20%C3%A9&page=2"
    );
}
