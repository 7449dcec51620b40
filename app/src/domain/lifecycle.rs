//! The lifecycle of a connection's working revision: which role may take
//! which action in which state, and what the server must do when it does.
//!
//! The rules are pure (no I/O). The server calls [`apply`], performs the
//! returned [`Effect`]s and writes the new state with its audit event in one
//! database transaction. The UI calls [`allowed_actions`] and
//! [`is_available`] to decide which buttons to show.

use serde::{Deserialize, Serialize};

use super::environment::Environment;

mod rejection;

pub use rejection::Rejection;

/// State of a connection's working revision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Draft,
    Requested,
    InReview,
    ChangesRequested,
    Rejected,
    Approved,
    Sandbox,
    PromotionRequested,
    Live,
    Suspended,
}

impl State {
    pub const ALL: [State; 10] = [
        State::Draft,
        State::Requested,
        State::InReview,
        State::ChangesRequested,
        State::Rejected,
        State::Approved,
        State::Sandbox,
        State::PromotionRequested,
        State::Live,
        State::Suspended,
    ];

    /// Returns the text stored in the database, which is also the serde name.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Requested => "requested",
            State::InReview => "in_review",
            State::ChangesRequested => "changes_requested",
            State::Rejected => "rejected",
            State::Approved => "approved",
            State::Sandbox => "sandbox",
            State::PromotionRequested => "promotion_requested",
            State::Live => "live",
            State::Suspended => "suspended",
        }
    }

    pub fn parse(text: &str) -> Option<State> {
        State::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Returns the words of the status tag, the same everywhere in the UI.
    pub fn label(self) -> &'static str {
        match self {
            State::Draft => "Draft",
            State::Requested => "Requested",
            State::InReview => "In review",
            State::ChangesRequested => "Changes requested",
            State::Rejected => "Rejected",
            State::Approved => "Approved",
            State::Sandbox => "Sandbox",
            State::PromotionRequested => "Promotion requested",
            State::Live => "Live",
            State::Suspended => "Suspended",
        }
    }

    /// CSS classes of the status tag. Grey is being written, blue is
    /// waiting for staff, orange is waiting for the subscriber, green is
    /// approved or deployed and red is stopped. The label always carries
    /// the state as well, so colour is never the only signal.
    pub fn css_class(self) -> &'static str {
        match self {
            State::Draft => "tag tag--grey",
            State::Requested | State::InReview | State::PromotionRequested => "tag tag--blue",
            State::ChangesRequested => "tag tag--orange",
            State::Rejected | State::Suspended => "tag tag--red",
            State::Approved | State::Sandbox | State::Live => "tag tag--green",
        }
    }

    /// Returns whether the subscriber may save changes to the revision's
    /// content. Only a draft is editable. Every other state needs an Edit
    /// transition first.
    pub fn is_editable(self) -> bool {
        self == State::Draft
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    SubscriberUser,
    SubscriberAdmin,
    StaffReviewer,
    OperatorAdmin,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::SubscriberUser,
        Role::SubscriberAdmin,
        Role::StaffReviewer,
        Role::OperatorAdmin,
    ];

    /// Returns the text stored in the database, which is also the serde name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::SubscriberUser => "subscriber_user",
            Role::SubscriberAdmin => "subscriber_admin",
            Role::StaffReviewer => "staff_reviewer",
            Role::OperatorAdmin => "operator_admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::SubscriberUser => "Subscriber user",
            Role::SubscriberAdmin => "Subscriber admin",
            Role::StaffReviewer => "Staff reviewer",
            Role::OperatorAdmin => "Operator admin",
        }
    }

    pub fn is_staff(self) -> bool {
        matches!(self, Role::StaffReviewer | Role::OperatorAdmin)
    }

    pub fn is_subscriber(self) -> bool {
        matches!(self, Role::SubscriberUser | Role::SubscriberAdmin)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Submit,
    Delete,
    Edit,
    StartReview,
    RequestChanges,
    Reject,
    Approve,
    DeployToSandbox,
    RequestPromotion,
    Promote,
    DeclinePromotion,
    WithdrawPromotion,
    Suspend,
    Reinstate,
    Clone,
}

impl Action {
    pub const ALL: [Action; 15] = [
        Action::Submit,
        Action::Delete,
        Action::Edit,
        Action::StartReview,
        Action::RequestChanges,
        Action::Reject,
        Action::Approve,
        Action::DeployToSandbox,
        Action::RequestPromotion,
        Action::Promote,
        Action::DeclinePromotion,
        Action::WithdrawPromotion,
        Action::Suspend,
        Action::Reinstate,
        Action::Clone,
    ];

    /// Returns the text used in audit events, which is also the serde name.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Delete => "delete",
            Action::Edit => "edit",
            Action::StartReview => "start_review",
            Action::RequestChanges => "request_changes",
            Action::Reject => "reject",
            Action::Approve => "approve",
            Action::DeployToSandbox => "deploy_to_sandbox",
            Action::RequestPromotion => "request_promotion",
            Action::Promote => "promote",
            Action::DeclinePromotion => "decline_promotion",
            Action::WithdrawPromotion => "withdraw_promotion",
            Action::Suspend => "suspend",
            Action::Reinstate => "reinstate",
            Action::Clone => "clone",
        }
    }

    pub fn parse(text: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == text)
    }

    /// Button text.
    pub fn label(self) -> &'static str {
        match self {
            Action::Submit => "Submit request",
            Action::Delete => "Delete draft",
            Action::Edit => "Edit",
            Action::StartReview => "Start review",
            Action::RequestChanges => "Request changes",
            Action::Reject => "Reject",
            Action::Approve => "Approve",
            Action::DeployToSandbox => "Deploy to sandbox",
            Action::RequestPromotion => "Request promotion to live",
            Action::Promote => "Promote to live",
            Action::DeclinePromotion => "Decline promotion",
            Action::WithdrawPromotion => "Withdraw promotion request",
            Action::Suspend => "Suspend",
            Action::Reinstate => "Reinstate",
            Action::Clone => "Clone",
        }
    }

    /// Returns the button text in a given state. Edit has different
    /// consequences in different states, so its text names the consequence.
    pub fn label_in(self, state: State) -> &'static str {
        match (self, state) {
            (Action::Edit, State::Requested | State::InReview) => "Withdraw and edit",
            (Action::Edit, State::Sandbox | State::Live) => "Edit as a new revision",
            _ => self.label(),
        }
    }

    /// Returns whether staff take this action. Subscriber users take all
    /// others.
    pub fn is_staff_action(self) -> bool {
        matches!(
            self,
            Action::StartReview
                | Action::RequestChanges
                | Action::Reject
                | Action::Approve
                | Action::DeployToSandbox
                | Action::Promote
                | Action::DeclinePromotion
                | Action::Suspend
                | Action::Reinstate
        )
    }
}

/// Facts about the request and the action that the rules depend on. The
/// server computes them before calling [`apply`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Context {
    /// Validation finds nothing missing or invalid in the working revision.
    pub complete_and_valid: bool,
    /// The user accepts the current Terms for Subscribers with this submission.
    pub terms_accepted: bool,
    /// Some revision of this connection has been submitted at least once.
    /// Connection-wide, so a new revision of a deployed connection is never
    /// deletable, because [`Effect::DeleteDraft`] deletes the whole
    /// connection.
    pub ever_submitted: bool,
    /// The action comes with a reason that is not blank.
    pub has_reason: bool,
    /// The promotion request comes with a test summary that is not blank.
    pub has_test_summary: bool,
}

/// A side effect the server must perform, in the same database transaction
/// as the state change and its audit event unless noted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Record the submission: submission time, user, and the version of the
    /// Terms for Subscribers accepted. Marks the connection as submitted.
    RecordSubmission,
    /// Notify staff (in the app and through the email outbox).
    NotifyStaff,
    /// Notify the subscriber organisation's users.
    NotifySubscriber,
    /// Make the acting staff member the revision's reviewer.
    AssignReviewer,
    /// Clear the reviewer and notify them that the subscriber withdrew the
    /// request to edit it.
    EndReview,
    /// Store the action's reason as a comment the subscriber can read.
    RecordReason,
    /// Store the subscriber's sandbox test summary with the promotion request.
    RecordTestSummary,
    /// Make the revision immutable.
    FreezeRevision,
    /// Record this revision as the one deployed in the environment,
    /// replacing any revision deployed there before.
    RecordDeployment(Environment),
    /// Issue the connection NID, connection token and OAuth2 client
    /// credentials for the environment when the connection has none there
    /// yet, and show the secrets once.
    IssueCredentials(Environment),
    /// Disable the connection's credentials in every environment.
    DisableCredentials,
    /// Enable again the credentials that the suspension disabled.
    ReenableCredentials,
    /// Copy the working revision into a new draft revision with the next
    /// number. The deployed revisions stay in effect until the new one is
    /// deployed.
    OpenNewRevision,
    /// Delete the connection with its only, never-submitted revision.
    DeleteDraft,
    /// Create a new connection whose draft copies the working revision's
    /// content, without credentials, comments, history or terms acceptance.
    CreateCopy,
}

/// An allowed action's outcome. `to` equals `from` for actions that do not
/// move the working revision (Clone, Delete and Edit of a draft).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    pub from: State,
    pub to: State,
    pub effects: Vec<Effect>,
}

/// Looks up where an action leads from a state and with which effects,
/// regardless of role. Returns `None` when the action does not apply there.
fn transition_table(state: State, action: Action) -> Option<(State, Vec<Effect>)> {
    use Action as A;
    use Effect as E;
    use State as S;

    let row = match (state, action) {
        (_, A::Clone) => (state, vec![E::CreateCopy]),
        (S::Draft, A::Submit) => (S::Requested, vec![E::RecordSubmission, E::NotifyStaff]),
        (S::Draft, A::Delete) => (S::Draft, vec![E::DeleteDraft]),
        (S::Draft, A::Edit) => (S::Draft, vec![]),
        (S::Requested, A::Edit) => (S::Draft, vec![]),
        (S::Requested, A::StartReview) => (S::InReview, vec![E::AssignReviewer]),
        (S::InReview, A::Edit) => (S::Draft, vec![E::EndReview]),
        (S::InReview, A::RequestChanges) => (
            S::ChangesRequested,
            vec![E::RecordReason, E::NotifySubscriber],
        ),
        (S::InReview, A::Reject) => (S::Rejected, vec![E::RecordReason, E::NotifySubscriber]),
        (S::InReview, A::Approve) => (S::Approved, vec![E::FreezeRevision, E::NotifySubscriber]),
        (S::ChangesRequested, A::Edit) => (S::Draft, vec![]),
        (S::Approved, A::DeployToSandbox) => (
            S::Sandbox,
            vec![
                E::RecordDeployment(Environment::Sandbox),
                E::IssueCredentials(Environment::Sandbox),
                E::NotifySubscriber,
            ],
        ),
        (S::Sandbox, A::RequestPromotion) => (
            S::PromotionRequested,
            vec![E::RecordTestSummary, E::NotifyStaff],
        ),
        (S::Sandbox | S::Live, A::Edit) => (S::Draft, vec![E::OpenNewRevision]),
        (S::PromotionRequested, A::Promote) => (
            S::Live,
            vec![
                E::RecordDeployment(Environment::Live),
                E::IssueCredentials(Environment::Live),
                E::NotifySubscriber,
            ],
        ),
        (S::PromotionRequested, A::DeclinePromotion) => {
            (S::Sandbox, vec![E::RecordReason, E::NotifySubscriber])
        }
        (S::PromotionRequested, A::WithdrawPromotion) => (S::Sandbox, vec![]),
        (S::Live, A::Suspend) => (
            S::Suspended,
            vec![E::DisableCredentials, E::NotifySubscriber],
        ),
        (S::Suspended, A::Reinstate) => {
            (S::Live, vec![E::ReenableCredentials, E::NotifySubscriber])
        }
        _ => return None,
    };
    Some(row)
}

fn check_role(action: Action, role: Role) -> Result<(), Rejection> {
    if action.is_staff_action() && !role.is_staff() {
        return Err(Rejection::StaffOnly(action));
    }
    if !action.is_staff_action() && !role.is_subscriber() {
        return Err(Rejection::SubscriberOnly(action));
    }
    Ok(())
}

fn check_preconditions(action: Action, ctx: &Context) -> Result<(), Rejection> {
    match action {
        Action::Submit if !ctx.complete_and_valid => Err(Rejection::Incomplete),
        Action::Submit if !ctx.terms_accepted => Err(Rejection::TermsNotAccepted),
        Action::Delete if ctx.ever_submitted => Err(Rejection::SubmittedBefore),
        Action::RequestChanges | Action::Reject | Action::DeclinePromotion if !ctx.has_reason => {
            Err(Rejection::MissingReason(action))
        }
        Action::RequestPromotion if !ctx.has_test_summary => Err(Rejection::MissingTestSummary),
        _ => Ok(()),
    }
}

/// Decides whether `role` may take `action` on a request in `state`, and
/// returns the new state with the effects the server must perform. Checks
/// the role first, then the state, then the [`Context`] preconditions, so
/// the rejection names the first obstacle.
pub fn apply(
    state: State,
    action: Action,
    role: Role,
    ctx: &Context,
) -> Result<Transition, Rejection> {
    check_role(action, role)?;
    let Some((to, effects)) = transition_table(state, action) else {
        return Err(Rejection::WrongState {
            state,
            action,
            role,
        });
    };
    check_preconditions(action, ctx)?;
    Ok(Transition {
        from: state,
        to,
        effects,
    })
}

/// Returns whether the action exists for this role in this state, ignoring
/// every [`Context`] precondition. The UI uses it to show a disabled button
/// with the reason from [`apply`], such as Submit on an incomplete draft.
pub fn is_available(state: State, action: Action, role: Role) -> bool {
    check_role(action, role).is_ok() && transition_table(state, action).is_some()
}

/// Lists the actions that [`apply`] would allow now, in [`Action::ALL`]
/// order. Reasons and test summaries are typed after the button is
/// pressed, so this listing treats them as given. The other preconditions apply, so
/// Submit is listed only for a complete draft with the terms accepted and
/// Delete only for a connection never submitted.
pub fn allowed_actions(state: State, role: Role, ctx: &Context) -> Vec<Action> {
    let listing = Context {
        has_reason: true,
        has_test_summary: true,
        ..*ctx
    };
    Action::ALL
        .into_iter()
        .filter(|action| apply(state, *action, role, &listing).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Returns a context in which every precondition holds.
    fn ready() -> Context {
        Context {
            complete_and_valid: true,
            terms_accepted: true,
            ever_submitted: false,
            has_reason: true,
            has_test_summary: true,
        }
    }

    /// Returns the next state of every allowed triple, written out triple by
    /// triple independently of `transition_table`.
    fn expected(state: State, action: Action, role: Role) -> Option<State> {
        use Action as A;
        use State as S;
        let subscriber = role.is_subscriber();
        let staff = role.is_staff();
        match (state, action) {
            (_, A::Clone) if subscriber => Some(state),
            (S::Draft, A::Submit) if subscriber => Some(S::Requested),
            (S::Draft, A::Delete) if subscriber => Some(S::Draft),
            (S::Draft, A::Edit) if subscriber => Some(S::Draft),
            (S::Requested, A::Edit) if subscriber => Some(S::Draft),
            (S::Requested, A::StartReview) if staff => Some(S::InReview),
            (S::InReview, A::Edit) if subscriber => Some(S::Draft),
            (S::InReview, A::RequestChanges) if staff => Some(S::ChangesRequested),
            (S::InReview, A::Reject) if staff => Some(S::Rejected),
            (S::InReview, A::Approve) if staff => Some(S::Approved),
            (S::ChangesRequested, A::Edit) if subscriber => Some(S::Draft),
            (S::Approved, A::DeployToSandbox) if staff => Some(S::Sandbox),
            (S::Sandbox, A::RequestPromotion) if subscriber => Some(S::PromotionRequested),
            (S::Sandbox, A::Edit) if subscriber => Some(S::Draft),
            (S::PromotionRequested, A::Promote) if staff => Some(S::Live),
            (S::PromotionRequested, A::DeclinePromotion) if staff => Some(S::Sandbox),
            (S::PromotionRequested, A::WithdrawPromotion) if subscriber => Some(S::Sandbox),
            (S::Live, A::Edit) if subscriber => Some(S::Draft),
            (S::Live, A::Suspend) if staff => Some(S::Suspended),
            (S::Suspended, A::Reinstate) if staff => Some(S::Live),
            _ => None,
        }
    }

    #[test]
    fn every_triple_matches_table() {
        let mut allowed = 0;
        let mut rejected = 0;
        for state in State::ALL {
            for action in Action::ALL {
                for role in Role::ALL {
                    let triple = format!("{state:?} {action:?} {role:?}");
                    match (
                        expected(state, action, role),
                        apply(state, action, role, &ready()),
                    ) {
                        (Some(to), Ok(transition)) => {
                            assert_eq!(transition.from, state, "{triple}");
                            assert_eq!(transition.to, to, "{triple}");
                            assert!(is_available(state, action, role), "{triple}");
                            allowed += 1;
                        }
                        (None, Err(rejection)) => {
                            let message = rejection.message();
                            assert!(message.ends_with('.'), "{triple}: {message}");
                            assert!(message.len() > 20, "{triple}: {message}");
                            assert!(!is_available(state, action, role), "{triple}");
                            rejected += 1;
                        }
                        (expected_to, outcome) => {
                            panic!("{triple}: expected {expected_to:?}, got {outcome:?}")
                        }
                    }
                }
            }
        }
        assert_eq!(allowed, 2 * 20 + 2 * 9);
        assert_eq!(allowed + rejected, 600);
    }

    #[test]
    fn allowed_actions_match_table() {
        for state in State::ALL {
            for role in Role::ALL {
                let listed = allowed_actions(state, role, &ready());
                let table: Vec<Action> = Action::ALL
                    .into_iter()
                    .filter(|a| expected(state, *a, role).is_some())
                    .collect();
                assert_eq!(listed, table, "{state:?} {role:?}");
            }
        }
    }

    #[test]
    fn subscriber_roles_have_same_rights() {
        for state in State::ALL {
            for action in Action::ALL {
                let user = apply(state, action, Role::SubscriberUser, &ready());
                let admin = apply(state, action, Role::SubscriberAdmin, &ready());
                let user = user.map(|t| t.to).map_err(|r| r.message());
                let admin = admin.map(|t| t.to).map_err(|r| r.message());
                assert_eq!(user, admin, "{state:?} {action:?}");
            }
        }
    }

    #[test]
    fn staff_roles_have_same_rights() {
        for state in State::ALL {
            for action in Action::ALL {
                let reviewer = apply(state, action, Role::StaffReviewer, &ready());
                let admin = apply(state, action, Role::OperatorAdmin, &ready());
                let reviewer = reviewer.map(|t| t.to).map_err(|r| r.message());
                let admin = admin.map(|t| t.to).map_err(|r| r.message());
                assert_eq!(reviewer, admin, "{state:?} {action:?}");
            }
        }
    }

    #[test]
    fn role_rejection_messages() {
        let by_subscriber = apply(
            State::InReview,
            Action::Approve,
            Role::SubscriberAdmin,
            &ready(),
        );
        assert_eq!(by_subscriber, Err(Rejection::StaffOnly(Action::Approve)));
        assert_eq!(
            by_subscriber.unwrap_err().message(),
            "Only staff can approve a request."
        );
        let by_staff = apply(State::Draft, Action::Submit, Role::OperatorAdmin, &ready());
        assert_eq!(by_staff, Err(Rejection::SubscriberOnly(Action::Submit)));
        assert_eq!(
            by_staff.unwrap_err().message(),
            "Only the subscriber's users can submit a request."
        );
    }

    #[test]
    fn wrong_state_message_says_next_step() {
        let rejection =
            apply(State::Live, Action::Submit, Role::SubscriberUser, &ready()).unwrap_err();
        assert_eq!(
            rejection.message(),
            "The status of this request is Live, so you cannot submit it. \
             Edit it to open a new revision."
        );
        let rejection = apply(
            State::Requested,
            Action::Approve,
            Role::StaffReviewer,
            &ready(),
        )
        .unwrap_err();
        assert!(rejection.message().ends_with("Start the review first."));
    }

    #[test]
    fn role_checked_before_state() {
        let rejection = apply(State::Live, Action::Approve, Role::SubscriberUser, &ready());
        assert_eq!(rejection, Err(Rejection::StaffOnly(Action::Approve)));
    }

    #[test]
    fn state_checked_before_preconditions() {
        let ctx = Context::default();
        let rejection = apply(State::Live, Action::Submit, Role::SubscriberUser, &ctx).unwrap_err();
        assert!(matches!(rejection, Rejection::WrongState { .. }));
    }

    #[test]
    fn submit_rejects_incomplete_request() {
        let ctx = Context {
            complete_and_valid: false,
            ..ready()
        };
        let result = apply(State::Draft, Action::Submit, Role::SubscriberUser, &ctx);
        assert_eq!(result, Err(Rejection::Incomplete));
    }

    #[test]
    fn submit_rejects_terms_not_accepted() {
        let ctx = Context {
            terms_accepted: false,
            ..ready()
        };
        let result = apply(State::Draft, Action::Submit, Role::SubscriberAdmin, &ctx);
        assert_eq!(result, Err(Rejection::TermsNotAccepted));
        assert!(result
            .unwrap_err()
            .message()
            .contains("Terms for Subscribers"));
    }

    #[test]
    fn submit_records_and_notifies_staff() {
        let transition =
            apply(State::Draft, Action::Submit, Role::SubscriberUser, &ready()).unwrap();
        assert_eq!(transition.to, State::Requested);
        assert_eq!(
            transition.effects,
            vec![Effect::RecordSubmission, Effect::NotifyStaff]
        );
    }

    #[test]
    fn delete_only_never_submitted() {
        let submitted = Context {
            ever_submitted: true,
            ..ready()
        };
        let result = apply(
            State::Draft,
            Action::Delete,
            Role::SubscriberUser,
            &submitted,
        );
        assert_eq!(result, Err(Rejection::SubmittedBefore));
        let transition =
            apply(State::Draft, Action::Delete, Role::SubscriberUser, &ready()).unwrap();
        assert_eq!(transition.effects, vec![Effect::DeleteDraft]);
    }

    #[test]
    fn reasons_required() {
        let cases = [
            (State::InReview, Action::RequestChanges, "what to change"),
            (
                State::InReview,
                Action::Reject,
                "why the request was rejected",
            ),
            (
                State::PromotionRequested,
                Action::DeclinePromotion,
                "why promotion",
            ),
        ];
        let no_reason = Context {
            has_reason: false,
            ..ready()
        };
        for (state, action, words) in cases {
            let result = apply(state, action, Role::StaffReviewer, &no_reason);
            assert_eq!(result, Err(Rejection::MissingReason(action)), "{action:?}");
            assert!(result.unwrap_err().message().contains(words), "{action:?}");
            let transition = apply(state, action, Role::StaffReviewer, &ready()).unwrap();
            assert!(
                transition.effects.contains(&Effect::RecordReason),
                "{action:?}"
            );
            assert!(
                transition.effects.contains(&Effect::NotifySubscriber),
                "{action:?}"
            );
        }
    }

    #[test]
    fn approve_needs_no_reason() {
        let ctx = Context::default();
        let transition =
            apply(State::InReview, Action::Approve, Role::StaffReviewer, &ctx).unwrap();
        assert_eq!(transition.to, State::Approved);
        assert!(transition.effects.contains(&Effect::FreezeRevision));
    }

    #[test]
    fn promotion_request_needs_test_summary() {
        let ctx = Context {
            has_test_summary: false,
            ..ready()
        };
        let result = apply(
            State::Sandbox,
            Action::RequestPromotion,
            Role::SubscriberUser,
            &ctx,
        );
        assert_eq!(result, Err(Rejection::MissingTestSummary));
        let transition = apply(
            State::Sandbox,
            Action::RequestPromotion,
            Role::SubscriberUser,
            &ready(),
        )
        .unwrap();
        assert_eq!(
            transition.effects,
            vec![Effect::RecordTestSummary, Effect::NotifyStaff]
        );
    }

    #[test]
    fn deploy_issues_sandbox_credentials() {
        let transition = apply(
            State::Approved,
            Action::DeployToSandbox,
            Role::OperatorAdmin,
            &ready(),
        )
        .unwrap();
        assert_eq!(transition.to, State::Sandbox);
        assert_eq!(
            transition.effects,
            vec![
                Effect::RecordDeployment(Environment::Sandbox),
                Effect::IssueCredentials(Environment::Sandbox),
                Effect::NotifySubscriber,
            ]
        );
    }

    #[test]
    fn promote_issues_live_credentials() {
        let transition = apply(
            State::PromotionRequested,
            Action::Promote,
            Role::StaffReviewer,
            &ready(),
        )
        .unwrap();
        assert_eq!(transition.to, State::Live);
        assert_eq!(
            transition.effects,
            vec![
                Effect::RecordDeployment(Environment::Live),
                Effect::IssueCredentials(Environment::Live),
                Effect::NotifySubscriber,
            ]
        );
    }

    #[test]
    fn suspend_and_reinstate_credentials() {
        let suspend = apply(State::Live, Action::Suspend, Role::StaffReviewer, &ready()).unwrap();
        assert_eq!(suspend.to, State::Suspended);
        assert!(suspend.effects.contains(&Effect::DisableCredentials));
        let reinstate = apply(
            State::Suspended,
            Action::Reinstate,
            Role::OperatorAdmin,
            &ready(),
        )
        .unwrap();
        assert_eq!(reinstate.to, State::Live);
        assert!(reinstate.effects.contains(&Effect::ReenableCredentials));
    }

    #[test]
    fn edit_deployed_opens_new_revision() {
        for state in [State::Sandbox, State::Live] {
            let transition = apply(state, Action::Edit, Role::SubscriberUser, &ready()).unwrap();
            assert_eq!(transition.to, State::Draft, "{state:?}");
            assert_eq!(
                transition.effects,
                vec![Effect::OpenNewRevision],
                "{state:?}"
            );
        }
    }

    #[test]
    fn edit_in_review_ends_review() {
        let transition = apply(
            State::InReview,
            Action::Edit,
            Role::SubscriberAdmin,
            &ready(),
        )
        .unwrap();
        assert_eq!(transition.to, State::Draft);
        assert_eq!(transition.effects, vec![Effect::EndReview]);
        let withdrawn = apply(
            State::Requested,
            Action::Edit,
            Role::SubscriberUser,
            &ready(),
        )
        .unwrap();
        assert_eq!(withdrawn.to, State::Draft);
        assert!(withdrawn.effects.is_empty());
    }

    #[test]
    fn clone_keeps_state_and_copies() {
        for state in State::ALL {
            let transition = apply(state, Action::Clone, Role::SubscriberUser, &ready()).unwrap();
            assert_eq!(transition.to, state);
            assert_eq!(transition.effects, vec![Effect::CreateCopy]);
        }
    }

    #[test]
    fn listing_hides_unmet_preconditions() {
        let incomplete = Context::default();
        let listed = allowed_actions(State::Draft, Role::SubscriberUser, &incomplete);
        assert!(!listed.contains(&Action::Submit));
        assert!(listed.contains(&Action::Delete));
        assert!(is_available(
            State::Draft,
            Action::Submit,
            Role::SubscriberUser
        ));

        let submitted = Context {
            ever_submitted: true,
            ..ready()
        };
        let listed = allowed_actions(State::Draft, Role::SubscriberUser, &submitted);
        assert!(listed.contains(&Action::Submit));
        assert!(!listed.contains(&Action::Delete));
    }

    #[test]
    fn listing_ignores_reason_and_summary() {
        let ctx = Context::default();
        let staff = allowed_actions(State::InReview, Role::StaffReviewer, &ctx);
        assert_eq!(
            staff,
            vec![Action::RequestChanges, Action::Reject, Action::Approve]
        );
        let subscriber = allowed_actions(State::Sandbox, Role::SubscriberUser, &ctx);
        assert!(subscriber.contains(&Action::RequestPromotion));
    }

    #[test]
    fn text_forms_round_trip() {
        for state in State::ALL {
            assert_eq!(State::parse(state.as_str()), Some(state));
            let json = serde_json::to_string(&state).unwrap();
            assert_eq!(json, format!("\"{}\"", state.as_str()));
        }
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
        }
        for action in Action::ALL {
            assert_eq!(Action::parse(action.as_str()), Some(action));
            let json = serde_json::to_string(&action).unwrap();
            assert_eq!(json, format!("\"{}\"", action.as_str()));
        }
        assert_eq!(State::parse("InReview"), None);
        assert_eq!(State::parse("in_review"), Some(State::InReview));
    }

    #[test]
    fn state_tags() {
        assert_eq!(State::InReview.label(), "In review");
        assert_eq!(State::Draft.css_class(), "tag tag--grey");
        assert_eq!(State::PromotionRequested.css_class(), "tag tag--blue");
        assert_eq!(State::ChangesRequested.css_class(), "tag tag--orange");
        assert_eq!(State::Suspended.css_class(), "tag tag--red");
        assert_eq!(State::Live.css_class(), "tag tag--green");
        for state in State::ALL {
            assert!(state.css_class().starts_with("tag tag--"), "{state:?}");
            assert!(!state.label().is_empty(), "{state:?}");
        }
    }

    #[test]
    fn roles_are_staff_or_subscriber() {
        for role in Role::ALL {
            assert_ne!(role.is_staff(), role.is_subscriber(), "{role:?}");
        }
    }

    #[test]
    fn edit_label_depends_on_state() {
        assert_eq!(Action::Edit.label_in(State::Requested), "Withdraw and edit");
        assert_eq!(Action::Edit.label_in(State::Live), "Edit as a new revision");
        assert_eq!(Action::Edit.label_in(State::Draft), "Edit");
        assert_eq!(Action::Approve.label_in(State::InReview), "Approve");
    }
}
