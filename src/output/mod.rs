//! Writing editions atomically, and only over what runbook wrote.
//!
//! Pages are written into a staging folder beside `--out`; only when every
//! edition rendered without error is the staging folder swapped in. A failed
//! build removes its staging folder and leaves the previous output exactly
//! as it was; a good build leaves no stale files (the old folder is removed
//! whole) and no temporary folders.
//!
//! Every edition folder runbook writes holds a marker file ([`MARKER`]), and
//! a build replaces or deletes only folders that carry it (or, for output
//! written before markers existed, that are unmistakably a runbook edition):
//! a user's own folder inside `--out` is never taken for an edition.
//!
//! A build into an `--out` that already holds runbook's output rewrites
//! only what changed ([`Staging::reuse`]): a file whose bytes (and mode and
//! owner) equal the previous output's is not written but kept, so it keeps
//! its inode and modification time and deploy tools that compare size and
//! time skip it. A file is kept without being rendered again only when the
//! build record ([`record`]) says it was made from the same inputs and the
//! file still has the stamp recorded; any other is rendered and its bytes
//! compared, so a file edited by hand, or a previous output of another
//! runbook version or theme, is rewritten. At commit, each folder of the
//! previous output whose files are all kept (and that holds nothing else)
//! is moved into the staging folder whole, and the other kept files are
//! hard-linked (copied where a link cannot be made): creating and later
//! deleting seventeen thousand folders would cost more than rendering.
//! Until the swap, the moved folders are listed in a journal beside the
//! staging folder; a build that fails moves them back, and the next build
//! moves back those of a build that was killed, so the previous output is
//! whole again either way.
//!
//! A build holds a lock file beside its staging folder for as long as it
//! runs. A build killed mid-way (`kill -9`) leaves its staging folder
//! behind; the next build beside the same `--out` finds it by its unlocked
//! lock file, puts back anything of the previous output the killed build
//! had moved aside, and removes the rest once its own output is in place.

mod record;

use crate::render::keys::{Inputs, Key};
use crate::render::Sink;
use rayon::prelude::*;
use record::{Entry, FolderStamp, Record, Stamp};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The marker file in every edition folder runbook writes. It is hidden, so
/// no page links to it, and it holds no secret and no date.
pub const MARKER: &str = ".runbook-edition";

/// The marker's first line; the number is the output format.
const MARKER_LINE: &str = "runbook edition 1";

/// The marker's whole text: the same for every edition and every build.
const MARKER_TEXT: &str = "runbook edition 1\nThis folder was written by `runbook build`, which replaces it whole on the next build.\n";

/// Inside the staging folder of a partial build: the edition folders it
/// replaced, kept until the build is over so they can be put back.
const REPLACED: &str = ".replaced";

/// A staging folder that pages are written into.
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    lock: Option<Lock>,
    committed: bool,
    /// Set when putting the previous output back failed: the staging
    /// folder (which then holds it) and its lock file are left for the
    /// next build's sweep to restore.
    keep: bool,
    /// Leftovers of dead builds, removed when this build is over (after
    /// its output is published, so a sweep never delays it).
    leftovers: Vec<Leftover>,
    /// Set by [`Staging::reuse`]: files of the previous output may be
    /// linked in when their bytes are the same.
    reuse: Option<NewFile>,
    /// Files written anew.
    written: AtomicUsize,
    /// Files kept from the previous output.
    linked: AtomicUsize,
    /// The files found unchanged (`edition/path` → the previous file),
    /// put into the staging folder at commit: folders whose every file is
    /// unchanged are moved over whole, the other files linked.
    unchanged: Mutex<BTreeMap<String, FileId>>,
    /// The editions that files were put into.
    editions: Mutex<BTreeSet<String>>,
    /// Folders moved from the output into the staging folder
    /// (`edition/...`), in order: moved back if the build does not commit.
    moved: Vec<String>,
    /// Set by [`Staging::keep_record`]: the build record.
    record: Option<Recording>,
    /// Folders of the output found to be real folders (or not): a file
    /// is compared only through real ones.
    real: Mutex<HashMap<String, bool>>,
    /// Folders made in the staging folder by the commit.
    made: Mutex<HashSet<String>>,
}

/// What a build that keeps a record knows of it (see [`record`]).
struct Recording {
    /// The build's inputs, from which render computes each file's key.
    inputs: Inputs,
    /// The previous record's entries whose files still have the recorded
    /// stamp (and the mode and owner of a new file): `edition/path` → entry.
    verified: HashMap<String, Entry>,
    /// The previous record's folders that still have the recorded stamp,
    /// so hold exactly the entries it lists: folder → its entries.
    listed: HashMap<String, Vec<(String, Child)>>,
    /// Their stamps.
    folders: HashMap<String, FolderStamp>,
    /// The previous record as read (a partial build keeps the other
    /// editions' lines).
    previous: Record,
    /// The key of every file of this build: `edition/path` → key.
    keys: Mutex<HashMap<String, Key>>,
    /// Files kept because the record vouched for them.
    held: AtomicUsize,
    /// How each file got into the new output, with its stamp then.
    placed: Mutex<HashMap<String, Placed>>,
}

/// The record of a build, drafted in the staging folder before the swap.
///
/// Folder stamps are taken there, once everything is in place: a folder
/// that anyone changes afterwards (another build, a file dropped in while
/// the old output is removed) then no longer matches, and the next build
/// reads it. Folders inside a folder moved over whole keep the stamp
/// verified before rendering. After a partial build the edition folders
/// themselves are left out: the swap moves them (which changes their
/// stamps), so the next build reads them.
///
/// A file's stamp is the one it had when this build wrote it or found it
/// unchanged. A file linked into a folder that changed is named but never
/// vouched for ([`Stamp::untrusted`]): the links made and removed move its
/// change time, which could hide an edit made meanwhile; the next build
/// compares it and may then vouch for it. `None`: a file the record cannot
/// name (its folder is then not listed either).
struct Draft {
    files: Vec<(String, Option<Entry>)>,
    folders: Vec<(String, FolderStamp)>,
}

/// How a file got into the new output.
#[derive(Clone, Copy, Debug)]
enum Placed {
    /// Written anew; its stamp right after writing.
    Written(Stamp),
    /// Kept from the previous output; its stamp when it was found
    /// unchanged (moving it keeps it; linking it changes only its change
    /// time).
    Kept(Stamp),
}

/// A part of the previous output the new one keeps.
enum Piece {
    /// A folder whose files are all unchanged: moved over whole.
    Folder(String),
    /// An unchanged file in a folder that changed: linked.
    File(String, FileId),
}

/// Locks a mutex whose data stays valid if a holder panicked.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// How a committed build's files reached the output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Files written anew: new files, and files whose bytes changed.
    pub written: usize,
    /// Files whose bytes were the previous output's: linked from it, so
    /// they keep their inode and modification time.
    pub linked: usize,
    /// Files of the replaced editions that the new output no longer has.
    pub removed: usize,
}

/// The permission bits and owner a file this build creates gets: a
/// previous file is reused only when it has them too, so that a file
/// whose mode was changed by hand does not survive either.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct NewFile {
    mode: u32,
    uid: u32,
    gid: u32,
    /// The permission bits a new folder gets.
    folder_mode: u32,
}

/// The lock file a build holds beside its staging folder while it runs.
struct Lock {
    file: File,
    path: PathBuf,
}

impl Staging {
    /// Creates an empty staging folder beside `out`, locked for this
    /// build, after removing the staging folders of builds beside the same
    /// `out` that are no longer running.
    pub fn new(out: &Path) -> io::Result<Staging> {
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent)?;
        let name = out_name(out);
        let pid = std::process::id();
        let dir = parent.join(staging_name(&name, pid));
        let lock = Lock::acquire(&parent.join(lock_name(&name, pid)))?;
        let leftovers = claim_leftovers(parent, &name, out, pid);
        if fs::symlink_metadata(&dir).is_ok() {
            // Left by a dead build that had our process id: ours now.
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir(&dir)?;
        Ok(Staging {
            dir,
            out: out.to_path_buf(),
            lock: Some(lock),
            committed: false,
            keep: false,
            leftovers,
            reuse: None,
            written: AtomicUsize::new(0),
            linked: AtomicUsize::new(0),
            unchanged: Mutex::new(BTreeMap::new()),
            editions: Mutex::new(BTreeSet::new()),
            moved: Vec::new(),
            record: None,
            real: Mutex::new(HashMap::new()),
            made: Mutex::new(HashSet::new()),
        })
    }

    /// From now on, a file whose bytes equal those of the same file in the
    /// output folder is linked from there instead of written. Call it only
    /// once `check_safe_to_replace` has said the output is runbook's.
    pub fn reuse(&mut self) -> io::Result<()> {
        // What a new file gets here (the umask and our user), learnt from
        // one, since std does not tell the umask.
        let probe = self.dir.join(".runbook-probe");
        fs::write(&probe, b"")?;
        let meta = fs::symlink_metadata(&probe);
        fs::remove_file(&probe)?;
        let folder = self.dir.join(".runbook-probe-folder");
        fs::create_dir(&folder)?;
        let folder_meta = fs::symlink_metadata(&folder);
        fs::remove_dir(&folder)?;
        let mut new_file = NewFile::of(&meta?);
        new_file.folder_mode = folder_bits(&folder_meta?);
        self.reuse = Some(new_file);
        Ok(())
    }

    /// Keeps a build record beside the output folder: render may then skip
    /// a file the previous record says was made from the same inputs, as
    /// long as the file still has the stamp recorded (see [`record`]); the
    /// commit writes the new record. Call it after [`Staging::reuse`]
    /// (before, nothing of the previous output is trusted).
    pub fn keep_record(&mut self, inputs: Inputs) {
        let (previous, (verified, folders)) = match self.reuse {
            Some(new_file) => {
                let previous = Record::read(&record::path_of(&self.out));
                let verified = verify(&self.out, &previous, new_file);
                (previous, verified)
            }
            None => Default::default(),
        };
        // A folder that kept its stamp holds exactly the entries recorded
        // in it, whether or not each of their files kept its own.
        let listed = listings(&previous, &folders);
        self.record = Some(Recording {
            inputs,
            verified,
            listed,
            folders,
            previous,
            keys: Mutex::new(HashMap::new()),
            held: AtomicUsize::new(0),
            placed: Mutex::new(HashMap::new()),
        });
    }

    /// How many files were kept without rendering them, on the record's word.
    pub fn held(&self) -> usize {
        self.record
            .as_ref()
            .map_or(0, |r| r.held.load(Ordering::Relaxed))
    }

    /// The staging folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Staging folders (and old outputs) of builds that are no longer
    /// running: they are removed when this build is over.
    pub fn leftovers(&self) -> impl Iterator<Item = &Path> {
        self.leftovers
            .iter()
            .flat_map(|l| l.paths.iter().map(PathBuf::as_path))
    }

    /// Swaps the staging folder in as the whole output folder.
    pub fn commit_all(mut self) -> io::Result<Tally> {
        let editions: Vec<String> = lock(&self.editions).iter().cloned().collect();
        for slug in &editions {
            self.mark_staged(slug)?;
        }
        let previous: Vec<String> = fs::read_dir(&self.out)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        // Editions of the previous output that this build has not.
        let gone: Vec<String> = previous
            .into_iter()
            .filter(|p| !editions.contains(p))
            .collect();
        let removed = self.removed(&gone);
        let removed = match self.adopt(&editions) {
            Ok(n) => removed + n,
            Err(e) => {
                self.move_back(&self.out.clone());
                return Err(e);
            }
        };
        let tally = self.tally(removed);
        let draft = self.draft_record(None);
        let old = sibling(&self.out, "old");
        if self.out.exists() {
            if let Err(e) = fs::rename(&self.out, &old) {
                self.move_back(&self.out.clone());
                return Err(e);
            }
        }
        if let Err(e) = fs::rename(&self.dir, &self.out) {
            // Put the previous output back before reporting.
            if old.exists() && fs::rename(&old, &self.out).is_err() {
                self.keep = true;
                return Err(e);
            }
            self.move_back(&self.out.clone());
            return Err(e);
        }
        self.committed = true;
        let _ = fs::remove_file(self.journal());
        if old.exists() {
            fs::remove_dir_all(&old)?;
        }
        self.write_record(draft, None);
        Ok(tally)
    }

    /// Swaps in only the named editions, leaving other editions in the
    /// output folder as they were (for `build --client`). If any swap
    /// fails, every edition already swapped is put back as it was.
    pub fn commit_editions(mut self, editions: &[String]) -> io::Result<Tally> {
        for slug in editions {
            self.mark_staged(slug)?;
        }
        let removed = match self.adopt(editions) {
            Ok(n) => n,
            Err(e) => {
                self.move_back(&self.out.clone());
                return Err(e);
            }
        };
        let tally = self.tally(removed);
        let draft = self.draft_record(Some(editions));
        fs::create_dir_all(&self.out)?;
        let replaced = self.dir.join(REPLACED);
        fs::create_dir_all(&replaced)?;
        let mut done = Vec::new();
        for slug in editions {
            if let Err(e) = self.swap_in(slug, &replaced, &mut done) {
                self.roll_back(&replaced, &done);
                self.move_back(&self.out.clone());
                return Err(e);
            }
        }
        self.committed = true;
        let _ = fs::remove_file(self.journal());
        fs::remove_dir_all(&self.dir)?;
        self.write_record(draft, Some(editions));
        Ok(tally)
    }

    /// What the record of this build will hold, taken once everything is
    /// in the staging folder and before it is swapped in (see
    /// [`Draft`]). `None` when the build keeps no record.
    fn draft_record(&self, partial: Option<&[String]>) -> Option<Draft> {
        let rec = self.record.as_ref()?;
        let mut keys: Vec<(String, Key)> = lock(&rec.keys)
            .iter()
            .map(|(rel, key)| (rel.clone(), *key))
            .collect();
        // The markers, which render does not make, under a key no file has.
        let editions: Vec<String> = match partial {
            Some(built) => built.to_vec(),
            None => lock(&self.editions).iter().cloned().collect(),
        };
        keys.extend(editions.iter().map(|e| (format!("{e}/{MARKER}"), Key(0))));
        let moved: HashSet<String> = self.moved.iter().cloned().collect();
        let inside_moved = |rel: &str| {
            rel.match_indices('/')
                .any(|(at, _)| moved.contains(&rel[..at]))
        };
        let mut names: BTreeSet<&str> = BTreeSet::new();
        for (rel, _) in &keys {
            let mut at = rel.as_str();
            while let Some((dir, _)) = at.rsplit_once('/') {
                if !names.insert(dir) {
                    break;
                }
                at = dir;
            }
        }
        let folders = names
            .par_iter()
            .filter(|rel| partial.is_none() || rel.contains('/'))
            .filter_map(|rel| {
                let stamp = match rec.folders.get(*rel) {
                    Some(f) if inside_moved(rel) => *f,
                    _ => FolderStamp::at(&self.dir.join(rel))?,
                };
                Some((rel.to_string(), stamp))
            })
            .collect();
        let placed = lock(&rec.placed);
        let files = keys
            .into_par_iter()
            .map(|(rel, key)| {
                let stamp = match placed.get(&rel) {
                    Some(Placed::Written(stamp)) => Some(*stamp),
                    Some(Placed::Kept(then)) if inside_moved(&rel) => Some(*then),
                    Some(Placed::Kept(then)) => Some(then.untrusted()),
                    None => Stamp::at(&self.dir.join(&rel)).map(Stamp::untrusted),
                };
                let entry = stamp.map(|stamp| Entry { key, stamp });
                (rel, entry)
            })
            .collect();
        Some(Draft { files, folders })
    }

    /// Writes the record of the output just committed from `draft`, and,
    /// after a build of only `partial` editions, the other editions' lines
    /// as recorded. A record that cannot be written is removed: the next
    /// build then renders everything, as without one.
    fn write_record(&self, draft: Option<Draft>, partial: Option<&[String]>) {
        let (Some(rec), Some(Draft { files, mut folders })) = (&self.record, draft) else {
            return;
        };
        // A folder with a file the record cannot name is not listed: the
        // next build reads it.
        let unnamed: HashSet<&str> = files
            .iter()
            .filter(|(_, e)| e.is_none())
            .filter_map(|(rel, _)| rel.rsplit_once('/').map(|(dir, _)| dir))
            .collect();
        folders.retain(|(rel, _)| !unnamed.contains(rel.as_str()));
        let mut entries: Vec<(String, Entry)> = files
            .iter()
            .filter_map(|(rel, e)| e.map(|e| (rel.clone(), e)))
            .collect();
        if let Some(built) = partial {
            let other = |rel: &str| {
                let edition = rel.split_once('/').map_or(rel, |(e, _)| e);
                !built.iter().any(|b| b == edition)
            };
            // The other editions are as they were: their lines are kept
            // as recorded (each is checked against the disk when used).
            entries.extend(
                rec.previous
                    .files
                    .iter()
                    .filter(|(rel, _)| other(rel))
                    .map(|(rel, e)| (rel.clone(), *e)),
            );
            folders.extend(
                rec.previous
                    .folders
                    .iter()
                    .filter(|(rel, _)| other(rel))
                    .map(|(rel, f)| (rel.clone(), *f)),
            );
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        folders.sort_by(|a, b| a.0.cmp(&b.0));
        let path = record::path_of(&self.out);
        if Record::write(&path, &entries, &folders).is_err() {
            Record::remove(&path);
        }
    }

    /// Where the folders moved from the output are listed while the build
    /// runs (beside the staging folder, like the lock file), so that the
    /// next build can move them back if this one is killed.
    fn journal(&self) -> PathBuf {
        journal_of(&self.dir)
    }

    /// Puts the unchanged files of `slugs` into the staging folder: each
    /// folder of the previous output whose files are all unchanged (and
    /// that holds nothing else) is moved over whole, and other unchanged
    /// files are linked. Moving a folder costs one rename where linking
    /// would create a folder and link each file, and leaves nothing to
    /// delete later; on ext4 creating files soon after deleting many is
    /// slow (BENCHMARKS.md), so both matter.
    ///
    /// Returns how many files of those editions' previous output the new
    /// one does not have (counted on the same walk).
    fn adopt(&mut self, slugs: &[String]) -> io::Result<usize> {
        let unchanged = std::mem::take(&mut *lock(&self.unchanged));
        if unchanged.is_empty() {
            return Ok(self.removed(slugs));
        }
        let mut pieces = Vec::new();
        let mut removed = 0;
        let known = Known {
            unchanged: &unchanged,
            whole: self
                .record
                .as_ref()
                .map(|r| {
                    whole_folders(
                        r,
                        &unchanged,
                        self.reuse.map_or(u32::MAX, |n| n.folder_mode),
                    )
                })
                .unwrap_or_default(),
        };
        for slug in slugs {
            self.plan(slug, &known, &mut pieces, &mut removed);
        }
        let folders: Vec<&str> = pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Folder(rel) => Some(rel.as_str()),
                Piece::File(..) => None,
            })
            .collect();
        if !folders.is_empty() {
            fs::write(self.journal(), folders.join("\n") + "\n")?;
        }
        for piece in pieces {
            match piece {
                Piece::Folder(rel) => {
                    if self.move_folder(&rel).is_err() {
                        // Another filesystem, say: keep its files one by one.
                        let mut files = BTreeSet::new();
                        files_under(&self.out.join(&rel), Path::new(&rel), &mut files);
                        for file in files {
                            let file = file.to_string_lossy().into_owned();
                            let id = unchanged.get(&file).copied().ok_or_else(|| {
                                io::Error::other(format!("`{file}` changed while the build ran"))
                            })?;
                            self.keep_file(&file, id)?;
                        }
                    }
                }
                Piece::File(rel, id) => self.keep_file(&rel, id)?,
            }
        }
        Ok(removed)
    }

    /// Adds what of the previous output's folder `rel` the new output
    /// keeps to `pieces`; returns `Some(files)` when that is the whole
    /// folder (every file in it unchanged, nothing else in it, no new
    /// file written into it, and at least one file). Counts into
    /// `removed` its files that are neither kept nor written anew.
    fn plan(
        &self,
        rel: &str,
        known: &Known<'_>,
        pieces: &mut Vec<Piece>,
        removed: &mut usize,
    ) -> Option<usize> {
        let mut whole = fs::symlink_metadata(self.dir.join(rel)).is_err() && self.folder_fits(rel);
        if whole {
            // The record already says every file below is unchanged.
            if let Some(files) = known.whole.get(rel) {
                pieces.push(Piece::Folder(rel.to_string()));
                return Some(*files);
            }
        }
        let unchanged = known.unchanged;
        let entries = self.listing(rel)?;
        let mut files = 0;
        let mut inner = Vec::new();
        for (name, child) in entries {
            let child_rel = format!("{rel}/{name}");
            match child {
                Child::Folder => match self.plan(&child_rel, known, &mut inner, removed) {
                    Some(n) => files += n,
                    None => whole = false,
                },
                Child::File(number) => match unchanged.get(&child_rel) {
                    Some(id) if id.1 == number => {
                        files += 1;
                        inner.push(Piece::File(child_rel, *id));
                    }
                    _ => {
                        whole = false;
                        *removed += usize::from(self.gone(&child_rel));
                    }
                },
                Child::Other => {
                    whole = false;
                    if !name.is_empty() {
                        *removed += usize::from(self.gone(&child_rel));
                    }
                }
            }
        }
        if whole && files > 0 {
            pieces.push(Piece::Folder(rel.to_string()));
            Some(files)
        } else {
            pieces.extend(inner);
            None
        }
    }

    /// True when every folder on the way to `rel` (`edition/...`) in the
    /// output is a real folder, not a link to one. Each folder is looked
    /// at once per build; folders the record vouches for not at all.
    fn real_parents(&self, rel: &str) -> bool {
        let mut at = 0;
        while let Some(slash) = rel[at..].find('/') {
            let folder = &rel[..at + slash];
            at += slash + 1;
            if self
                .record
                .as_ref()
                .is_some_and(|r| r.folders.contains_key(folder))
            {
                continue;
            }
            if let Some(real) = lock(&self.real).get(folder) {
                if !real {
                    return false;
                }
                continue;
            }
            let real = fs::symlink_metadata(self.out.join(folder)).is_ok_and(|m| m.is_dir());
            lock(&self.real).insert(folder.to_string(), real);
            if !real {
                return false;
            }
        }
        true
    }

    /// True when the previous output's folder `rel` has the permission
    /// bits a new folder gets: a folder re-moded by hand is not moved over
    /// whole (its files are linked into a new one).
    fn folder_fits(&self, rel: &str) -> bool {
        let Some(new_file) = self.reuse else {
            return false;
        };
        if let Some(stamp) = self.record.as_ref().and_then(|r| r.folders.get(rel)) {
            return stamp.mode & 0o7777 == new_file.folder_mode;
        }
        fs::symlink_metadata(self.out.join(rel))
            .is_ok_and(|m| m.is_dir() && folder_bits(&m) == new_file.folder_mode)
    }

    /// The entries of the previous output's folder `rel`: as the record
    /// lists them when the folder kept its recorded stamp, else read from
    /// disk. `None` when it cannot be read.
    fn listing(&self, rel: &str) -> Option<Vec<(String, Child)>> {
        if let Some(list) = self.record.as_ref().and_then(|r| r.listed.get(rel)) {
            return Some(list.clone());
        }
        let entries = fs::read_dir(self.out.join(rel)).ok()?;
        Some(
            entries
                .map(|entry| {
                    let Ok(entry) = entry else {
                        // Unreadable: the folder is not moved whole.
                        return (String::new(), Child::Other);
                    };
                    let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                        return (String::new(), Child::Other);
                    };
                    let child = match entry.file_type() {
                        Ok(t) if t.is_dir() => Child::Folder,
                        Ok(t) if t.is_file() => Child::File(entry_number(&entry)),
                        _ => Child::Other,
                    };
                    (name, child)
                })
                .collect(),
        )
    }

    /// True when the new output has nothing at `rel`, a path of the
    /// previous one.
    fn gone(&self, rel: &str) -> bool {
        fs::symlink_metadata(self.dir.join(rel)).is_err()
    }

    /// Moves the previous output's folder `rel` into the staging folder.
    fn move_folder(&mut self, rel: &str) -> io::Result<()> {
        let target = self.dir.join(rel);
        self.make_parent(rel)?;
        fs::rename(self.out.join(rel), &target)?;
        self.moved.push(rel.to_string());
        Ok(())
    }

    /// Makes the folder `rel` (`edition/...`) is in inside the staging
    /// folder, once per folder: the commit puts thousands of folders and
    /// files side by side, and asking the file system each time costs a
    /// failed `mkdir` per piece.
    fn make_parent(&self, rel: &str) -> io::Result<()> {
        let Some((parent, _)) = rel.rsplit_once('/') else {
            return Ok(());
        };
        if lock(&self.made).contains(parent) {
            return Ok(());
        }
        fs::create_dir_all(self.dir.join(parent))?;
        lock(&self.made).insert(parent.to_string());
        Ok(())
    }

    /// Links the unchanged file `rel` into the staging folder; where a
    /// link cannot be made (another filesystem), copies it, as long as
    /// it is still the file that was compared.
    fn keep_file(&self, rel: &str, id: FileId) -> io::Result<()> {
        let (from, to) = (self.out.join(rel), self.dir.join(rel));
        self.make_parent(rel)?;
        if fs::hard_link(&from, &to).is_ok()
            && fs::symlink_metadata(&to).is_ok_and(|m| FileId::of(&m) == id)
        {
            return Ok(());
        }
        let _ = fs::remove_file(&to);
        fs::copy(&from, &to)?;
        if !fs::symlink_metadata(&from).is_ok_and(|m| FileId::of(&m) == id) {
            return Err(io::Error::other(format!(
                "`{}` changed while the build ran; build again",
                from.display()
            )));
        }
        self.linked.fetch_sub(1, Ordering::Relaxed);
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Moves the folders moved into the staging folder back into `base`
    /// (the output as it was), newest first.
    fn move_back(&mut self, base: &Path) {
        for rel in std::mem::take(&mut self.moved).iter().rev() {
            let (from, to) = (self.dir.join(rel), base.join(rel));
            if fs::symlink_metadata(&to).is_ok() || fs::rename(&from, &to).is_err() {
                self.keep = true;
            }
        }
        if !self.keep {
            let _ = fs::remove_file(self.journal());
        }
    }

    /// Writes the marker into a staged edition folder (linked, like any
    /// file, when the previous one is the same).
    fn mark_staged(&self, slug: &str) -> io::Result<()> {
        if !lock(&self.editions).contains(slug) {
            // Nothing was rendered into it: there is no edition to mark
            // (and its swap fails, as it must).
            return Ok(());
        }
        self.place(&format!("{slug}/{MARKER}"), MARKER_TEXT.as_bytes())
    }

    /// How many files of the output's editions `slugs` (those about to be
    /// replaced) the new output does not have: neither written nor kept.
    fn removed(&self, slugs: &[String]) -> usize {
        let unchanged = lock(&self.unchanged);
        let mut removed = 0;
        for slug in slugs {
            let mut old = BTreeSet::new();
            files_under(&self.out.join(slug), Path::new(slug), &mut old);
            removed += old
                .iter()
                .filter(|rel| {
                    !unchanged.contains_key(&rel.to_string_lossy().into_owned())
                        && fs::symlink_metadata(self.dir.join(rel)).is_err()
                })
                .count();
        }
        removed
    }

    /// The counts, with `removed`.
    fn tally(&self, removed: usize) -> Tally {
        Tally {
            written: self.written.load(Ordering::Relaxed),
            linked: self.linked.load(Ordering::Relaxed),
            removed,
        }
    }

    /// Puts `bytes` at `rel` (`edition/path`) in the staging folder: a
    /// link to the previous output's file when that is reused and holds
    /// the same bytes, else a new file.
    fn place(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        if let Some((edition, _)) = rel.split_once('/') {
            if !lock(&self.editions).contains(edition) {
                lock(&self.editions).insert(edition.to_string());
            }
        }
        if let Some(new_file) = self.reuse {
            // A file reached through a link to a folder is not the
            // output's (and is not kept: the commit keeps only what it
            // finds in real folders).
            if let Some((id, stamp)) = self
                .real_parents(rel)
                .then(|| same_bytes(&self.out.join(rel), bytes, new_file))
                .flatten()
            {
                // Kept at commit (moved with its folder, or linked).
                lock(&self.unchanged).insert(rel.to_string(), id);
                self.linked.fetch_add(1, Ordering::Relaxed);
                self.placed(rel, stamp.map(Placed::Kept));
                return Ok(());
            }
        }
        let target = self.dir.join(rel);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        let mut file = File::create(&target)?;
        file.write_all(bytes)?;
        // The stamp of what was written, taken at once: a change made to
        // the file later (during the build, by anyone) must not be recorded
        // as this build's.
        let stamp = file.metadata().ok().as_ref().and_then(Stamp::of);
        self.written.fetch_add(1, Ordering::Relaxed);
        self.placed(rel, stamp.map(Placed::Written));
        Ok(())
    }

    /// Notes how the file `rel` got into the new output, for the record.
    fn placed(&self, rel: &str, how: Option<Placed>) {
        if let (Some(rec), Some(how)) = (&self.record, how) {
            lock(&rec.placed).insert(rel.to_string(), how);
        }
    }

    /// Moves the edition now at `out/slug` (if any) into `replaced`, then
    /// the staged one into its place, recording in `done` what moved.
    fn swap_in(
        &self,
        slug: &str,
        replaced: &Path,
        done: &mut Vec<(String, bool)>,
    ) -> io::Result<()> {
        let target = self.out.join(slug);
        let had_old = fs::symlink_metadata(&target).is_ok();
        if had_old {
            fs::rename(&target, replaced.join(slug))?;
        }
        // Recorded before the second rename, so that a failure there still
        // puts the old edition back.
        done.push((slug.to_string(), had_old));
        fs::rename(self.dir.join(slug), &target)
    }

    /// Undoes [`Staging::swap_in`]s, newest first.
    fn roll_back(&mut self, replaced: &Path, done: &[(String, bool)]) {
        for (slug, had_old) in done.iter().rev() {
            let target = self.out.join(slug);
            let staged = self.dir.join(slug);
            // The staged edition is at `target` unless its own move was
            // what failed.
            let swapped =
                fs::symlink_metadata(&staged).is_err() && fs::symlink_metadata(&target).is_ok();
            if swapped && fs::rename(&target, &staged).is_err() {
                self.keep = true;
                continue;
            }
            if *had_old && fs::rename(replaced.join(slug), &target).is_err() {
                self.keep = true;
            }
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed && !self.moved.is_empty() {
            // A build that ends without committing (an error, a panic)
            // gives back what it took from the output.
            let out = self.out.clone();
            self.move_back(&out);
        }
        for leftover in self.leftovers.drain(..) {
            leftover.remove();
        }
        if self.keep {
            // The staging folder holds the previous output: the lock file
            // stays too, so the next build restores it once this one ends.
            return;
        }
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
        if let Some(lock) = self.lock.take() {
            // Removed while still held, so no other build can take a lock
            // on a file that is about to disappear.
            let _ = fs::remove_file(&lock.path);
            drop(lock.file);
        }
    }
}

impl Lock {
    /// Creates (or opens) the lock file at `path` and locks it. A sweeping
    /// build may remove the file between our opening and locking it; then
    /// the lock we hold is on a file no one else can find, so try again.
    fn acquire(path: &Path) -> io::Result<Lock> {
        for _ in 0..8 {
            let file = OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(path)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => {
                    // Another build sweeping leftovers holds it for a
                    // moment before it removes the file.
                    std::thread::sleep(std::time::Duration::from_millis(50));
                    continue;
                }
                Err(fs::TryLockError::Error(e)) => return Err(e),
            }
            if same_file(&file, path) {
                return Ok(Lock {
                    file,
                    path: path.to_path_buf(),
                });
            }
        }
        Err(io::Error::other(format!(
            "could not lock `{}`: another build keeps it locked",
            path.display()
        )))
    }
}

/// True when `path` still names the open `file`.
fn same_file(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        path.exists()
    }
}

/// The output folder's name, which names its staging folders.
fn out_name(out: &Path) -> String {
    out.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into())
}

fn staging_name(name: &str, pid: u32) -> String {
    format!(".{name}.staging-{pid}")
}

fn lock_name(name: &str, pid: u32) -> String {
    format!(".{name}.staging-{pid}.lock")
}

fn sibling(path: &Path, what: &str) -> PathBuf {
    path.with_file_name(format!(".{}.{what}-{}", out_name(path), std::process::id()))
}

/// The process ids of builds that left something beside `out` (other than
/// `own`): staging folders, lock files and old outputs.
fn leftover_pids(parent: &Path, name: &str, own: u32) -> Vec<u32> {
    let staging = format!(".{name}.staging-");
    let old = format!(".{name}.old-");
    let mut pids: Vec<u32> = fs::read_dir(parent)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let file = e.file_name().to_string_lossy().into_owned();
            let rest = file
                .strip_prefix(&staging)
                .map(|r| r.strip_suffix(".lock").unwrap_or(r))
                .or_else(|| file.strip_prefix(&old))?;
            rest.parse::<u32>().ok()
        })
        .filter(|pid| *pid != own)
        .collect();
    pids.sort_unstable();
    pids.dedup();
    pids
}

/// What a build that is no longer running left beside `out`, claimed by
/// this build (its lock file locked by us) for removal.
struct Leftover {
    /// Its staging folder and old output, those that exist.
    paths: Vec<PathBuf>,
    /// Its lock file, held; `None` for leftovers of versions without one.
    lock: Option<Lock>,
}

impl Leftover {
    /// Removes the folders, then the lock file. Returns what was removed.
    fn remove(self) -> Vec<PathBuf> {
        let removed = self
            .paths
            .into_iter()
            .filter(|p| {
                if p.is_dir() {
                    fs::remove_dir_all(p).is_ok()
                } else {
                    fs::remove_file(p).is_ok()
                }
            })
            .collect();
        if let Some(lock) = self.lock {
            let _ = fs::remove_file(&lock.path);
            drop(lock.file);
        }
        removed
    }
}

/// Claims what builds that are no longer running left beside `out`. A
/// build's leftovers are touched only when its lock file can be locked
/// (its process is gone), or, for leftovers of runbook versions that took
/// no lock, when no process with its id runs. Editions or an output such a
/// build had moved aside and not replaced are put back at once; removing
/// the rest (which can take a while) is left to the caller.
fn claim_leftovers(parent: &Path, name: &str, out: &Path, own: u32) -> Vec<Leftover> {
    let mut claimed = Vec::new();
    for pid in leftover_pids(parent, name, own) {
        let lock_path = parent.join(lock_name(name, pid));
        let lock = match OpenOptions::new().write(true).open(&lock_path) {
            Ok(file) => match file.try_lock() {
                Ok(()) => Some(Lock {
                    file,
                    path: lock_path,
                }),
                Err(_) => continue,
            },
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if process_may_run(pid) {
                    continue;
                }
                None
            }
            Err(_) => continue,
        };
        let staging = parent.join(staging_name(name, pid));
        let old = parent.join(format!(".{name}.old-{pid}"));
        restore_replaced(&staging.join(REPLACED), out);
        let journal = journal_of(&staging);
        let base = if fs::symlink_metadata(out).is_err() && fs::symlink_metadata(&old).is_ok() {
            &old
        } else {
            out
        };
        restore_moved(&journal, &staging, base);
        if fs::symlink_metadata(&old).is_ok() && fs::symlink_metadata(out).is_err() {
            // Killed between moving the output away and moving the new one
            // in: the old output is the only one there is.
            let _ = fs::rename(&old, out);
        }
        let paths = [staging, old, journal]
            .into_iter()
            .filter(|p| fs::symlink_metadata(p).is_ok())
            .collect();
        claimed.push(Leftover { paths, lock });
    }
    claimed
}

/// Claims and removes at once (the tests' view of a whole sweep).
#[cfg(test)]
fn sweep(parent: &Path, name: &str, out: &Path, own: u32) -> Vec<PathBuf> {
    claim_leftovers(parent, name, out, own)
        .into_iter()
        .flat_map(Leftover::remove)
        .collect()
}

/// The journal of the staging folder `staging`: the folders its build
/// moved out of the output.
fn journal_of(staging: &Path) -> PathBuf {
    let mut name = staging.file_name().unwrap_or_default().to_os_string();
    name.push(".moved");
    staging.with_file_name(name)
}

/// Moves back into `base` the folders a killed build had moved from it
/// into `staging` (as its journal lists them), where `base` lacks them.
fn restore_moved(journal: &Path, staging: &Path, base: &Path) {
    let Ok(list) = fs::read_to_string(journal) else {
        return;
    };
    for rel in list.lines().rev().filter(|l| !l.is_empty()) {
        // Only paths inside the folders: never `..` or a root.
        if Path::new(rel)
            .components()
            .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            continue;
        }
        let (from, to) = (staging.join(rel), base.join(rel));
        if fs::symlink_metadata(&from).is_ok() && fs::symlink_metadata(&to).is_err() {
            if let Some(parent) = to.parent() {
                let _ = fs::create_dir_all(parent);
            }
            let _ = fs::rename(from, to);
        }
    }
}

/// Puts back editions a killed partial build had moved aside and not yet
/// replaced.
fn restore_replaced(replaced: &Path, out: &Path) {
    for entry in fs::read_dir(replaced).into_iter().flatten().flatten() {
        let target = out.join(entry.file_name());
        if fs::symlink_metadata(&target).is_err() {
            let _ = fs::rename(entry.path(), target);
        }
    }
}

/// False only when it is certain that no process has id `pid` (Linux, by
/// `/proc`); elsewhere leftovers without a lock file are left alone.
fn process_may_run(pid: u32) -> bool {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return true;
    }
    proc.join(pid.to_string()).exists()
}

/// Writes the marker into an edition folder (the tests' own editions).
#[cfg(test)]
fn mark(edition: &Path) -> io::Result<()> {
    fs::write(edition.join(MARKER), MARKER_TEXT)
}

impl Sink for Staging {
    fn put(&self, edition: &str, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        self.place(&format!("{edition}/{path}"), &bytes)
    }

    fn inputs(&self) -> Option<&Inputs> {
        self.record.as_ref().map(|r| &r.inputs)
    }

    fn holds(&self, edition: &str, path: &str, key: Key) -> bool {
        let Some(rec) = &self.record else {
            return false;
        };
        let rel = format!("{edition}/{path}");
        let entry = rec.verified.get(&rel).filter(|e| e.key == key).copied();
        lock(&rec.keys).insert(rel.clone(), key);
        let Some(entry) = entry else {
            return false;
        };
        if !lock(&self.editions).contains(edition) {
            lock(&self.editions).insert(edition.to_string());
        }
        lock(&self.unchanged).insert(rel.clone(), FileId(entry.stamp.dev, entry.stamp.ino));
        lock(&rec.placed).insert(rel, Placed::Kept(entry.stamp));
        self.linked.fetch_add(1, Ordering::Relaxed);
        rec.held.fetch_add(1, Ordering::Relaxed);
        true
    }
}

/// The entries of `record` whose files (under `out`) still have their
/// recorded stamp and the mode and owner a new file gets, and its folders
/// that still have theirs: the ones a rebuild may keep without rendering
/// or reading. Looked at in parallel (one `lstat` each).
fn verify(
    out: &Path,
    record: &Record,
    new_file: NewFile,
) -> (HashMap<String, Entry>, HashMap<String, FolderStamp>) {
    let files: Vec<(String, Entry)> = record
        .files
        .par_iter()
        .filter(|(rel, entry)| {
            entry.stamp.mode & 0o7777 == new_file.mode
                && entry.stamp.uid == new_file.uid
                && entry.stamp.gid == new_file.gid
                && safe_relative(rel)
                && Stamp::at(&out.join(rel)) == Some(entry.stamp)
        })
        .map(|(rel, entry)| (rel.clone(), *entry))
        .collect();
    let mut folders: HashMap<String, FolderStamp> = record
        .folders
        .par_iter()
        .filter(|(rel, stamp)| {
            safe_relative(rel) && FolderStamp::at(&out.join(rel)) == Some(**stamp)
        })
        .map(|(rel, stamp)| (rel.clone(), *stamp))
        .collect();
    // Only through folders that are all vouched for: a folder (or file)
    // below one that became a link is reached through the link.
    let mut by_depth: Vec<String> = folders.keys().cloned().collect();
    by_depth.sort_by_key(|rel| rel.matches('/').count());
    for rel in by_depth {
        if let Some((up, _)) = rel.rsplit_once('/') {
            if !folders.contains_key(up) {
                folders.remove(&rel);
            }
        }
    }
    let files = files
        .into_iter()
        .filter(|(rel, _): &(String, Entry)| {
            rel.rsplit_once('/')
                .is_some_and(|(up, _)| folders.contains_key(up))
        })
        .collect();
    (files, folders)
}

/// An entry of a folder of the previous output.
#[derive(Clone, Debug)]
enum Child {
    /// A folder.
    Folder,
    /// A regular file, by its inode (elsewhere: its identity number).
    File(u64),
    /// Anything else, or an entry that could not be read.
    Other,
}

/// The entries of each folder in `folders` (those that kept their
/// stamp), as `record` lists them.
fn listings(
    record: &Record,
    folders: &HashMap<String, FolderStamp>,
) -> HashMap<String, Vec<(String, Child)>> {
    let mut listed: HashMap<String, Vec<(String, Child)>> =
        folders.keys().map(|f| (f.clone(), Vec::new())).collect();
    let names = record
        .files
        .iter()
        .map(|(rel, e)| (rel, Child::File(e.stamp.ino)))
        .chain(record.folders.keys().map(|rel| (rel, Child::Folder)));
    for (rel, child) in names {
        if let Some((dir, name)) = rel.rsplit_once('/') {
            // Only plain names: a record is a file anyone beside --out
            // could have written.
            if !safe_relative(name) || name.is_empty() {
                continue;
            }
            if let Some(list) = listed.get_mut(dir) {
                list.push((name.to_string(), child));
            }
        }
    }
    listed
}

/// What [`Staging::plan`] knows before looking at a folder: the files
/// found unchanged, and the folders the record shows are kept whole.
struct Known<'a> {
    unchanged: &'a BTreeMap<String, FileId>,
    whole: HashMap<String, usize>,
}

/// The folders of the previous output whose whole content is known from
/// the record to be kept: each kept its stamp (so holds what the record
/// lists), and every file below is unchanged (same inode as compared)
/// and every folder below is such a folder too; with how many files each
/// holds. Only folders that hold at least one file count.
fn whole_folders(
    rec: &Recording,
    unchanged: &BTreeMap<String, FileId>,
    folder_mode: u32,
) -> HashMap<String, usize> {
    fn visit(
        rel: &str,
        rec: &Recording,
        unchanged: &BTreeMap<String, FileId>,
        folder_mode: u32,
        memo: &mut HashMap<String, Option<usize>>,
    ) -> Option<usize> {
        if let Some(known) = memo.get(rel) {
            return *known;
        }
        let fits = rec
            .folders
            .get(rel)
            .is_some_and(|f| f.mode & 0o7777 == folder_mode);
        let mut files = fits.then_some(0usize);
        for (name, child) in rec.listed.get(rel).map_or(&[][..], Vec::as_slice) {
            let child_rel = format!("{rel}/{name}");
            let here = match child {
                Child::File(number) => unchanged
                    .get(&child_rel)
                    .filter(|id| id.1 == *number)
                    .map(|_| 1),
                Child::Folder => visit(&child_rel, rec, unchanged, folder_mode, memo),
                Child::Other => None,
            };
            files = files.zip(here).map(|(a, b)| a + b);
        }
        let files = files.filter(|n| *n > 0 && rec.listed.contains_key(rel));
        memo.insert(rel.to_string(), files);
        files
    }
    let mut memo = HashMap::new();
    for rel in rec.listed.keys() {
        visit(rel, rec, unchanged, folder_mode, &mut memo);
    }
    memo.into_iter()
        .filter_map(|(rel, files)| files.map(|n| (rel, n)))
        .collect()
}

/// True for a path of plain names (no `..`, no root): the only paths a
/// record may name.
fn safe_relative(rel: &str) -> bool {
    Path::new(rel)
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)))
}

impl NewFile {
    /// True when a file with `other`'s mode and owner is one this build
    /// could have made.
    fn same_owner_and_mode(&self, other: &NewFile) -> bool {
        self.mode == other.mode && self.uid == other.uid && self.gid == other.gid
    }

    #[cfg(unix)]
    fn of(meta: &fs::Metadata) -> NewFile {
        use std::os::unix::fs::MetadataExt;
        NewFile {
            mode: meta.mode() & 0o7777,
            uid: meta.uid(),
            gid: meta.gid(),
            folder_mode: 0,
        }
    }

    #[cfg(not(unix))]
    fn of(meta: &fs::Metadata) -> NewFile {
        NewFile {
            mode: u32::from(meta.permissions().readonly()),
            uid: 0,
            gid: 0,
            folder_mode: 0,
        }
    }
}

/// A folder's permission bits, as [`NewFile::folder_mode`] holds them.
#[cfg(unix)]
fn folder_bits(meta: &fs::Metadata) -> u32 {
    use std::os::unix::fs::MetadataExt;
    meta.mode() & 0o7777
}

#[cfg(not(unix))]
fn folder_bits(meta: &fs::Metadata) -> u32 {
    u32::from(meta.permissions().readonly())
}

/// What identifies the file a folder entry names, as [`FileId`]'s second
/// number: its inode, which the listing gives without another system call.
#[cfg(unix)]
fn entry_number(entry: &fs::DirEntry) -> u64 {
    use std::os::unix::fs::DirEntryExt;
    entry.ino()
}

#[cfg(not(unix))]
fn entry_number(entry: &fs::DirEntry) -> u64 {
    entry.metadata().map_or(u64::MAX, |m| FileId::of(&m).1)
}

/// Which file a path names: device and inode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FileId(u64, u64);

impl FileId {
    #[cfg(unix)]
    fn of(meta: &fs::Metadata) -> FileId {
        use std::os::unix::fs::MetadataExt;
        FileId(meta.dev(), meta.ino())
    }

    #[cfg(not(unix))]
    fn of(meta: &fs::Metadata) -> FileId {
        FileId(0, meta.len())
    }
}

/// The identity of the regular file at `path` when it holds exactly
/// `bytes` and has the mode and owner of a new file, with its stamp as it
/// was while compared (`None` where stamps are not kept); `None` otherwise,
/// and when the file changed while it was read.
fn same_bytes(path: &Path, bytes: &[u8], new_file: NewFile) -> Option<(FileId, Option<Stamp>)> {
    let meta = fs::symlink_metadata(path).ok()?;
    if !meta.is_file()
        || meta.len() != bytes.len() as u64
        || !new_file.same_owner_and_mode(&NewFile::of(&meta))
    {
        return None;
    }
    let mut file = File::open(path).ok()?;
    let opened = file.metadata().ok()?;
    // Opened what was looked at (not a file swapped in meanwhile).
    if FileId::of(&opened) != FileId::of(&meta) {
        return None;
    }
    let mut buf = [0u8; 64 * 1024];
    let mut rest = bytes;
    loop {
        let n = file.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        if n > rest.len() || buf[..n] != rest[..n] {
            return None;
        }
        rest = &rest[n..];
    }
    if !rest.is_empty() {
        return None;
    }
    let stamp = Stamp::of(&opened);
    if stamp.is_some() && file.metadata().ok().as_ref().and_then(Stamp::of) != stamp {
        return None;
    }
    Some((FileId::of(&meta), stamp))
}

/// Adds the path (below `rel`) of every entry under `dir` that is not a
/// folder: what a previous edition holds.
fn files_under(dir: &Path, rel: &Path, out: &mut BTreeSet<PathBuf>) {
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let rel = rel.join(entry.file_name());
        match entry.file_type() {
            Ok(t) if t.is_dir() => files_under(&entry.path(), &rel, out),
            _ => {
                out.insert(rel);
            }
        }
    }
}

/// Checks that replacing `out` (whole, or only the editions in `only`)
/// cannot destroy anything runbook did not write: `out` must not hold the
/// sources, and every folder to be replaced (for a whole build, every entry
/// in `out`) must be an edition runbook wrote. The message names the
/// first entry that is not, and what to do.
pub(crate) fn check_safe_to_replace(
    out: &Path,
    source: &Path,
    only: Option<&[String]>,
) -> Result<(), String> {
    let canon = |p: &Path| fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    if fs::symlink_metadata(out).is_err() {
        return Ok(());
    }
    let (o, s) = (canon(out), canon(source));
    if s.starts_with(&o) {
        return Err(format!(
            "the output folder `{}` contains the source folder; choose another --out",
            out.display()
        ));
    }
    if !out.is_dir() {
        return Err(format!(
            "`{}` exists and is not a folder; choose another --out",
            out.display()
        ));
    }
    let names: Vec<std::ffi::OsString> = match only {
        Some(slugs) => slugs
            .iter()
            .map(std::ffi::OsString::from)
            .filter(|n| fs::symlink_metadata(out.join(n)).is_ok())
            .collect(),
        None => {
            let entries =
                fs::read_dir(out).map_err(|e| format!("cannot read `{}`: {e}", out.display()))?;
            let mut names = Vec::new();
            for entry in entries {
                let entry = entry.map_err(|e| format!("cannot read `{}`: {e}", out.display()))?;
                names.push(entry.file_name());
            }
            names.sort();
            names
        }
    };
    for name in names {
        let path = out.join(&name);
        if let Err(why) = runbook_edition(&path, &name.to_string_lossy()) {
            return Err(format!(
                "`{}` {why}, so runbook did not write it; refusing to replace `{}`. Move it out of the output folder, or choose another --out",
                path.display(),
                out.display()
            ));
        }
    }
    Ok(())
}

/// `Ok` when `dir` is an edition folder runbook wrote: it carries the
/// marker, or (output written before markers existed) its home page says it
/// is edition `name` and the assets every edition has are there. Else why
/// not, in words.
fn runbook_edition(dir: &Path, name: &str) -> Result<(), String> {
    let meta = fs::symlink_metadata(dir).map_err(|e| format!("cannot be read ({e})"))?;
    if meta.file_type().is_symlink() {
        return Err("is a link".into());
    }
    if !meta.is_dir() {
        return Err("is a file".into());
    }
    let marker = read_small(&dir.join(MARKER), 4096);
    if marker.is_some_and(|m| m.lines().next() == Some(MARKER_LINE)) {
        return Ok(());
    }
    let home = read_small(&dir.join("index.html"), 1 << 20)
        .ok_or("has no runbook marker and no home page")?;
    let says_edition = home
        .find("<main ")
        .and_then(|at| home[at..].find('>').map(|end| &home[at..at + end]))
        .is_some_and(|tag| tag.contains(&format!(" data-edition=\"{name}\"")));
    let has_assets = ["404.html", "assets/style.css", crate::search::INDEX_PATH]
        .iter()
        .all(|f| fs::symlink_metadata(dir.join(f)).is_ok_and(|m| m.is_file()));
    if says_edition && has_assets {
        Ok(())
    } else {
        Err("has no runbook marker and is not a runbook edition".into())
    }
}

/// The text of a regular file (never a link or a special file), at most
/// `limit` bytes of it.
fn read_small(path: &Path, limit: u64) -> Option<String> {
    let meta = fs::symlink_metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    let mut text = String::new();
    File::open(path)
        .ok()?
        .take(limit)
        .read_to_string(&mut text)
        .ok()?;
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An output folder `site` holding one marked edition `acme` whose
    /// home page reads `text`.
    fn site_with_acme(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        fs::create_dir_all(out.join("acme")).unwrap();
        fs::write(out.join("acme/index.html"), text).unwrap();
        mark(&out.join("acme")).unwrap();
        (dir, out)
    }

    /// What a new file gets in `dir`.
    fn new_file_in(dir: &Path) -> NewFile {
        let probe = dir.join("probe");
        fs::write(&probe, b"").unwrap();
        let n = NewFile::of(&fs::metadata(&probe).unwrap());
        fs::remove_file(probe).unwrap();
        n
    }

    #[test]
    fn only_the_very_same_bytes_count_as_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let new_file = new_file_in(dir.path());
        // Longer than one read, differing in the last byte only.
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let path = dir.path().join("page.html");
        fs::write(&path, &bytes).unwrap();
        assert!(same_bytes(&path, &bytes, new_file).is_some());
        let mut other = bytes.clone();
        *other.last_mut().unwrap() ^= 1;
        assert!(same_bytes(&path, &other, new_file).is_none());
        assert!(same_bytes(&path, &bytes[..bytes.len() - 1], new_file).is_none());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(same_bytes(&path, &longer, new_file).is_none());
        let mode = NewFile {
            mode: new_file.mode ^ 0o020,
            ..new_file
        };
        assert!(same_bytes(&path, &bytes, mode).is_none());
        assert!(same_bytes(&dir.path().join("missing"), b"", new_file).is_none());
    }

    #[test]
    fn a_file_on_another_filesystem_is_copied_not_linked() {
        // /dev/shm is tmpfs on Linux: a link from there fails (EXDEV).
        let dir = tempfile::tempdir().unwrap();
        let Ok(other) = tempfile::tempdir_in("/dev/shm") else {
            return;
        };
        let (a, b) = (
            fs::metadata(dir.path()).unwrap(),
            fs::metadata(other.path()).unwrap(),
        );
        if FileId::of(&a).0 == FileId::of(&b).0 {
            return;
        }
        let previous = other.path().join("site/acme/index.html");
        fs::create_dir_all(previous.parent().unwrap()).unwrap();
        fs::write(&previous, "same").unwrap();
        let mut staging = Staging::new(&dir.path().join("site")).unwrap();
        staging.reuse().unwrap();
        // The previous output on the other filesystem.
        staging.out = other.path().join("site");
        staging.put("acme", "index.html", b"same".to_vec()).unwrap();
        assert_eq!(staging.linked.load(Ordering::Relaxed), 1, "found unchanged");
        // The folder cannot be moved there, nor its file linked: copied.
        staging.adopt(&["acme".to_string()]).unwrap();
        assert!(staging.moved.is_empty());
        let id = FileId::of(&fs::metadata(&previous).unwrap());
        let kept = staging.dir().join("acme/index.html");
        assert_eq!(fs::read_to_string(&kept).unwrap(), "same");
        assert_ne!(FileId::of(&fs::metadata(&kept).unwrap()), id, "a copy");
        assert_eq!(
            staging.written.load(Ordering::Relaxed),
            1,
            "counted as written"
        );
        assert_eq!(fs::read_to_string(&previous).unwrap(), "same");
    }

    #[test]
    fn a_build_that_does_not_commit_moves_back_what_it_took() {
        let (_dir, out) = site_with_acme("previous");
        fs::create_dir_all(out.join("acme/incident")).unwrap();
        fs::write(out.join("acme/incident/index.html"), "kept").unwrap();
        let before = FileId::of(&fs::metadata(out.join("acme/incident/index.html")).unwrap());
        let mut staging = Staging::new(&out).unwrap();
        staging.reuse().unwrap();
        staging
            .put("acme", "index.html", b"changed".to_vec())
            .unwrap();
        staging
            .put("acme", "incident/index.html", b"kept".to_vec())
            .unwrap();
        staging.adopt(&["acme".to_string()]).unwrap();
        assert_eq!(staging.moved, ["acme/incident"]);
        assert!(!out.join("acme/incident").exists(), "moved into staging");
        assert!(staging.journal().is_file());
        let journal = staging.journal();
        drop(staging);
        let kept = out.join("acme/incident/index.html");
        assert_eq!(fs::read_to_string(&kept).unwrap(), "kept");
        assert_eq!(FileId::of(&fs::metadata(&kept).unwrap()), before);
        assert_eq!(
            fs::read_to_string(out.join("acme/index.html")).unwrap(),
            "previous"
        );
        assert!(!journal.exists());
    }

    #[test]
    fn a_sweep_moves_back_folders_a_killed_build_had_moved_out() {
        let (dir, out) = site_with_acme("previous");
        let dead = u32::MAX - 3;
        let staging = dir.path().join(staging_name("site", dead));
        fs::create_dir_all(&staging).unwrap();
        fs::rename(out.join("acme"), staging.join("acme")).unwrap();
        fs::write(journal_of(&staging), "acme\n../escape\n").unwrap();
        fs::write(dir.path().join(lock_name("site", dead)), "").unwrap();
        sweep(dir.path(), "site", &out, std::process::id());
        assert_eq!(
            fs::read_to_string(out.join("acme/index.html")).unwrap(),
            "previous"
        );
        assert!(!staging.exists() && !journal_of(&staging).exists());
    }

    #[test]
    fn a_failed_partial_swap_puts_every_edition_back() {
        let (_dir, out) = site_with_acme("old acme");
        fs::create_dir_all(out.join("beta")).unwrap();
        fs::write(out.join("beta/index.html"), "old beta").unwrap();
        let staging = Staging::new(&out).unwrap();
        let staged = staging.dir().to_path_buf();
        fs::create_dir_all(staged.join("acme")).unwrap();
        fs::write(staged.join("acme/index.html"), "new acme").unwrap();
        // `beta` was never staged: its swap fails after acme's succeeded
        // and after beta's old edition was moved aside.
        let err = staging.commit_editions(&["acme".into(), "beta".into()]);
        assert!(err.is_err());
        assert_eq!(
            fs::read_to_string(out.join("acme/index.html")).unwrap(),
            "old acme"
        );
        assert_eq!(
            fs::read_to_string(out.join("beta/index.html")).unwrap(),
            "old beta"
        );
        assert!(!staged.exists(), "the staging folder is gone");
    }

    #[test]
    fn a_sweep_restores_an_output_a_killed_build_had_moved_away() {
        let (dir, out) = site_with_acme("previous");
        let dead = u32::MAX - 1;
        let old = dir.path().join(format!(".site.old-{dead}"));
        fs::rename(&out, &old).unwrap();
        fs::write(dir.path().join(lock_name("site", dead)), "").unwrap();
        let swept = sweep(dir.path(), "site", &out, std::process::id());
        assert_eq!(
            fs::read_to_string(out.join("acme/index.html")).unwrap(),
            "previous"
        );
        assert!(!old.exists() && !dir.path().join(lock_name("site", dead)).exists());
        assert!(swept.is_empty(), "{swept:?}");
    }

    #[test]
    fn a_sweep_puts_back_editions_a_killed_partial_build_had_moved_aside() {
        let (dir, out) = site_with_acme("previous");
        let dead = u32::MAX - 2;
        let staging = dir.path().join(staging_name("site", dead));
        fs::create_dir_all(staging.join(REPLACED)).unwrap();
        fs::rename(out.join("acme"), staging.join(REPLACED).join("acme")).unwrap();
        fs::write(dir.path().join(lock_name("site", dead)), "").unwrap();
        let swept = sweep(dir.path(), "site", &out, std::process::id());
        assert_eq!(
            fs::read_to_string(out.join("acme/index.html")).unwrap(),
            "previous"
        );
        assert_eq!(swept, std::slice::from_ref(&staging));
        assert!(!staging.exists());
    }

    #[test]
    fn a_sweep_leaves_a_running_builds_folders_alone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let running = Staging::new(&out).unwrap();
        // A second build from another process would see this one's lock:
        // sweeping as if we were someone else leaves it.
        let swept = sweep(dir.path(), "site", &out, u32::MAX);
        assert!(swept.is_empty());
        assert!(running.dir().is_dir());
        let lock = dir.path().join(lock_name("site", std::process::id()));
        assert!(lock.is_file());
        drop(running);
        assert!(!lock.exists(), "the lock file goes with the build");
    }

    #[test]
    fn only_marked_or_unmistakable_editions_may_be_replaced() {
        let (dir, out) = site_with_acme("<main id=\"main\" data-edition=\"acme\">");
        let source = dir.path().join("runbooks");
        assert_eq!(check_safe_to_replace(&out, &source, None), Ok(()));
        // An edition written before markers: its home page and assets say so.
        let legacy = out.join("soc");
        fs::create_dir_all(legacy.join("assets")).unwrap();
        for f in ["404.html", "assets/style.css", crate::search::INDEX_PATH] {
            fs::write(legacy.join(f), "").unwrap();
        }
        fs::write(
            legacy.join("index.html"),
            "<body><main id=\"main\" data-page=\"home\" data-edition=\"soc\">",
        )
        .unwrap();
        assert_eq!(check_safe_to_replace(&out, &source, None), Ok(()));
        // Renamed, it no longer is one.
        fs::rename(&legacy, out.join("blog")).unwrap();
        let refused = check_safe_to_replace(&out, &source, None).unwrap_err();
        assert!(
            refused.contains("blog") && refused.contains("did not write"),
            "{refused}"
        );
        // A partial build only looks at the editions it replaces.
        assert_eq!(
            check_safe_to_replace(&out, &source, Some(&["acme".into()])),
            Ok(())
        );
        let refused = check_safe_to_replace(&out, &source, Some(&["blog".into()])).unwrap_err();
        assert!(refused.contains("blog"), "{refused}");
        // A marker that is a link does not count.
        fs::remove_file(out.join("acme").join(MARKER)).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(out.join("blog/404.html"), out.join("acme").join(MARKER))
            .unwrap();
        assert!(check_safe_to_replace(&out, &source, Some(&["acme".into()])).is_err());
    }
}
