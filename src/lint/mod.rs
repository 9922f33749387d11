//! Plain-language lints for `runbook check` (and `build`): pure functions
//! from the model to diagnostics.
//!
//! Only text a client can read is linted: run books with `audience: all`,
//! outside `{.internal}` sections, and `start_here` in handbook.yaml.
//! SOC-only text is written for analysts and may be technical. Every lint
//! is a warning (so `--strict` fails on it); in a `draft: true` run book it
//! is a note until the run book is published. Codes are RB1xx and are listed
//! in `docs/diagnostics.md`.

pub mod jargon;
pub mod phases;
pub mod readability;
pub mod stale;
pub mod text;

use crate::diag::{Code, Diagnostic, Diagnostics, Severity, SourceText};
use crate::model::markdown::{BlockKind, Section};
use crate::model::values::{Audience, Date};
use crate::model::{LintSettings, Model, Runbook};
use jargon::{Finding, Vocabulary};
use rayon::prelude::*;
use readability::{syllables, Counts};
use std::collections::BTreeMap;
use text::{diag_at, front_matter_value, sentences, tokens, Locator};

/// Runs every lint over the model. `today` decides which `reviewed` dates
/// are stale; it is the only input besides the model.
pub fn run(model: &Model, today: Date) -> Diagnostics {
    let vocab = Vocabulary::new(&model.handbook.lint, &model.glossary);
    let per_runbook: Vec<Vec<Diagnostic>> = model
        .runbooks
        .par_iter()
        .map(|rb| runbook(model, rb, &vocab, today))
        .collect();
    let mut diags = Diagnostics::new();
    for d in per_runbook.into_iter().flatten() {
        diags.push(d);
    }
    let hb = &model.handbook;
    if hb.start_here_written {
        let mut out = Vec::new();
        let mut found = Vec::new();
        text_blocks(&hb.source, &hb.start_here, &vocab, &mut found);
        jargon_report(&hb.source, found, &mut out);
        readability_report(
            &hb.source,
            &hb.start_here,
            "`start_here`",
            &hb.lint,
            &mut out,
        );
        out.into_iter().for_each(|d| diags.push(d));
    }
    diags
}

fn runbook(model: &Model, rb: &Runbook, vocab: &Vocabulary, today: Date) -> Vec<Diagnostic> {
    let settings = &model.handbook.lint;
    let src = &rb.source;
    let mut out = Vec::new();
    if !rb.draft {
        stale::check(rb, settings.stale_after_months, today, &mut out);
    }
    if rb.audience == Audience::All {
        let mut found = Vec::new();
        for (key, value) in [("title", &rb.title), ("summary", &rb.summary)] {
            if let Some((line, column, _)) = front_matter_value(src, key) {
                let mut locator = Locator::new(src, line, column, value.len());
                vocab.scan(value, &mut locator, &mut found);
            }
        }
        text_blocks(src, &rb.intro, vocab, &mut found);
        for (_, section) in &rb.phases {
            text_blocks(src, section, vocab, &mut found);
        }
        jargon_report(src, found, &mut out);
        readability_report(src, &rb.intro, "The introduction", settings, &mut out);
        for (phase, section) in &rb.phases {
            readability_report(src, section, phase.name(), settings, &mut out);
        }
    }
    phases::check(model, rb, &mut out);
    if rb.draft {
        for d in &mut out {
            if d.severity == Severity::Warning {
                d.severity = Severity::Note;
                d.notes.push(
                    "this run book is a draft: its lint warnings count as notes until `draft: true` is removed".to_string(),
                );
            }
        }
    }
    out
}

/// Scans the client-visible blocks of a section for jargon.
fn text_blocks(src: &SourceText, section: &Section, vocab: &Vocabulary, found: &mut Vec<Finding>) {
    for block in section.blocks.iter().filter(|b| !b.internal) {
        let mut locator = Locator::block(src, block);
        vocab.scan(&block.text, &mut locator, found);
    }
}

/// One warning per unexplained term per file, at its first use; the other
/// uses are listed in a note.
fn jargon_report(src: &SourceText, found: Vec<Finding>, out: &mut Vec<Diagnostic>) {
    let mut by_term: BTreeMap<String, Vec<Finding>> = BTreeMap::new();
    for f in found {
        by_term.entry(f.key.clone()).or_default().push(f);
    }
    for (_, mut uses) in by_term {
        uses.sort_by_key(|f| (f.line, f.column));
        uses.dedup_by_key(|f| (f.line, f.column));
        let first = &uses[0];
        let (code, message) = if first.acronym {
            (
                Code::UndefinedAcronym,
                format!(
                    "`{}` is an acronym that the glossary does not explain",
                    first.shown
                ),
            )
        } else {
            (
                Code::Jargon,
                format!(
                    "`{}` is jargon that the glossary does not explain",
                    first.shown
                ),
            )
        };
        let mut d = diag_at(src, code, first.line, first.column, first.len, message).hint(format!(
            "add `{}` to glossary.yaml (as a term or an alias) with a plain definition, use everyday words instead, or list it under `lint: {{allow: [...]}}` in handbook.yaml",
            first.term
        ));
        let mut lines: Vec<usize> = uses[1..].iter().map(|f| f.line).collect();
        lines.dedup();
        if !lines.is_empty() {
            d = d.note(format!(
                "also used on line{} {}",
                if lines.len() == 1 { "" } else { "s" },
                lines
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        out.push(d);
    }
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
        let words = tokens(&block.text);
        if words.is_empty() {
            continue;
        }
        first_line.get_or_insert(block.line);
        let mut locator = Locator::block(src, block);
        for s in sentences(&block.text, &words) {
            let counts = Counts {
                sentences: 1,
                words: s.words(),
                syllables: words[s.first..s.end]
                    .iter()
                    .map(|w| syllables(w.text))
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
