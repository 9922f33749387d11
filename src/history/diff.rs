//! Two editions of one reader compared: what that reader would notice.
//!
//! Both sides are editions (`edition::edition`), never the model, so a
//! SOC-only section, a run book the reader does not get or another client's
//! override cannot show up here: it is not in either edition.

use crate::edition::changes::{
    Changes, ContactChange, Handover, ItemChange, Kind, PhaseChange, RunbookChange, Word,
};
use crate::edition::words::party_words_lower;
use crate::edition::{Edition, EditionRunbook, Piece, TextPiece};
use crate::model::markdown::BlockKind;
use crate::model::responsibility::Responsibility;
use crate::model::Contact;
use similar::{Algorithm, ChangeTag, DiffOp, TextDiff};
use std::collections::BTreeMap;

/// Below this share of words in common, a changed item reads as one
/// removed and one added rather than as reworded.
const REWORDED_AT_LEAST: f32 = 0.4;

/// What changed from `old` (the edition at the approved revision, `None`
/// when the reader had no edition then) to `new`.
pub fn compare(old: Option<&Edition<'_>>, new: &Edition<'_>) -> Changes {
    let soc = new.is_soc();
    let old_books: BTreeMap<&str, &EditionRunbook<'_>> = old
        .map(|e| e.runbooks.iter().map(|rb| (rb.slug, rb)).collect())
        .unwrap_or_default();
    let mut runbooks = Vec::new();
    for rb in &new.runbooks {
        match old_books.get(rb.slug) {
            None => runbooks.push(RunbookChange {
                slug: rb.slug.to_string(),
                title: rb.title.to_string(),
                kind: Kind::Added,
                old_title: None,
                phases: Vec::new(),
            }),
            Some(before) => {
                let phases = runbook_phases(before, rb, soc);
                let renamed = (before.title != rb.title).then(|| before.title.to_string());
                if !phases.is_empty() || renamed.is_some() {
                    runbooks.push(RunbookChange {
                        slug: rb.slug.to_string(),
                        title: rb.title.to_string(),
                        kind: Kind::Changed,
                        old_title: renamed,
                        phases,
                    });
                }
            }
        }
    }
    let now: Vec<&str> = new.runbooks.iter().map(|rb| rb.slug).collect();
    // Removed run books after the others, in the old edition's order.
    for rb in old.map(|e| e.runbooks.as_slice()).unwrap_or_default() {
        if !now.contains(&rb.slug) {
            runbooks.push(RunbookChange {
                slug: rb.slug.to_string(),
                title: rb.title.to_string(),
                kind: Kind::Removed,
                old_title: None,
                phases: Vec::new(),
            });
        }
    }
    Changes {
        since: String::new(),
        since_commit: String::new(),
        runbooks,
        contacts: old.map_or_else(Vec::new, |o| contacts(o, new)),
    }
}

/// The phases (and the introduction) of a run book in both editions that
/// changed.
fn runbook_phases(
    old: &EditionRunbook<'_>,
    new: &EditionRunbook<'_>,
    soc: bool,
) -> Vec<PhaseChange> {
    let mut out = Vec::new();
    let intro = items_changed(
        &items(&old.intro_text, &[]),
        &items(&new.intro_text, &[]),
        soc,
    );
    if !intro.is_empty() {
        out.push(PhaseChange {
            phase: "introduction",
            name: "Introduction",
            responsibility: None,
            items: intro,
        });
    }
    for (before, now) in old.phases.iter().zip(&new.phases) {
        let responsibility =
            (before.resolved.responsibility != now.resolved.responsibility).then(|| {
                handover(
                    before.resolved.responsibility,
                    now.resolved.responsibility,
                    soc,
                )
            });
        let changed = items_changed(
            &items(&before.text, &before.body),
            &items(&now.text, &now.body),
            soc,
        );
        if responsibility.is_some() || !changed.is_empty() {
            out.push(PhaseChange {
                phase: now.phase.slug(),
                name: now.phase.name(),
                responsibility,
                items: changed,
            });
        }
    }
    out
}

/// "was your team, now our SOC team".
fn handover(was: Responsibility, now: Responsibility, soc: bool) -> Handover {
    Handover {
        was: who(was, soc),
        now: who(now, soc),
    }
}

/// Who leads, and who advises, in the reader's words.
fn who(r: Responsibility, soc: bool) -> String {
    match r.advisor {
        Some(a) => format!(
            "{} (advised by {})",
            party_words_lower(r.lead, soc),
            party_words_lower(a, soc)
        ),
        None => party_words_lower(r.lead, soc).to_string(),
    }
}

/// One block of text a reader sees, with the lead of its step.
#[derive(Debug)]
struct Item {
    text: String,
    step: bool,
    lead: Option<Responsibility>,
}

/// A phase's text blocks in reading order; a step's lead comes from its
/// badge in the body.
fn items(text: &[TextPiece<'_>], body: &[Piece<'_>]) -> Vec<Item> {
    let leads: BTreeMap<usize, Responsibility> = body
        .iter()
        .filter_map(|p| match p {
            Piece::Badge { step, resolved, .. } => Some((*step, resolved.responsibility)),
            _ => None,
        })
        .collect();
    text.iter()
        .map(|t| Item {
            text: t.text.split_whitespace().collect::<Vec<_>>().join(" "),
            step: matches!(t.kind, BlockKind::Step(_)),
            lead: t.step.and_then(|n| leads.get(&n).copied()),
        })
        .filter(|i| !i.text.is_empty())
        .collect()
}

/// The items added, removed, reworded or handed over, in reading order.
fn items_changed(old: &[Item], new: &[Item], soc: bool) -> Vec<ItemChange> {
    let a: Vec<&str> = old.iter().map(|i| i.text.as_str()).collect();
    let b: Vec<&str> = new.iter().map(|i| i.text.as_str()).collect();
    let mut out = Vec::new();
    for op in similar::capture_diff_slices(Algorithm::Myers, &a, &b) {
        match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                for k in 0..len {
                    let (before, now) = (&old[old_index + k], &new[new_index + k]);
                    if let (Some(w), Some(n)) = (before.lead, now.lead) {
                        if w != n {
                            out.push(ItemChange {
                                change: "handed-over",
                                step: now.step,
                                text: now.text.clone(),
                                words: Vec::new(),
                                handover: Some(handover(w, n, soc)),
                            });
                        }
                    }
                }
            }
            DiffOp::Delete {
                old_index, old_len, ..
            } => {
                out.extend(old[old_index..old_index + old_len].iter().map(removed));
            }
            DiffOp::Insert {
                new_index, new_len, ..
            } => {
                out.extend(new[new_index..new_index + new_len].iter().map(added));
            }
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                let before = &old[old_index..old_index + old_len];
                let now = &new[new_index..new_index + new_len];
                let paired = before.len().min(now.len());
                for (w, n) in before.iter().zip(now) {
                    out.extend(reworded(w, n, soc));
                }
                out.extend(before[paired..].iter().map(removed));
                out.extend(now[paired..].iter().map(added));
            }
        }
    }
    out
}

fn removed(item: &Item) -> ItemChange {
    ItemChange {
        change: "removed",
        step: item.step,
        text: item.text.clone(),
        words: Vec::new(),
        handover: None,
    }
}

fn added(item: &Item) -> ItemChange {
    ItemChange {
        change: "added",
        step: item.step,
        text: item.text.clone(),
        words: Vec::new(),
        handover: None,
    }
}

/// One item whose words changed: reworded with its words marked, or, when
/// little of it stayed, removed and added.
fn reworded(old: &Item, new: &Item, soc: bool) -> Vec<ItemChange> {
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .diff_words(old.text.as_str(), new.text.as_str());
    if diff.ratio() < REWORDED_AT_LEAST {
        return vec![removed(old), added(new)];
    }
    // Removed and added words are gathered until a kept word comes, so a
    // reworded phrase reads as one struck-through and one new run, not as
    // word-by-word pairs; spaces between changed words join the runs.
    let mut words: Vec<Word> = Vec::new();
    let (mut removed_run, mut added_run) = (String::new(), String::new());
    let flush = |words: &mut Vec<Word>, removed_run: &mut String, added_run: &mut String| {
        // A space between a removed and an added run, outside both marks,
        // so that they read as two phrases.
        let both = !removed_run.trim().is_empty() && !added_run.trim().is_empty();
        for (tag, run) in [("removed", removed_run), ("added", added_run)] {
            let text = run.trim_end();
            if !text.is_empty() {
                if tag == "added" && both {
                    words.push(Word {
                        tag: "same",
                        text: " ".to_string(),
                    });
                }
                words.push(Word {
                    tag,
                    text: text.to_string(),
                });
            }
            run.clear();
        }
    };
    for change in diff.iter_all_changes() {
        let value = change.value();
        match change.tag() {
            ChangeTag::Delete => removed_run.push_str(value),
            ChangeTag::Insert => added_run.push_str(value),
            ChangeTag::Equal
                if value.trim().is_empty() && !(removed_run.is_empty() && added_run.is_empty()) =>
            {
                if !removed_run.is_empty() {
                    removed_run.push_str(value);
                }
                if !added_run.is_empty() {
                    added_run.push_str(value);
                }
            }
            ChangeTag::Equal => {
                let had = !(removed_run.is_empty() && added_run.is_empty());
                flush(&mut words, &mut removed_run, &mut added_run);
                let text = if had {
                    format!(" {value}")
                } else {
                    value.to_string()
                };
                match words.last_mut() {
                    Some(last) if last.tag == "same" => last.text.push_str(&text),
                    _ => words.push(Word { tag: "same", text }),
                }
            }
        }
    }
    flush(&mut words, &mut removed_run, &mut added_run);
    let handover = match (old.lead, new.lead) {
        (Some(w), Some(n)) if w != n => Some(handover(w, n, soc)),
        _ => None,
    };
    vec![ItemChange {
        change: "reworded",
        step: new.step,
        text: new.text.clone(),
        words,
        handover,
    }]
}

/// Contacts the reader sees (their own, then the provider's), compared by
/// id.
fn contacts(old: &Edition<'_>, new: &Edition<'_>) -> Vec<ContactChange> {
    fn seen<'a>(e: &'a Edition<'_>) -> Vec<(String, &'a Contact)> {
        e.own_contacts
            .iter()
            .map(|c| (format!("own:{}", c.id), *c))
            .chain(
                e.provider_contacts
                    .iter()
                    .map(|c| (format!("provider:{}", c.id), *c)),
            )
            .collect()
    }
    let before = seen(old);
    let now = seen(new);
    let label = |c: &Contact| {
        c.label
            .clone()
            .or_else(|| c.name.clone())
            .unwrap_or_else(|| c.id.replace('_', " "))
    };
    let mut out = Vec::new();
    for (key, c) in &now {
        match before.iter().find(|(k, _)| k == key) {
            None => out.push(ContactChange {
                id: c.id.clone(),
                label: label(c),
                change: "added",
                details: Vec::new(),
            }),
            Some((_, was)) if *was != *c => out.push(ContactChange {
                id: c.id.clone(),
                label: label(c),
                change: "changed",
                details: contact_details(was, c),
            }),
            Some(_) => {}
        }
    }
    for (key, c) in &before {
        if !now.iter().any(|(k, _)| k == key) {
            out.push(ContactChange {
                id: c.id.clone(),
                label: label(c),
                change: "removed",
                details: Vec::new(),
            });
        }
    }
    out
}

/// "phone was +44 20 7946 0999, now +44 20 7946 0123", per detail.
fn contact_details(was: &Contact, now: &Contact) -> Vec<String> {
    let fields: [(&str, &Option<String>, &Option<String>); 5] = [
        ("label", &was.label, &now.label),
        ("name", &was.name, &now.name),
        ("phone", &was.phone, &now.phone),
        ("email", &was.email, &now.email),
        ("hours", &was.hours, &now.hours),
    ];
    fields
        .iter()
        .filter(|(_, a, b)| a != b)
        .map(|(name, a, b)| match (a, b) {
            (Some(a), Some(b)) => format!("{name} was {a}, now {b}"),
            (None, Some(b)) => format!("{name} added: {b}"),
            (Some(a), None) => format!("{name} removed (was {a})"),
            (None, None) => String::new(),
        })
        .collect()
}
