//! Changes to the use cases, matched by title.

use super::retention::retention_reason;
use super::{
    field_label, key_label, normalised, yes_no, Change, ChangeKind, ReconsentReason, UseCaseItem,
};
use crate::domain::catalogue::Catalogue;
use crate::domain::content::{RequestContent, UseCase, LAWFUL_BASES, SPECIAL_CATEGORY_CONDITIONS};

pub(super) fn diff_use_cases(
    old: &RequestContent,
    new: &RequestContent,
    catalogue: &Catalogue,
    changes: &mut Vec<Change>,
) {
    let mut matched = vec![false; new.use_cases.len()];
    for before in &old.use_cases {
        let key = normalised(&before.title);
        let found = (0..new.use_cases.len())
            .find(|&i| !matched[i] && normalised(&new.use_cases[i].title) == key);
        match found {
            Some(i) => {
                matched[i] = true;
                diff_use_case(before, &new.use_cases[i], catalogue, changes);
            }
            None => {
                let title = before.title.trim().to_string();
                changes.push(Change::new(ChangeKind::UseCaseRemoved { title }, None));
            }
        }
    }
    for (after, _) in new.use_cases.iter().zip(&matched).filter(|(_, m)| !**m) {
        let title = after.title.trim().to_string();
        let reason = Some(ReconsentReason::NewOrWiderUse);
        changes.push(Change::new(ChangeKind::UseCaseAdded { title }, reason));
    }
}

fn diff_use_case(
    before: &UseCase,
    after: &UseCase,
    catalogue: &Catalogue,
    changes: &mut Vec<Change>,
) {
    let title = after.title.trim();
    for field in before.fields.iter().filter(|f| !after.fields.contains(f)) {
        let kind = ChangeKind::UseCaseFieldRemoved {
            use_case: title.to_string(),
            field: field.clone(),
            label: field_label(catalogue, field),
        };
        changes.push(Change::new(kind, None));
    }
    for field in after.fields.iter().filter(|f| !before.fields.contains(f)) {
        let kind = ChangeKind::UseCaseFieldAdded {
            use_case: title.to_string(),
            field: field.clone(),
            label: field_label(catalogue, field),
        };
        changes.push(Change::new(kind, Some(ReconsentReason::NewOrWiderUse)));
    }
    for (item, old_value, new_value) in use_case_items(before, after) {
        if old_value.trim() == new_value.trim() {
            continue;
        }
        let reason = use_case_item_reason(item, before, after);
        let kind = ChangeKind::UseCaseChanged {
            use_case: title.to_string(),
            item,
            before: old_value.trim().to_string(),
            after: new_value.trim().to_string(),
        };
        changes.push(Change::new(kind, reason));
    }
}

/// Lists each comparable answer of a use case as (item, old text, new text).
fn use_case_items(before: &UseCase, after: &UseCase) -> Vec<(UseCaseItem, String, String)> {
    let basis = |u: &UseCase| key_label(&LAWFUL_BASES, &u.lawful_basis);
    let condition =
        |u: &UseCase| key_label(&SPECIAL_CATEGORY_CONDITIONS, &u.special_category_condition);
    vec![
        (
            UseCaseItem::Title,
            before.title.clone(),
            after.title.clone(),
        ),
        (
            UseCaseItem::Description,
            before.description.clone(),
            after.description.clone(),
        ),
        (UseCaseItem::LawfulBasis, basis(before), basis(after)),
        (
            UseCaseItem::SpecialCategoryCondition,
            condition(before),
            condition(after),
        ),
        (
            UseCaseItem::Retention,
            before.retention.clone(),
            after.retention.clone(),
        ),
        (
            UseCaseItem::Recipients,
            before.recipients.clone(),
            after.recipients.clone(),
        ),
        (
            UseCaseItem::AutomatedDecisionMaking,
            yes_no(before.automated_decision_making),
            yes_no(after.automated_decision_making),
        ),
        (
            UseCaseItem::AutomatedDecisionLogic,
            before.automated_decision_logic.clone(),
            after.automated_decision_logic.clone(),
        ),
        (
            UseCaseItem::InternationalTransfers,
            yes_no(before.international_transfers),
            yes_no(after.international_transfers),
        ),
        (
            UseCaseItem::TransferSafeguard,
            before.transfer_safeguard.clone(),
            after.transfer_safeguard.clone(),
        ),
    ]
}

fn use_case_item_reason(
    item: UseCaseItem,
    before: &UseCase,
    after: &UseCase,
) -> Option<ReconsentReason> {
    let wider = Some(ReconsentReason::NewOrWiderUse);
    let turned_on = |old: Option<bool>, new: Option<bool>| new == Some(true) && old != Some(true);
    match item {
        UseCaseItem::LawfulBasis | UseCaseItem::SpecialCategoryCondition => wider,
        UseCaseItem::AutomatedDecisionMaking => turned_on(
            before.automated_decision_making,
            after.automated_decision_making,
        )
        .then_some(ReconsentReason::NewOrWiderUse),
        UseCaseItem::InternationalTransfers => turned_on(
            before.international_transfers,
            after.international_transfers,
        )
        .then_some(ReconsentReason::NewOrWiderUse),
        // Recipients are free text, so only naming recipients where there
        // were none is recognisably wider. Other edits may be rewording.
        UseCaseItem::Recipients => {
            let named = before.recipients.trim().is_empty() && !after.recipients.trim().is_empty();
            named.then_some(ReconsentReason::NewOrWiderUse)
        }
        UseCaseItem::Retention => retention_reason(&before.retention, &after.retention),
        UseCaseItem::Title
        | UseCaseItem::Description
        | UseCaseItem::AutomatedDecisionLogic
        | UseCaseItem::TransferSafeguard => None,
    }
}
