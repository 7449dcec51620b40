//! Changes to the chosen datasets, fields, permissions and transactional
//! operations.

use super::{dataset_label, field_label, Change, ChangeKind, ReconsentReason};
use crate::domain::catalogue::Catalogue;
use crate::domain::content::{Permission, RequestContent, TransactionalOperation};

/// Dataset ids in the order the request lists them, each once.
fn dataset_ids(content: &RequestContent) -> Vec<&str> {
    let mut ids: Vec<&str> = Vec::new();
    for choice in &content.data {
        if !ids.contains(&choice.dataset.as_str()) {
            ids.push(&choice.dataset);
        }
    }
    ids
}

pub(super) fn diff_datasets(
    old: &RequestContent,
    new: &RequestContent,
    catalogue: &Catalogue,
    changes: &mut Vec<Change>,
) {
    let old_ids = dataset_ids(old);
    let new_ids = dataset_ids(new);
    // A dataset change carries no re-consent itself, because its fields
    // and operations are listed as their own changes, which do.
    for id in old_ids.iter().filter(|id| !new_ids.contains(id)) {
        let kind = ChangeKind::DatasetRemoved {
            dataset: id.to_string(),
            label: dataset_label(catalogue, id),
        };
        changes.push(Change::new(kind, None));
    }
    for id in new_ids.iter().filter(|id| !old_ids.contains(id)) {
        let kind = ChangeKind::DatasetAdded {
            dataset: id.to_string(),
            label: dataset_label(catalogue, id),
        };
        changes.push(Change::new(kind, None));
    }
}

/// Chosen fields with their permission, in request order. A field listed
/// twice (an invalid request) gets the union of its permissions.
fn field_permissions(content: &RequestContent) -> Vec<(&str, Permission)> {
    let mut fields: Vec<(&str, Permission)> = Vec::new();
    for (id, permission) in content.chosen_fields() {
        match fields.iter_mut().find(|(known, _)| *known == id) {
            Some((_, existing)) => {
                let read = existing.reads() || permission.reads();
                let write = existing.writes() || permission.writes();
                *existing = Permission::from_flags(read, write).unwrap_or(permission);
            }
            None => fields.push((id, permission)),
        }
    }
    fields
}

fn gains_access(from: Permission, to: Permission) -> bool {
    (to.reads() && !from.reads()) || (to.writes() && !from.writes())
}

pub(super) fn diff_fields(
    old: &RequestContent,
    new: &RequestContent,
    catalogue: &Catalogue,
    changes: &mut Vec<Change>,
) {
    let old_fields = field_permissions(old);
    let new_fields = field_permissions(new);
    for &(id, permission) in &old_fields {
        let label = field_label(catalogue, id);
        match new_fields.iter().find(|(known, _)| *known == id) {
            None => {
                let field = id.to_string();
                let kind = ChangeKind::FieldRemoved {
                    field,
                    label,
                    permission,
                };
                changes.push(Change::new(kind, None));
            }
            Some(&(_, to)) if to != permission => {
                let reason = gains_access(permission, to).then_some(ReconsentReason::MoreAccess);
                let field = id.to_string();
                let from = permission;
                let kind = ChangeKind::PermissionChanged {
                    field,
                    label,
                    from,
                    to,
                };
                changes.push(Change::new(kind, reason));
            }
            Some(_) => {}
        }
    }
    for &(id, permission) in &new_fields {
        if old_fields.iter().all(|(known, _)| *known != id) {
            let kind = ChangeKind::FieldAdded {
                field: id.to_string(),
                label: field_label(catalogue, id),
                permission,
                special_category: catalogue.is_special_category(id),
            };
            changes.push(Change::new(kind, Some(ReconsentReason::MoreData)));
        }
    }
}

/// Collects the operations chosen for a dataset across all of its entries.
fn operations_of(content: &RequestContent, dataset: &str) -> Vec<TransactionalOperation> {
    let mut operations: Vec<TransactionalOperation> = content
        .data
        .iter()
        .filter(|choice| choice.dataset == dataset)
        .flat_map(|choice| choice.operations.iter().copied())
        .collect();
    operations.sort();
    operations.dedup();
    operations
}

pub(super) fn diff_operations(
    old: &RequestContent,
    new: &RequestContent,
    catalogue: &Catalogue,
    changes: &mut Vec<Change>,
) {
    let mut ids = dataset_ids(old);
    for id in dataset_ids(new) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    for id in ids {
        let before = operations_of(old, id);
        let after = operations_of(new, id);
        for &operation in before.iter().filter(|op| !after.contains(op)) {
            let kind = ChangeKind::OperationRemoved {
                dataset: id.to_string(),
                label: dataset_label(catalogue, id),
                operation,
            };
            changes.push(Change::new(kind, None));
        }
        for &operation in after.iter().filter(|op| !before.contains(op)) {
            let kind = ChangeKind::OperationAdded {
                dataset: id.to_string(),
                label: dataset_label(catalogue, id),
                operation,
            };
            changes.push(Change::new(kind, Some(ReconsentReason::MoreAccess)));
        }
    }
}
