//! Contact placeholders checked against every edition that shows them.
//!
//! A placeholder is written once but filled per edition: `{{ contacts.x }}`
//! comes from the provider when it has `x`, else from each client that sees
//! the text. So one use is checked against the provider, then against the
//! whole set of clients (a contact nobody has), then against each client
//! that sees it (one that lacks it, or lacks the detail asked for).

use super::client::Client;
use super::contact::Contacts;
use super::markdown::{ContactField, Placeholder, PlaceholderKind};
use super::reader::Reader;
use super::Model;
use crate::diag::{did_you_mean, Code, Diagnostic, Diagnostics, SourceText, Span};
use std::collections::BTreeSet;
use std::path::Path;

/// Every contact placeholder must be fillable in every edition that shows it.
pub(super) fn check(model: &Model, diags: &mut Diagnostics) {
    let mut checker = Checker { model, diags };
    for rb in &model.runbooks {
        for p in rb.sections().flat_map(|s| &s.placeholders) {
            let written = Written {
                placeholder: p,
                file: &rb.file,
                source: Some(&rb.source),
            };
            checker.check(&written, Reader::clients_seeing(model, rb));
        }
    }
    for p in &model.handbook.start_here.placeholders {
        let written = Written {
            placeholder: p,
            file: Path::new("handbook.yaml"),
            source: None,
        };
        checker.check(&written, model.clients.iter());
    }
}

/// One placeholder where it is written.
struct Written<'a> {
    placeholder: &'a Placeholder,
    file: &'a Path,
    /// The file's text, when problems can quote its line.
    source: Option<&'a SourceText>,
}

impl Written<'_> {
    /// A problem with this placeholder, at its place and as wide as it.
    fn diag(&self, code: Code, message: String) -> Diagnostic {
        let p = self.placeholder;
        let width = p.raw.chars().count();
        match self.source {
            Some(s) => s.diag_at(code, p.line, p.column, width, message),
            None => Diagnostic::new(code, Span::at(self.file, p.line, p.column, width), message),
        }
    }
}

/// Checks placeholders against one model's provider and clients.
struct Checker<'m, 'd> {
    model: &'m Model,
    diags: &'d mut Diagnostics,
}

impl<'m> Checker<'m, '_> {
    fn provider(&self) -> &'m Contacts {
        &self.model.handbook.contacts
    }

    /// Checks one placeholder against the provider and `clients`, the
    /// clients whose editions show it.
    fn check(&mut self, written: &Written<'_>, clients: impl Iterator<Item = &'m Client>) {
        let p = written.placeholder;
        let PlaceholderKind::Contact { id, field } = &p.kind else {
            return;
        };
        if let Some(contact) = self.provider().get(id) {
            if let Some(f) = field.filter(|f| contact.field(*f).is_none()) {
                self.diags.push(
                    written
                        .diag(
                            Code::ContactLacksField,
                            format!("the provider's contact `{id}` has no `{}`", f.as_str()),
                        )
                        .hint(format!(
                            "add `{}:` to contacts.{id} in handbook.yaml",
                            f.as_str()
                        )),
                );
            }
            return;
        }
        if !self
            .model
            .clients
            .iter()
            .any(|c| c.contacts.contains_key(id))
        {
            self.nobody_has(written, id);
            return;
        }
        if p.internal {
            return; // SOC-only text: no client edition shows it.
        }
        for client in clients {
            self.check_client(written, client, id, *field);
        }
    }

    /// Neither the provider nor any client has the contact.
    fn nobody_has(&mut self, written: &Written<'_>, id: &str) {
        let mut known: BTreeSet<&str> = self.provider().keys().map(String::as_str).collect();
        known.extend(
            self.model
                .clients
                .iter()
                .flat_map(|c| c.contacts.keys().map(String::as_str)),
        );
        let hint = match did_you_mean(id, known.iter().copied()) {
            Some(n) => format!("did you mean `contacts.{n}`? Contacts are defined in handbook.yaml and clients/*.yaml"),
            None => "define this contact in handbook.yaml `contacts` or in every client's `contacts`".to_string(),
        };
        self.diags.push(
            written
                .diag(
                    Code::UnknownContact,
                    format!("no client and not the provider has a contact `{id}`"),
                )
                .hint(hint),
        );
    }

    /// One client that shows the placeholder must have the contact, and
    /// the detail asked for.
    fn check_client(
        &mut self,
        written: &Written<'_>,
        client: &Client,
        id: &str,
        field: Option<ContactField>,
    ) {
        let file = client.file.display();
        match client.contacts.get(id) {
            None => self.diags.push(
                written
                    .diag(
                        Code::ClientLacksContact,
                        format!("client `{}` has no contact `{id}`", client.slug),
                    )
                    .hint(format!(
                        "add `{id}:` under `contacts` in {file}, or to handbook.yaml's contacts"
                    ))
                    .note(format!("needed by {file}")),
            ),
            Some(contact) => {
                let Some(f) = field.filter(|f| contact.field(*f).is_none()) else {
                    return;
                };
                self.diags.push(
                    written
                        .diag(
                            Code::ContactLacksField,
                            format!(
                                "client `{}`'s contact `{id}` has no `{}`",
                                client.slug,
                                f.as_str()
                            ),
                        )
                        .hint(format!("add `{}:` to contacts.{id} in {file}", f.as_str()))
                        .note(format!("needed by {file}")),
                );
            }
        }
    }
}
