//! What each output file is made from, as one number: its *key*.
//!
//! A rebuild over a previous output may skip rendering a file when the
//! file on disk was made from the same inputs, which the build record
//! ([`crate::output`]) says by storing each file's key beside the file's
//! stamp. A key must change whenever anything that can reach the file's
//! bytes changes; a key that changes when nothing did only costs a render.
//! So keys are built wide:
//!
//! - the *global* part: this very program (its file's identity, not just
//!   its version number), the handbook (its whole file, and its *start
//!   here* text with links resolved), the theme (every file), the
//!   glossary, and the build options (cover date, version string, drafts);
//! - the *edition* part: the reader (the whole client, logo bytes and
//!   all; the SOC edition takes every client), what changed since the
//!   client's approval, the cover date, and the list of run books shown
//!   (slug and title, in order: the 404 page, the side navigation and a
//!   theme's own templates read it from every page);
//! - the *run book* part, by what the file reads ([`Dep`], from
//!   [`Page::reads`]): nothing more; its own run book plus, for every run book it
//!   links to, that run book's key and whether this edition shows it; or
//!   every shown run book's. A run book's key is its file's name and text
//!   and where each of its links was resolved to.
//!
//! Hashing is SipHash-1-3 with 128-bit output over length-prefixed fields,
//! so two different field lists cannot run together into one.

use super::page::{Page, Reads};
use crate::edition::{Edition, EditionOptions};
use crate::model::{Model, Runbook};
use siphasher::sip128::{Hasher128, SipHasher13};
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::hash::Hasher;

/// The key of one file: what it was made from, hashed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key(pub u128);

impl Key {
    /// Lower-case hexadecimal, 32 digits (the build record's spelling).
    pub fn to_hex(self) -> String {
        format!("{:032x}", self.0)
    }

    /// Reads [`Key::to_hex`]'s spelling.
    pub fn from_hex(text: &str) -> Option<Key> {
        if text.len() != 32 {
            return None;
        }
        u128::from_str_radix(text, 16).ok().map(Key)
    }
}

/// What a file of an edition reads beyond the edition's own part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dep<'a> {
    /// Nothing of any run book.
    Nothing,
    /// This run book (by slug).
    Own(&'a str),
    /// Every run book the edition shows.
    Every,
}

impl<'a> Dep<'a> {
    /// What `page` reads, with run books named by slug (`slugs` in the
    /// edition's order, as pages number them).
    pub(crate) fn of_page(page: Page, slugs: &[&'a str]) -> Dep<'a> {
        match page.reads() {
            Reads::Nothing => Dep::Nothing,
            Reads::Own(i) => slugs.get(i).map_or(Dep::Every, |s| Dep::Own(s)),
            Reads::Every => Dep::Every,
        }
    }
}

/// A hasher fed with length-prefixed fields.
struct Digest(SipHasher13);

impl Digest {
    fn new(domain: &str) -> Digest {
        let mut d = Digest(SipHasher13::new());
        d.text(domain);
        d
    }

    fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.0.write_u64(b.len() as u64);
        self.0.write(b);
        self
    }

    fn text(&mut self, s: &str) -> &mut Self {
        self.bytes(s.as_bytes())
    }

    fn number(&mut self, n: u128) -> &mut Self {
        self.0.write_u128(n);
        self
    }

    fn key(&mut self, k: Key) -> &mut Self {
        self.number(k.0)
    }

    /// Everything `value` shows of itself in `{:?}`: every field of a
    /// derived `Debug`, without building the string. Closed with a
    /// separator so two values cannot run together.
    fn debug(&mut self, value: &dyn fmt::Debug) -> &mut Self {
        let mut w = DigestWriter(&mut self.0);
        let _ = write!(w, "{value:?}");
        self.0.write_u8(0xff);
        self
    }

    fn finish(&self) -> Key {
        Key(self.0.finish128().as_u128())
    }
}

struct DigestWriter<'h>(&'h mut SipHasher13);

impl fmt::Write for DigestWriter<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.write(s.as_bytes());
        Ok(())
    }
}

/// The inputs of a build that reach its files, hashed once per build: the
/// global part and each run book's and each client's own part.
#[derive(Clone, Debug)]
pub struct Inputs {
    global: Key,
    /// Run book slug → its key (the validated run book, whole).
    runbooks: BTreeMap<String, Key>,
    /// Run book slug → the run books it links to.
    links: BTreeMap<String, Vec<String>>,
    /// Client slug → its key (the validated client, logo bytes included).
    clients: BTreeMap<String, Key>,
    /// Every client's key together: what the SOC edition reads of clients.
    all_clients: Key,
}

impl Inputs {
    /// Hashes the model, theme files and options; `program` names this
    /// program's build (see [`program_identity`]).
    pub fn new(model: &Model, options: &EditionOptions, program: &str) -> Inputs {
        let hb = &model.handbook;
        let mut g = Digest::new("runbook inputs 1");
        g.text(program);
        g.text(&hb.source.text);
        g.debug(&hb.source.path);
        // Start here, with its links as resolved against the run books.
        g.debug(&hb.start_here);
        let theme = &hb.theme;
        g.debug(&theme.dir);
        for (name, text) in &theme.templates {
            g.text(name).text(&text.text);
        }
        g.number(theme.statics.len() as u128);
        for (name, bytes) in &theme.statics {
            g.text(name).bytes(bytes);
        }
        g.debug(&model.glossary);
        g.debug(&options.include_drafts)
            .debug(&options.date)
            .debug(&options.version);
        let runbooks: BTreeMap<String, Key> = {
            use rayon::prelude::*;
            model
                .runbooks
                .par_iter()
                .map(|rb| (rb.slug.clone(), runbook_key(rb)))
                .collect::<Vec<_>>()
                .into_iter()
                .collect()
        };
        let clients: BTreeMap<String, Key> = model
            .clients
            .iter()
            .map(|c| {
                let mut without_logo = c.clone();
                let logo = without_logo.logo.take();
                let mut d = Digest::new("client");
                d.debug(&without_logo);
                match &logo {
                    Some(l) => d.text(&l.extension).bytes(&l.bytes),
                    None => d.text("no logo"),
                };
                (c.slug.clone(), d.finish())
            })
            .collect();
        let mut all = Digest::new("all clients");
        for (slug, key) in &clients {
            all.text(slug).key(*key);
        }
        Inputs {
            global: g.finish(),
            runbooks,
            clients,
            all_clients: all.finish(),
            links: model
                .runbooks
                .iter()
                .map(|rb| (rb.slug.clone(), links_to(rb)))
                .collect(),
        }
    }

    /// The keys of one edition's files.
    pub fn edition(&self, edition: &Edition<'_>) -> EditionKeys {
        let mut e = Digest::new("edition");
        e.key(self.global).text(&edition.slug);
        match edition.reader.client() {
            Some(c) => e.text("client").key(self.client(&c.slug)),
            None => e.text("every client").key(self.all_clients),
        };
        e.debug(&edition.date).debug(&edition.changes);
        e.number(edition.runbooks.len() as u128);
        for rb in &edition.runbooks {
            e.text(rb.slug).text(rb.title);
        }
        let edition_key = e.finish();
        let shown: std::collections::BTreeSet<&str> =
            edition.runbooks.iter().map(|rb| rb.slug).collect();
        let mut own = BTreeMap::new();
        let mut every = Digest::new("every run book");
        every.key(edition_key);
        for rb in &edition.runbooks {
            let mut d = Digest::new("own run book");
            d.key(edition_key).text(rb.slug).key(self.runbook(rb.slug));
            for target in self.links.get(rb.slug).into_iter().flatten() {
                d.text(target)
                    .key(self.runbook(target))
                    .debug(&shown.contains(target.as_str()));
            }
            let key = d.finish();
            every.text(rb.slug).key(key);
            own.insert(rb.slug.to_string(), key);
        }
        EditionKeys {
            nothing: edition_key,
            every: every.finish(),
            own,
        }
    }

    fn runbook(&self, slug: &str) -> Key {
        self.runbooks.get(slug).copied().unwrap_or(Key(0))
    }

    fn client(&self, slug: &str) -> Key {
        self.clients.get(slug).copied().unwrap_or(Key(0))
    }
}

/// The key of a validated run book: its file's name and whole text (the
/// model of a run book is made from them and from settings the global
/// part holds), and where each of its links was resolved to, the one
/// thing the model takes from other run books.
fn runbook_key(rb: &Runbook) -> Key {
    let mut d = Digest::new("run book");
    d.text(&rb.slug).debug(&rb.file).text(&rb.source.text);
    for section in rb.sections() {
        d.number(section.links.len() as u128);
        for link in &section.links {
            d.debug(&link.target);
        }
    }
    d.finish()
}

/// The slugs of the run books `rb` links to (each once, sorted): their
/// titles, addresses and whether the edition shows them reach its pages.
fn links_to(rb: &Runbook) -> Vec<String> {
    let mut out: Vec<String> = rb
        .sections()
        .flat_map(|s| s.links.iter())
        .filter_map(|l| {
            l.target
                .as_ref()
                .map(|t| t.runbook.clone())
                .or_else(|| l.file.clone())
        })
        .filter(|slug| *slug != rb.slug)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The keys of one edition's files.
#[derive(Clone, Debug)]
pub struct EditionKeys {
    nothing: Key,
    every: Key,
    own: BTreeMap<String, Key>,
}

impl EditionKeys {
    /// The key of the file at `path` that reads `dep`.
    pub fn key(&self, path: &str, dep: Dep<'_>) -> Key {
        let part = match dep {
            Dep::Nothing => self.nothing,
            Dep::Own(slug) => self.own.get(slug).copied().unwrap_or(self.every),
            Dep::Every => self.every,
        };
        let mut d = Digest::new("file");
        d.key(part).text(path);
        d.finish()
    }
}

/// This program's identity for keys: its version and its executable's
/// device, inode, size, and modification and change times, so a rebuilt
/// or replaced binary (even of the same version and size) never trusts
/// what another one wrote. `None` when
/// the executable cannot be found: then nothing is reused by key.
pub fn program_identity() -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(&exe).ok()?;
    #[cfg(unix)]
    let id = {
        use std::os::unix::fs::MetadataExt;
        format!(
            "{} {} {} {} {}.{} {}.{}",
            env!("CARGO_PKG_VERSION"),
            meta.dev(),
            meta.ino(),
            meta.len(),
            meta.mtime(),
            meta.mtime_nsec(),
            // Overwritten in place with its time put back, the program
            // still gets a new change time.
            meta.ctime(),
            meta.ctime_nsec()
        )
    };
    #[cfg(not(unix))]
    let id = format!(
        "{} {:?} {} {:?}",
        env!("CARGO_PKG_VERSION"),
        exe,
        meta.len(),
        meta.modified().ok()
    );
    Some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_back() {
        let k = Key(0x0123_4567_89ab_cdef_0011_2233_4455_6677);
        assert_eq!(Key::from_hex(&k.to_hex()), Some(k));
        assert_eq!(Key::from_hex("12"), None);
        assert_eq!(Key::from_hex(&"g".repeat(32)), None);
    }

    #[test]
    fn fields_do_not_run_together() {
        let a = Digest::new("t").text("ab").text("c").finish();
        let b = Digest::new("t").text("a").text("bc").finish();
        assert_ne!(a, b);
    }
}
