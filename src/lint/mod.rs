//! Plain-language lints for `runbook check` (and `build`): pure functions
//! from the model to diagnostics.
//!
//! Only text a client can read is linted: run books with `audience: all`,
//! outside `{.internal}` sections, and `start_here` in handbook.yaml.
//! SOC-only text is written for analysts and may be technical. Every lint
//! is a warning (so `--strict` fails on it); in a `draft: true` run book it
//! is a note until the run book is published. Codes are RB1xx and are listed
//! in `docs/diagnostics.md`.

pub(crate) mod approval;
pub(crate) mod call;
pub(crate) mod jargon;
pub(crate) mod phases;
pub(crate) mod readability;
pub(crate) mod stale;
pub(crate) mod steps;
pub(crate) mod text;

use crate::diag::{Code, Diagnostic, Diagnostics, Level, SourceText, Span};
use crate::model::markdown::{BlockKind, Section};
use crate::model::values::{Audience, Date};
use crate::model::{LintSettings, Model, Runbook};
use jargon::{Finding, Vocabulary};
use rayon::prelude::*;
use readability::{syllables, Counts};
use std::collections::BTreeMap;
use text::{diag_at, front_matter_value, prose_tokens, sentences, tokens, Locator};

/// Runs every lint over the model. `today` decides which `reviewed` dates
/// are stale; it is the only input besides the model.
pub fn run(model: &Model, today: Date) -> Diagnostics {
    let vocab = Vocabulary::new(&model.handbook.lint, &model.glossary);
    let per_runbook: Vec<(Vec<Diagnostic>, Vec<Use<'_>>)> = model
        .runbooks
        .par_iter()
        .map(|rb| runbook(model, rb, &vocab, today))
        .collect();
    let mut diags = Diagnostics::new();
    let mut uses = Vec::new();
    for (found, used) in per_runbook {
        found.into_iter().for_each(|d| diags.push(d));
        uses.extend(used);
    }
    approval::check(model, today)
        .into_iter()
        .for_each(|d| diags.push(d));
    let hb = &model.handbook;
    let mut call = Vec::new();
    call::check(hb, &mut call);
    call.into_iter().for_each(|d| diags.push(d));
    if hb.start_here_written {
        let mut out = Vec::new();
        let mut found = Vec::new();
        text_blocks(&hb.source, &hb.start_here, &vocab, &mut found);
        uses.extend(found.into_iter().map(|finding| Use {
            source: &hb.source,
            finding,
            draft: false,
        }));
        readability_report(
            &hb.source,
            &hb.start_here,
            "`start_here`",
            &hb.lint,
            &mut out,
        );
        out.into_iter().for_each(|d| diags.push(d));
    }
    jargon_report(uses).into_iter().for_each(|d| diags.push(d));
    diags
}

/// One use of unexplained jargon, and where it is.
struct Use<'m> {
    source: &'m SourceText,
    finding: Finding,
    /// In a `draft: true` run book.
    draft: bool,
}

/// The note a lint problem in a draft carries.
const DRAFT_NOTE: &str =
    "this run book is a draft: its lint warnings count as notes until `draft: true` is removed";

fn runbook<'m>(
    model: &Model,
    rb: &'m Runbook,
    vocab: &Vocabulary,
    today: Date,
) -> (Vec<Diagnostic>, Vec<Use<'m>>) {
    let settings = &model.handbook.lint;
    let src = &rb.source;
    let mut out = Vec::new();
    let mut found = Vec::new();
    if !rb.draft {
        stale::check(
            rb,
            rb.review_every.unwrap_or(settings.stale_after_months),
            today,
            &mut out,
        );
    }
    if rb.audience == Audience::All {
        for (key, value) in [("title", &rb.title), ("summary", &rb.summary)] {
            if let Some((line, column, _)) = front_matter_value(src, key) {
                let mut locator = Locator::new(src, line, column, value.len());
                vocab.scan(value, &tokens(value), &mut locator, &mut found);
            }
        }
        text_blocks(src, &rb.intro, vocab, &mut found);
        for (_, section) in &rb.phases {
            text_blocks(src, section, vocab, &mut found);
        }
        readability_report(src, &rb.intro, "The introduction", settings, &mut out);
        for (phase, section) in &rb.phases {
            readability_report(src, section, phase.name(), settings, &mut out);
        }
    }
    phases::check(model, rb, &mut out);
    steps::check(model, rb, &mut out);
    if rb.draft {
        for d in &mut out {
            if d.severity == Level::Warning {
                d.severity = Level::Note;
                d.notes.push(DRAFT_NOTE.to_string());
            }
        }
    }
    let uses = found
        .into_iter()
        .map(|finding| Use {
            source: src,
            finding,
            draft: rb.draft,
        })
        .collect();
    (out, uses)
}

/// Scans the client-visible blocks of a section for jargon.
fn text_blocks(src: &SourceText, section: &Section, vocab: &Vocabulary, found: &mut Vec<Finding>) {
    for block in section.blocks.iter().filter(|b| !b.internal) {
        let mut locator = Locator::block(src, block);
        vocab.scan(&block.text, &prose_tokens(block), &mut locator, found);
    }
}

/// How many other places a jargon note names before "and N more" (JSON's
/// `related` has them all).
const NOTE_PLACES: usize = 10;

/// One problem per unexplained term per handbook: the term is explained
/// once in the glossary, so one entry fixes every use. The problem sits at
/// the first published use (by file, line and column; a draft's use only
/// when no published text uses the term), and names the other places.
fn jargon_report(uses: Vec<Use<'_>>) -> Vec<Diagnostic> {
    let mut by_term: BTreeMap<String, Vec<Use<'_>>> = BTreeMap::new();
    for u in uses {
        by_term.entry(u.finding.key.clone()).or_default().push(u);
    }
    let mut out = Vec::new();
    for (_, mut uses) in by_term {
        uses.sort_by(|a, b| {
            (a.draft, &a.source.path, a.finding.line, a.finding.column).cmp(&(
                b.draft,
                &b.source.path,
                b.finding.line,
                b.finding.column,
            ))
        });
        uses.dedup_by(|a, b| {
            a.source.path == b.source.path
                && (a.finding.line, a.finding.column) == (b.finding.line, b.finding.column)
        });
        let first = &uses[0];
        let mut d = jargon_diagnostic(first);
        let others = &uses[1..];
        if !others.is_empty() {
            let mut places: Vec<String> = others
                .iter()
                .take(NOTE_PLACES)
                .map(|u| format!("{}:{}", place_file(u), u.finding.line))
                .collect();
            if others.len() > NOTE_PLACES {
                places.push(format!("and {} more", others.len() - NOTE_PLACES));
            }
            d = d.note(format!("also used at {}", places.join(", ")));
            d.related = others
                .iter()
                .map(|u| {
                    Span::at(
                        u.source.path.clone(),
                        u.finding.line,
                        u.finding.column,
                        u.finding.len,
                    )
                })
                .collect();
        }
        if first.draft {
            d.severity = Level::Note;
            d.notes.push(DRAFT_NOTE.to_string());
        }
        out.push(d);
    }
    out
}

/// A file as the notes name it: `/`-separated.
fn place_file(u: &Use<'_>) -> String {
    u.source.path.to_string_lossy().replace('\\', "/")
}

/// The RB100 or RB101 problem for the first use of a term.
fn jargon_diagnostic(first: &Use<'_>) -> Diagnostic {
    let f = &first.finding;
    let (code, what) = if f.acronym {
        (Code::UndefinedAcronym, "an acronym")
    } else {
        (Code::Jargon, "jargon")
    };
    let message = format!("`{}` is {what} that the glossary does not explain", f.shown);
    let hint = match &f.starter {
        Some((term, definition)) => format!(
            "add `{term}` to glossary.yaml (docs/glossary-starter.yaml has it to copy: \"{definition}\"), use everyday words instead, or list `{}` under `lint: {{allow: [...]}}` in handbook.yaml",
            f.term
        ),
        None => format!(
            "add `{}` to glossary.yaml (as a term or an alias) with a plain definition, use everyday words instead, or list it under `lint: {{allow: [...]}}` in handbook.yaml",
            f.term
        ),
    };
    diag_at(first.source, code, f.line, f.column, f.len, message).hint(hint)
}

/// A section's reading grade, and its sentences that are too long.
fn readability_report(
    src: &SourceText,
    section: &Section,
    name: &str,
    settings: &LintSettings,
    out: &mut Vec<Diagnostic>,
) {
    let mut total = Counts::default();
    // (grade, words, line, text) of the hardest sentence, for the note.
    let mut hardest: Option<(f64, usize, String)> = None;
    let mut first_line = None;
    for block in section
        .blocks
        .iter()
        .filter(|b| !b.internal && b.kind != BlockKind::Heading)
    {
        let words = prose_tokens(block);
        if words.is_empty() {
            continue;
        }
        first_line.get_or_insert(block.line);
        let mut locator = Locator::block(src, block);
        for s in sentences(&block.text, &words) {
            let counts = Counts {
                sentences: 1,
                words: s.words(),
                // A code span reads like a name: one word of two syllables.
                syllables: words[s.first..s.end]
                    .iter()
                    .map(|w| if w.code { 2 } else { syllables(w.text) })
                    .sum(),
            };
            total.add(counts);
            let (line, column) = locator.find(words[s.first].text);
            let (end_line, end_column) = locator.find(words[s.end - 1].text);
            let sentence = s.text(&block.text, &words);
            if s.words() >= 5 && hardest.as_ref().is_none_or(|h| counts.grade() > h.0) {
                hardest = Some((counts.grade(), line, sentence.to_string()));
            }
            if s.words() > settings.max_sentence_words {
                let len = if end_line == line && end_column >= column {
                    end_column - column + words[s.end - 1].text.chars().count()
                } else {
                    usize::MAX
                };
                out.push(
                    diag_at(
                        src,
                        Code::LongSentence,
                        line,
                        column,
                        len,
                        format!(
                            "this sentence has {} words; the limit is {}: \"{sentence}\"",
                            s.words(),
                            settings.max_sentence_words
                        ),
                    )
                    .hint("split it into two or more sentences, or into a list of steps"),
                );
            }
        }
    }
    let grade = total.grade();
    if total.words < readability::MIN_WORDS || grade <= settings.max_grade {
        return;
    }
    let line = if section.line > 0 {
        section.line
    } else {
        first_line.unwrap_or(1)
    };
    let mut d = diag_at(
        src,
        Code::ReadingGrade,
        line,
        1,
        usize::MAX,
        format!(
            "{name} reads at grade {grade:.1} (Flesch–Kincaid); the limit is {}",
            settings.max_grade
        ),
    )
    .hint("use shorter sentences and everyday words with fewer syllables");
    if let Some((_, l, text)) = hardest {
        d = d.note(format!("the hardest sentence is on line {l}: \"{text}\""));
    }
    out.push(d);
}
