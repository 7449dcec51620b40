//! The sections of a request, in wizard order.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    Organisation,
    Contacts,
    Connection,
    Data,
    UseCases,
    Gdpr,
    Technical,
    Terms,
}

impl Section {
    pub const ALL: [Section; 8] = [
        Section::Organisation,
        Section::Contacts,
        Section::Connection,
        Section::Data,
        Section::UseCases,
        Section::Gdpr,
        Section::Technical,
        Section::Terms,
    ];

    /// The URL segment and the prefix of the section's field paths.
    pub fn slug(self) -> &'static str {
        match self {
            Section::Organisation => "organisation",
            Section::Contacts => "contacts",
            Section::Connection => "connection",
            Section::Data => "data",
            Section::UseCases => "use_cases",
            Section::Gdpr => "gdpr",
            Section::Technical => "technical",
            Section::Terms => "terms",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.slug() == slug)
    }

    pub fn title(self) -> &'static str {
        match self {
            Section::Organisation => "Organisation",
            Section::Contacts => "Contacts",
            Section::Connection => "Connection details",
            Section::Data => "Data",
            Section::UseCases => "Use cases",
            Section::Gdpr => "GDPR compliance declaration",
            Section::Technical => "Technical information",
            Section::Terms => "Terms for Subscribers",
        }
    }

    pub fn next(self) -> Option<Section> {
        let i = Section::ALL.iter().position(|s| *s == self)?;
        Section::ALL.get(i + 1).copied()
    }

    pub fn previous(self) -> Option<Section> {
        let i = Section::ALL.iter().position(|s| *s == self)?;
        i.checked_sub(1).map(|j| Section::ALL[j])
    }
}

/// Completion status of a section, as the task list shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SectionStatus {
    NotStarted,
    InProgress,
    Completed,
    HasProblems,
}

impl SectionStatus {
    pub fn label(self) -> &'static str {
        match self {
            SectionStatus::NotStarted => "Not started",
            SectionStatus::InProgress => "In progress",
            SectionStatus::Completed => "Completed",
            SectionStatus::HasProblems => "Has problems",
        }
    }

    /// CSS modifier for the status tag.
    pub fn css_class(self) -> &'static str {
        match self {
            SectionStatus::NotStarted => "tag tag--grey",
            SectionStatus::InProgress => "tag tag--blue",
            SectionStatus::Completed => "tag tag--green",
            SectionStatus::HasProblems => "tag tag--red",
        }
    }
}
