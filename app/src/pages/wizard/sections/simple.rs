//! Sections made of plain questions: organisation, contacts, connection
//! details and the GDPR declaration.

use leptos::prelude::*;

use crate::domain::content::{DECLARATIONS, SERVICE_CATEGORIES};
use crate::domain::validation::limits;
use crate::lens;
use crate::pages::wizard::inputs::{CheckboxInput, FieldFrame, SelectInput, TextInput, YesNoInput};
use crate::pages::wizard::use_wizard;

#[component]
pub fn OrganisationSection() -> impl IntoView {
    view! {
        <TextInput path="organisation.legal_name" label="Legal name" autocomplete="organization" lens=lens!(organisation.legal_name) />
        <CheckboxInput path="organisation.public_body" label="We are a public body with no company or charity number" lens=lens!(organisation.public_body) />
        <TextInput path="organisation.company_or_charity_number" label="Company or charity number" lens=lens!(organisation.company_or_charity_number) />
        <TextInput path="organisation.registered_address" label="Registered address" multiline=true lens=lens!(organisation.registered_address) />
        <TextInput path="organisation.ico_registration" label="ICO registration number" lens=lens!(organisation.ico_registration) />
        <TextInput path="organisation.website" label="Website" input_type="url" lens=lens!(organisation.website) />
    }
}

#[component]
pub fn ContactsSection() -> impl IntoView {
    view! {
        <fieldset class="fieldset">
            <legend class="fieldset__legend">"Business contact"</legend>
            <TextInput path="contacts.business.name" label="Full name" lens=lens!(contacts.business.name) />
            <TextInput path="contacts.business.role" label="Role" lens=lens!(contacts.business.role) />
            <TextInput path="contacts.business.email" label="Email address" input_type="email" lens=lens!(contacts.business.email) />
            <TextInput path="contacts.business.phone" label="Phone number" input_type="tel" lens=lens!(contacts.business.phone) />
        </fieldset>
        <fieldset class="fieldset">
            <legend class="fieldset__legend">"Technical contact"</legend>
            <TextInput path="contacts.technical.name" label="Full name" lens=lens!(contacts.technical.name) />
            <TextInput path="contacts.technical.role" label="Role" lens=lens!(contacts.technical.role) />
            <TextInput path="contacts.technical.email" label="Email address" input_type="email" lens=lens!(contacts.technical.email) />
            <TextInput path="contacts.technical.phone" label="Phone number" input_type="tel" lens=lens!(contacts.technical.phone) />
        </fieldset>
        <fieldset class="fieldset">
            <legend class="fieldset__legend">"Data protection officer"</legend>
            <TextInput path="contacts.dpo.name" label="Full name" lens=lens!(contacts.dpo.name) />
            <TextInput path="contacts.dpo.email" label="Email address" input_type="email" lens=lens!(contacts.dpo.email) />
        </fieldset>
    }
}

#[component]
pub fn ConnectionDetailsSection() -> impl IntoView {
    let categories = SERVICE_CATEGORIES
        .iter()
        .map(|c| (c.to_string(), c.to_string()))
        .collect();
    view! {
        <TextInput path="connection.name" label="Connection name" lens=lens!(connection.name) />
        <TextInput path="connection.member_description" label="Description shown to members" multiline=true
            max_chars=limits::MEMBER_DESCRIPTION lens=lens!(connection.member_description) />
        <TextInput path="connection.service_url" label="Service URL" input_type="url" lens=lens!(connection.service_url) />
        <SelectInput path="connection.category" label="Service category" options=categories lens=lens!(connection.category) />
        <TextInput path="connection.expected_members" label="Expected number of members" lens=lens!(connection.expected_members) />
        <TextInput path="connection.expected_calls_per_day" label="Expected API calls per day" lens=lens!(connection.expected_calls_per_day) />
    }
}

#[component]
pub fn GdprSection() -> impl IntoView {
    let wizard = use_wizard();
    let dpia_done = move || wizard.content.with(|c| c.gdpr.dpia_done);
    view! {
        <TextInput path="gdpr.controller_name" label="Data controller" lens=lens!(gdpr.controller_name) />
        <TextInput path="gdpr.privacy_notice_url" label="Privacy notice URL" input_type="url" lens=lens!(gdpr.privacy_notice_url) />
        <YesNoInput path="gdpr.dpia_done" label="Have you done a data protection impact assessment (DPIA)?" lens=lens!(gdpr.dpia_done) />
        <Show when=move || dpia_done() == Some(true)>
            <TextInput path="gdpr.dpia_date" label="Date of the DPIA" hint="In the form YYYY-MM-DD, for example 2026-09-14" lens=lens!(gdpr.dpia_date) />
            <TextInput path="gdpr.dpia_summary_url" label="URL of the DPIA summary" input_type="url" lens=lens!(gdpr.dpia_summary_url) />
        </Show>
        <Show when=move || dpia_done() == Some(false)>
            <TextInput path="gdpr.dpia_not_needed_reason" label="Why is no DPIA needed?" multiline=true lens=lens!(gdpr.dpia_not_needed_reason) />
        </Show>
        <TextInput path="gdpr.rights_contact" label="Contact for data subject rights requests" input_type="email" lens=lens!(gdpr.rights_contact) />
        <TextInput path="gdpr.security_summary" label="Security measures" multiline=true lens=lens!(gdpr.security_summary) />
        <TextInput path="gdpr.breach_process" label="Breach notification process" multiline=true lens=lens!(gdpr.breach_process) />
        <FieldFrame path="gdpr.declarations" label="Declarations">
            <div id="f-gdpr-declarations" class="checkbox-list">
                {DECLARATIONS.iter().map(|(key, text)| {
                    let key = key.to_string();
                    let id = format!("f-gdpr-declarations-{key}");
                    let checked_key = key.clone();
                    view! {
                        <div class="checkbox">
                            <input type="checkbox" id=id.clone() disabled=move || !wizard.editable()
                                prop:checked=move || wizard.content.with(|c| c.gdpr.declarations.contains(&checked_key))
                                on:change=move |ev| {
                                    let checked = event_target_checked(&ev);
                                    let key = key.clone();
                                    wizard.edit(move |c| {
                                        c.gdpr.declarations.retain(|k| *k != key);
                                        if checked {
                                            c.gdpr.declarations.push(key);
                                        }
                                    });
                                    wizard.save_now();
                                } />
                            <label for=id>{*text}</label>
                        </div>
                    }
                }).collect_view()}
            </div>
        </FieldFrame>
    }
}
