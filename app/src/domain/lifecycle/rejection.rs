//! Rejections of lifecycle actions, with messages that name the next step.

use serde::{Deserialize, Serialize};

use super::{Action, Role, State};

/// Reason an action is not allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rejection {
    /// A subscriber user tried an action only staff take.
    StaffOnly(Action),
    /// Staff tried an action only the subscriber's users take.
    SubscriberOnly(Action),
    /// The action does not apply to the request's current state.
    WrongState {
        state: State,
        action: Action,
        role: Role,
    },
    /// Submit of a request that is incomplete or invalid.
    Incomplete,
    /// Submit without accepting the current Terms for Subscribers.
    TermsNotAccepted,
    /// Delete of a connection that has been submitted before.
    SubmittedBefore,
    /// Request changes, Reject or Decline promotion without a reason.
    MissingReason(Action),
    /// Request promotion without a test summary.
    MissingTestSummary,
}

impl Rejection {
    /// Returns a plain sentence that gives the reason and the next step.
    pub fn message(&self) -> String {
        match *self {
            Rejection::StaffOnly(action) => format!("Only staff can {}.", action.task()),
            Rejection::SubscriberOnly(action) => {
                format!("Only the subscriber's users can {}.", action.task())
            }
            Rejection::WrongState {
                state,
                action,
                role,
            } => format!(
                "The status of this request is {}, so you cannot {}. {}",
                state.label(),
                action.task_on_it(),
                next_step_hint(state, role)
            ),
            Rejection::Incomplete => "Complete every section and fix the problems that the \
                 checklist lists, then submit the request."
                .to_string(),
            Rejection::TermsNotAccepted => {
                "Accept the current Terms for Subscribers to submit the request.".to_string()
            }
            Rejection::SubmittedBefore => "This request has been submitted before, so it \
                 cannot be deleted. Only a draft that was never submitted can be deleted."
                .to_string(),
            Rejection::MissingReason(action) => missing_reason_message(action).to_string(),
            Rejection::MissingTestSummary => {
                "Add a short summary of how you tested the connection on the sandbox.".to_string()
            }
        }
    }
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for Rejection {}

fn missing_reason_message(action: Action) -> &'static str {
    match action {
        Action::RequestChanges => "Add a reason so the subscriber knows what to change.",
        Action::Reject => "Add a reason so the subscriber knows why the request was rejected.",
        Action::DeclinePromotion => {
            "Add a reason so the subscriber knows why promotion to live was declined."
        }
        _ => "Add a reason for this action.",
    }
}

/// Returns what the role can do next with a request in this state.
fn next_step_hint(state: State, role: Role) -> &'static str {
    if role.is_staff() {
        return match state {
            State::Draft => "The subscriber is still writing it.",
            State::Requested => "Start the review first.",
            State::InReview => "Ask for changes, reject it or approve it.",
            State::ChangesRequested => "The subscriber must edit it and submit it again.",
            State::Rejected => "A rejected revision is final.",
            State::Approved => "Deploy it to the sandbox.",
            State::Sandbox => "The subscriber tests it there and then requests promotion.",
            State::PromotionRequested => "Promote it to live or decline the promotion.",
            State::Live => "Suspend it if its credentials must stop working.",
            State::Suspended => "Reinstate it to make it live again.",
        };
    }
    match state {
        State::Draft => "Complete every section, then submit it.",
        State::Requested => "It is waiting for a reviewer. Edit it to withdraw it.",
        State::InReview => "A reviewer is working on it. Edit it to withdraw it.",
        State::ChangesRequested => "Edit it to make the changes, then submit it again.",
        State::Rejected => "Clone it into a new draft to start again.",
        State::Approved => "It is waiting for staff to deploy it to the sandbox.",
        State::Sandbox => {
            "Request promotion to live once testing is done, or edit it to open a new revision."
        }
        State::PromotionRequested => {
            "It is waiting for staff to promote it. Withdraw the promotion request to change it."
        }
        State::Live => "Edit it to open a new revision.",
        State::Suspended => "Its credentials stay disabled until staff reinstate it.",
    }
}

impl Action {
    /// Returns the action with a generic object, as in "Only staff can
    /// approve a request".
    fn task(self) -> &'static str {
        match self {
            Action::Submit => "submit a request",
            Action::Delete => "delete a draft",
            Action::Edit => "edit a request",
            Action::StartReview => "start a review",
            Action::RequestChanges => "ask for changes to a request",
            Action::Reject => "reject a request",
            Action::Approve => "approve a request",
            Action::DeployToSandbox => "deploy a connection to the sandbox",
            Action::RequestPromotion => "request promotion to live",
            Action::Promote => "promote a connection to live",
            Action::DeclinePromotion => "decline a promotion request",
            Action::WithdrawPromotion => "withdraw a promotion request",
            Action::Suspend => "suspend a connection",
            Action::Reinstate => "reinstate a connection",
            Action::Clone => "clone a connection",
        }
    }

    /// Returns the action applied to "this request", as in "you cannot
    /// submit it".
    fn task_on_it(self) -> &'static str {
        match self {
            Action::Submit => "submit it",
            Action::Delete => "delete it",
            Action::Edit => "edit it",
            Action::StartReview => "start reviewing it",
            Action::RequestChanges => "ask for changes to it",
            Action::Reject => "reject it",
            Action::Approve => "approve it",
            Action::DeployToSandbox => "deploy it to the sandbox",
            Action::RequestPromotion => "request its promotion to live",
            Action::Promote => "promote it to live",
            Action::DeclinePromotion => "decline its promotion",
            Action::WithdrawPromotion => "withdraw its promotion request",
            Action::Suspend => "suspend it",
            Action::Reinstate => "reinstate it",
            Action::Clone => "clone it",
        }
    }
}
