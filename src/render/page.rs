//! Every kind of page an edition has, in one place.
//!
//! Which pages an edition has, the file each is written to, the template
//! that draws it, how many folders deep it sits (relative links climb that
//! many `../`), what its `<main data-page>` hook says and which run books it
//! reads: render writes pages from this table, and serve asks it which
//! rendered pages an edit makes stale. Every match on [`Page`] here is
//! exhaustive, so a new kind of page is one variant and the compiler points
//! at each question it must answer; nothing else spells a page's path.

use crate::edition::Edition;
use crate::model::phase::Phase;

/// One page of an edition. A run book is named by its position in the list
/// of run book slugs the page's path is made with (for render, the
/// edition's run books in the edition's order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Page {
    /// `index.html`: start here, contacts, run books by category.
    Home,
    /// `<runbook>/index.html`: a run book's overview.
    Runbook(usize),
    /// `<runbook>/<phase>/index.html`: one phase of a run book.
    Phase(usize, Phase),
    /// `<runbook>/print/index.html`: a whole run book on one page.
    RunbookPrint(usize),
    /// `phases/<phase>/index.html`: one phase across every run book.
    PhaseIndex(Phase),
    /// `glossary/index.html`
    Glossary,
    /// `print/index.html`: the whole handbook on one page.
    HandbookPrint,
    /// `search/index.html`
    Search,
    /// `404.html`
    NotFound,
    /// `alerts/index.html`: paste an alert or rule ID, land on the run book
    /// (SOC edition only).
    Alerts,
    /// `attack/index.html`: ATT&CK techniques by tactic and the run books
    /// covering each (SOC edition only).
    Attack,
    /// `card/index.html`: the first fifteen minutes on one A4 page.
    Card,
    /// `changes/index.html`: what changed since the client approved the
    /// handbook (client editions with an approved version only).
    Changes,
}

/// What a page shows of the edition's run books, beyond what every page of
/// the edition shows (settings, glossary, theme, the client's file and the
/// cover date: a change to any of those renews the whole edition).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reads {
    /// No run book.
    Nothing,
    /// This run book (by position), and the titles and addresses of the
    /// run books it links to.
    Own(usize),
    /// Every run book of the edition (a list, an index, the handbook).
    Every,
}

/// One folder on the way to a page's file.
#[derive(Clone, Copy)]
enum Folder {
    /// The folder named after run book `n`.
    Runbook(usize),
    /// A folder with a fixed name.
    Named(&'static str),
}

/// The file name of every page that is a folder's index.
const INDEX: &str = "index.html";

impl Page {
    /// Every page of an edition, in a stable order.
    pub(crate) fn all_for(edition: &Edition<'_>) -> Vec<Page> {
        let mut pages = Page::all(edition.runbooks.len());
        if edition.is_soc() {
            pages.extend(Page::SOC_ONLY);
        }
        if edition.changes.is_some() {
            pages.push(Page::Changes);
        }
        pages
    }

    /// The pages only the SOC edition has. [`Page::all`] leaves them out:
    /// they read every run book, so serve never keeps them after an edit.
    pub(crate) const SOC_ONLY: [Page; 2] = [Page::Alerts, Page::Attack];

    /// Every page of an edition that shows `runbooks` run books, in a
    /// stable order: the edition's own pages, then each run book's.
    pub(crate) fn all(runbooks: usize) -> Vec<Page> {
        let mut out = vec![
            Page::Home,
            Page::Glossary,
            Page::HandbookPrint,
            Page::Search,
            Page::NotFound,
            Page::Card,
        ];
        out.extend(Phase::ALL.iter().map(|p| Page::PhaseIndex(*p)));
        for i in 0..runbooks {
            out.push(Page::Runbook(i));
            out.push(Page::RunbookPrint(i));
            out.extend(Phase::ALL.iter().map(|p| Page::Phase(i, *p)));
        }
        out
    }

    /// The folders the page's file sits in, outermost first, and its file
    /// name: the one table both [`Page::path`] and [`Page::depth`] read.
    fn place(self) -> ([Option<Folder>; 2], &'static str) {
        use Folder::{Named, Runbook as Rb};
        match self {
            Page::Home => ([None, None], INDEX),
            Page::Runbook(i) => ([Some(Rb(i)), None], INDEX),
            Page::Phase(i, ph) => ([Some(Rb(i)), Some(Named(ph.slug()))], INDEX),
            Page::RunbookPrint(i) => ([Some(Rb(i)), Some(Named("print"))], INDEX),
            Page::PhaseIndex(ph) => ([Some(Named("phases")), Some(Named(ph.slug()))], INDEX),
            Page::Glossary => ([Some(Named("glossary")), None], INDEX),
            Page::HandbookPrint => ([Some(Named("print")), None], INDEX),
            Page::Search => ([Some(Named("search")), None], INDEX),
            Page::NotFound => ([None, None], "404.html"),
            Page::Alerts => ([Some(Named("alerts")), None], INDEX),
            Page::Attack => ([Some(Named("attack")), None], INDEX),
            Page::Card => ([Some(Named("card")), None], INDEX),
            Page::Changes => ([Some(Named("changes")), None], INDEX),
        }
    }

    /// The page's file inside its edition folder (`/`-separated), with run
    /// book `n` named `runbooks[n]`.
    pub(crate) fn path(self, runbooks: &[&str]) -> String {
        let (folders, file) = self.place();
        let mut path = String::with_capacity(64);
        for folder in folders.iter().flatten() {
            path.push_str(match *folder {
                Folder::Runbook(i) => runbooks[i],
                Folder::Named(name) => name,
            });
            path.push('/');
        }
        path.push_str(file);
        path
    }

    /// How many folders deep the page's file sits: links from it to other
    /// files of the edition start with `../` this many times.
    pub(crate) fn depth(self) -> usize {
        self.place().0.iter().flatten().count()
    }

    /// The theme template that draws the page.
    pub(crate) fn template(self) -> &'static str {
        match self {
            Page::Home => "home.html",
            Page::Runbook(_) => "runbook.html",
            Page::Phase(..) => "phase.html",
            Page::RunbookPrint(_) | Page::HandbookPrint => "print.html",
            Page::PhaseIndex(_) => "phase_index.html",
            Page::Glossary => "glossary.html",
            Page::Search => "search.html",
            Page::NotFound => "404.html",
            Page::Alerts => "alerts.html",
            Page::Attack => "attack.html",
            Page::Card => "card.html",
            Page::Changes => "changes.html",
        }
    }

    /// The page's kind as `<main data-page>` and `<body class="page-…">`
    /// name it (SPEC §5; `not-found` for the 404 page).
    pub(crate) fn data_page(self) -> &'static str {
        match self {
            Page::Home => "home",
            Page::Runbook(_) => "runbook",
            Page::Phase(..) => "phase",
            Page::RunbookPrint(_) | Page::HandbookPrint => "print",
            Page::PhaseIndex(_) => "phase-index",
            Page::Glossary => "glossary",
            Page::Search => "search",
            Page::NotFound => "not-found",
            Page::Alerts => "alerts",
            Page::Attack => "attack",
            Page::Card => "card",
            Page::Changes => "changes",
        }
    }

    /// The run book the page belongs to (its `data-runbook`), by position.
    pub(crate) fn runbook(self) -> Option<usize> {
        match self {
            Page::Runbook(i) | Page::Phase(i, _) | Page::RunbookPrint(i) => Some(i),
            Page::Home
            | Page::PhaseIndex(_)
            | Page::Glossary
            | Page::HandbookPrint
            | Page::Search
            | Page::NotFound
            | Page::Alerts
            | Page::Attack
            | Page::Card
            | Page::Changes => None,
        }
    }

    /// The phase the page is about (its `data-phase`).
    pub(crate) fn phase(self) -> Option<Phase> {
        match self {
            Page::Phase(_, ph) | Page::PhaseIndex(ph) => Some(ph),
            Page::Home
            | Page::Runbook(_)
            | Page::RunbookPrint(_)
            | Page::Glossary
            | Page::HandbookPrint
            | Page::Search
            | Page::NotFound
            | Page::Alerts
            | Page::Attack
            | Page::Card
            | Page::Changes => None,
        }
    }

    /// Which run books the page shows, so serve can tell whether an edit to
    /// a run book reaches it.
    pub(crate) fn reads(self) -> Reads {
        match self {
            Page::Runbook(i) | Page::Phase(i, _) | Page::RunbookPrint(i) => Reads::Own(i),
            Page::Home
            | Page::PhaseIndex(_)
            | Page::HandbookPrint
            | Page::Search
            | Page::NotFound
            | Page::Alerts
            | Page::Attack
            | Page::Card
            // The changes page reads two editions of every run book (then and now).
            | Page::Changes => Reads::Every,
            Page::Glossary => Reads::Nothing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    const SLUGS: [&str; 3] = ["phishing", "ransomware", "lost-device"];

    #[test]
    fn paths_are_the_published_ones() {
        let cases = [
            (Page::Home, "index.html"),
            (Page::Runbook(1), "ransomware/index.html"),
            (
                Page::Phase(0, Phase::LessonsLearned),
                "phishing/lessons-learned/index.html",
            ),
            (Page::RunbookPrint(2), "lost-device/print/index.html"),
            (
                Page::PhaseIndex(Phase::Containment),
                "phases/containment/index.html",
            ),
            (Page::Glossary, "glossary/index.html"),
            (Page::HandbookPrint, "print/index.html"),
            (Page::Search, "search/index.html"),
            (Page::NotFound, "404.html"),
            (Page::Card, "card/index.html"),
            (Page::Changes, "changes/index.html"),
        ];
        for (page, path) in cases {
            assert_eq!(page.path(&SLUGS), path, "{page:?}");
        }
    }

    /// Every page the SOC edition of `n` run books has.
    fn soc_pages(n: usize) -> Vec<Page> {
        let mut pages = Page::all(n);
        pages.extend(Page::SOC_ONLY);
        pages
    }

    /// Every page kind, the changes page (client editions only) included.
    fn every_kind(n: usize) -> Vec<Page> {
        let mut pages = soc_pages(n);
        pages.push(Page::Changes);
        pages
    }

    #[test]
    fn depth_is_the_folders_in_the_path() {
        for page in every_kind(SLUGS.len()) {
            let path = page.path(&SLUGS);
            assert_eq!(page.depth(), path.matches('/').count(), "{path}");
        }
    }

    #[test]
    fn every_page_of_an_edition_has_its_own_path() {
        for n in 0..=SLUGS.len() {
            let pages = soc_pages(n);
            assert_eq!(pages.len(), 6 + 6 + 2 + n * 8);
            let paths: BTreeSet<String> = pages.iter().map(|p| p.path(&SLUGS)).collect();
            assert_eq!(paths.len(), pages.len(), "{paths:?}");
            let distinct: std::collections::HashSet<&Page> = pages.iter().collect();
            assert_eq!(distinct.len(), pages.len());
        }
    }

    #[test]
    fn pages_of_the_edition_itself_use_only_reserved_names() {
        // A run book may not take the name of an edition page's folder or
        // file, or its pages would collide with the edition's own.
        for page in every_kind(0) {
            let path = page.path(&[]);
            let first = path.split('/').next().unwrap_or_default();
            let name = first.strip_suffix(".html").unwrap_or(first);
            assert!(
                crate::model::runbook::RESERVED_RUNBOOK_SLUGS.contains(&name),
                "{path}: `{name}` is not reserved"
            );
        }
    }

    #[test]
    fn hooks_templates_and_run_books_match_the_kind() {
        let hooks: BTreeSet<&str> = soc_pages(1).iter().map(|p| p.data_page()).collect();
        let want: BTreeSet<&str> = [
            "home",
            "runbook",
            "phase",
            "phase-index",
            "glossary",
            "print",
            "search",
            "not-found",
            "alerts",
            "attack",
            "card",
        ]
        .into();
        assert_eq!(hooks, want);
        for page in soc_pages(SLUGS.len()) {
            assert!(page.template().ends_with(".html"));
            // A page of a run book sits in that run book's folder.
            let path = page.path(&SLUGS);
            match page.runbook() {
                Some(i) => {
                    assert!(path.starts_with(&format!("{}/", SLUGS[i])), "{path}");
                    assert_eq!(page.reads(), Reads::Own(i));
                }
                None => assert_ne!(page.reads(), Reads::Own(0), "{path}"),
            }
            if let Some(ph) = page.phase() {
                assert!(path.contains(&format!("/{}/", ph.slug())), "{path}");
            }
        }
        assert_eq!(Page::Home.reads(), Reads::Every);
        assert_eq!(Page::Search.reads(), Reads::Every);
        assert_eq!(Page::Glossary.reads(), Reads::Nothing);
        assert_eq!(Page::Changes.reads(), Reads::Every);
        assert_eq!(Page::Changes.data_page(), "changes");
    }
}
