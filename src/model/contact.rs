//! Contact cards, from a client file or from `handbook.yaml` (the
//! provider's own): a module of their own because both files hold them.

use super::markdown::ContactField;
use crate::source::raw::{RawContact, RawContacts};
use std::collections::BTreeMap;

/// A contact card.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Contact {
    /// The id it is known by in placeholders.
    pub id: String,
    /// What it is for.
    pub label: Option<String>,
    /// Person or team.
    pub name: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// When to reach them.
    pub hours: Option<String>,
    /// The id of the contact to call when this one does not answer.
    pub backup: Option<String>,
}

impl Contact {
    fn from_raw(id: &str, raw: &RawContact) -> Contact {
        let clean = |v: &Option<String>| {
            v.as_ref()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        Contact {
            id: id.to_string(),
            label: clean(&raw.label),
            name: clean(&raw.name),
            phone: clean(&raw.phone),
            email: clean(&raw.email),
            hours: clean(&raw.hours),
            backup: raw
                .backup
                .as_ref()
                .map(|b| b.value.trim().to_string())
                .filter(|b| !b.is_empty() && b != id),
        }
    }

    /// One detail.
    pub fn field(&self, field: ContactField) -> Option<&str> {
        match field {
            ContactField::Label => self.label.as_deref(),
            ContactField::Name => self.name.as_deref(),
            ContactField::Phone => self.phone.as_deref(),
            ContactField::Email => self.email.as_deref(),
            ContactField::Hours => self.hours.as_deref(),
        }
    }
}

/// Contacts in the order they are written (SPEC §3: readers see them in
/// that order), found by id through an index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Contacts {
    /// File order.
    list: Vec<Contact>,
    /// Id to position in `list`.
    index: BTreeMap<String, usize>,
}

impl Contacts {
    /// The contacts of a client file or of `handbook.yaml`.
    pub(super) fn from_raw(raw: &RawContacts) -> Contacts {
        let mut contacts = Contacts::default();
        for (id, c) in &raw.0 {
            // The YAML library refuses a repeated id; should one get here,
            // the first stays, as written first.
            if !contacts.index.contains_key(id) {
                contacts.index.insert(id.clone(), contacts.list.len());
                contacts.list.push(Contact::from_raw(id, &c.value));
            }
        }
        contacts
    }

    /// The contact with this id.
    pub fn get(&self, id: &str) -> Option<&Contact> {
        self.index.get(id).and_then(|&i| self.list.get(i))
    }

    /// True when a contact has this id.
    pub fn contains_key(&self, id: &str) -> bool {
        self.index.contains_key(id)
    }

    /// Every id, sorted (for hints that name them).
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.index.keys()
    }

    /// Every contact, in the order written.
    pub fn values(&self) -> std::slice::Iter<'_, Contact> {
        self.list.iter()
    }
}
