//! The app's pages, as route views, grouped into lazily loaded chunks.
//!
//! Every page belongs to one of five groups (public pages, connections, the
//! wizard, organisation settings, staff pages), and each group's code is a
//! separate chunk that the browser fetches when it first shows one of the
//! group's pages. The main WebAssembly file keeps the framework and the
//! header, and code used by several groups goes into shared chunks. So a
//! visitor on the home page downloads neither the wizard nor the staff
//! pages. The server renders every page the same way.
//!
//! Splitting per group rather than per page keeps the number of files
//! small: the splitter gives each set of functions shared by different
//! split points its own file, and one split point per page (21) made 428
//! files, 200 of them loaded by the home page.
//!
//! NOTE: the main file alone is about 260 KB with brotli, above the 250 KB
//! first-load target: it contains the framework, the router, the header, all
//! data (every string of every page) and much of the code that the groups
//! share.

use leptos::prelude::*;
use leptos_router::LazyRoute;

use crate::components::layout::HydrationMark;
use crate::pages::{
    accounts, api_keys, history, home, notifications, organisation, review, staff, view, wizard,
};

/// A page followed by the hydration mark. A parent route leaves the mark
/// to the route inside it.
macro_rules! page_view {
    (page $page:path) => {
        (untrack($page), untrack(HydrationMark)).into_any()
    };
    (parent $page:path) => {
        untrack($page).into_any()
    };
}

/// Declares a group of routes whose views share one lazily loaded chunk.
///
/// `$preload` names the function that `#[lazy]` generates to load the
/// chunk (`__preload_` and the group's name). The router calls it before
/// hydrating a page, so that the page's code is there when the page
/// hydrates, as it was when the server rendered it.
macro_rules! lazy_group {
    ($group:ident, $preload:ident, $pages:ident { $($kind:ident $route:ident => $page:path;)* }) => {
        // The variants are named after the route types, which may share a
        // prefix such as `Staff`.
        #[allow(clippy::enum_variant_names)]
        #[derive(Clone, Copy)]
        enum $pages {
            $($route,)*
        }

        #[leptos::lazy]
        fn $group(page: $pages) -> AnyView {
            match page {
                $($pages::$route => page_view!($kind $page),)*
            }
        }

        $(
            pub struct $route;

            impl LazyRoute for $route {
                fn data() -> Self {
                    Self
                }

                async fn view(_this: Self) -> AnyView {
                    $group($pages::$route).await
                }

                async fn preload() {
                    #[cfg(feature = "hydrate")]
                    $preload().await;
                }
            }
        )*
    };
}

lazy_group!(public_pages, __preload_public_pages, PublicPage {
    page Home => home::HomePage;
    page LogIn => accounts::LoginPage;
    page SignUp => accounts::SignUpPage;
    page Terms => wizard::terms::TermsPage;
});

lazy_group!(connection_pages, __preload_connection_pages, ConnectionPage {
    page Connections => wizard::list::ConnectionsPage;
    page NewConnection => wizard::start::NewConnectionPage;
    page ViewConnection => view::ViewPage;
    page PrintConnection => view::PrintPage;
    page History => history::HistoryPage;
});

lazy_group!(wizard_pages, __preload_wizard_pages, WizardPage {
    parent Wizard => wizard::WizardShell;
    page WizardOverview => wizard::overview::OverviewPage;
    page WizardCheck => wizard::checklist::ChecklistPage;
    page WizardSubmitted => wizard::checklist::SubmittedPage;
    page WizardSection => wizard::sections::SectionPage;
});

lazy_group!(organisation_pages, __preload_organisation_pages, OrganisationPage {
    page AcceptInvitation => organisation::AcceptInvitationPage;
    page OrganisationUsers => organisation::OrganisationUsersPage;
    page ApiKeys => api_keys::ApiKeysPage;
    page Notifications => notifications::NotificationsPage;
});

lazy_group!(staff_pages, __preload_staff_pages, StaffPage {
    page StaffHome => staff::StaffHomePage;
    page StaffApiKeys => api_keys::StaffApiKeysPage;
    page StaffReview => review::StaffReviewPage;
});
