//! The personal data store schema that requests choose datasets and
//! fields from. The server loads it from the `datasets` and
//! `catalogue_fields` tables.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatasetKind {
    /// One record per member, with numbered instances.
    Metadata,
    /// Many rows per member.
    Transactional,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueField {
    pub id: String,
    pub label: String,
    pub field_type: String,
    /// Health, ethnicity, religion, biometrics and the other UK GDPR
    /// Article 9 categories.
    pub special_category: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dataset {
    pub id: String,
    pub label: String,
    pub kind: DatasetKind,
    pub fields: Vec<CatalogueField>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalogue {
    pub datasets: Vec<Dataset>,
}

impl Catalogue {
    pub fn dataset(&self, id: &str) -> Option<&Dataset> {
        self.datasets.iter().find(|d| d.id == id)
    }

    /// Finds a field and the dataset that contains it.
    pub fn field(&self, id: &str) -> Option<(&Dataset, &CatalogueField)> {
        self.datasets
            .iter()
            .find_map(|d| d.fields.iter().find(|f| f.id == id).map(|f| (d, f)))
    }

    pub fn is_special_category(&self, field_id: &str) -> bool {
        self.field(field_id)
            .is_some_and(|(_, f)| f.special_category)
    }
}
