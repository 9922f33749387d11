//! The sources' git repository, read with gix (pure Rust; the `git`
//! program is never run): the revision of HEAD for footers, and the source
//! folder's files at an older revision.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A repository that holds a source folder.
pub struct Repo {
    repo: gix::Repository,
    /// The source folder inside the work tree, `/`-separated ("" for the
    /// work tree itself).
    prefix: String,
    /// The source folder on disk.
    source: PathBuf,
}

/// Files of the source folder: `/`-separated path inside it → bytes.
pub type Files = BTreeMap<String, Vec<u8>>;

/// Why a revision could not be read.
#[derive(Debug)]
pub enum RevError {
    /// The repository has no such tag or commit.
    NotFound,
    /// The revision exists but reading it failed.
    Broken(String),
}

impl Repo {
    /// The repository whose work tree holds `source`, if any. A folder
    /// outside every repository is `Ok(None)`; a repository that cannot be
    /// opened is an error.
    pub fn discover(source: &Path) -> Result<Option<Repo>, String> {
        let Ok(source) = source.canonicalize() else {
            return Ok(None);
        };
        let repo = match gix::discover(&source) {
            Ok(r) => r,
            // No repository up to the file system's root: not an error.
            Err(e) if e.classify().is_not_found() => return Ok(None),
            Err(e) => return Err(e.to_string()),
        };
        let Some(workdir) = repo.workdir().and_then(|w| w.canonicalize().ok()) else {
            return Ok(None);
        };
        let Ok(inside) = source.strip_prefix(&workdir) else {
            return Ok(None);
        };
        let prefix = inside
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        Ok(Some(Repo {
            repo,
            prefix,
            source,
        }))
    }

    /// True for a shallow clone (CI's default checkout), which lacks older
    /// commits.
    pub fn is_shallow(&self) -> bool {
        self.repo.is_shallow().unwrap_or(false)
    }

    /// The commit a tag or commit names, full and shortened.
    pub fn resolve(&self, rev: &str) -> Result<(gix::ObjectId, String), RevError> {
        let id = self
            .repo
            .rev_parse_single(rev)
            .map_err(|_| RevError::NotFound)?;
        let commit = id
            .object()
            .and_then(|o| o.peel_to_commit())
            .map_err(|_| RevError::NotFound)?;
        Ok((commit.id, short(&commit.id)))
    }

    /// The source folder's files at a commit (links and submodules left
    /// out: they are never published).
    pub fn files_at(&self, commit: gix::ObjectId) -> Result<Files, RevError> {
        let broken = |e: gix::Error| RevError::Broken(e.to_string());
        let tree = self
            .repo
            .find_commit(commit)
            .map_err(|e| RevError::Broken(e.to_string()))?
            .tree()
            .map_err(broken)?;
        let tree = if self.prefix.is_empty() {
            tree
        } else {
            match tree.lookup_entry_by_path(&self.prefix).map_err(broken)? {
                Some(entry) if entry.mode().is_tree() => entry
                    .object()
                    .map_err(broken)?
                    .peel_to_tree()
                    .map_err(broken)?,
                // The folder did not exist then: nothing was published.
                _ => return Ok(Files::new()),
            }
        };
        let mut files = Files::new();
        self.collect(&tree, "", &mut files)?;
        Ok(files)
    }

    fn collect(&self, tree: &gix::Tree<'_>, at: &str, files: &mut Files) -> Result<(), RevError> {
        let broken = |e: gix::Error| RevError::Broken(e.to_string());
        for entry in tree.iter() {
            let entry = entry.map_err(broken)?;
            let name = format!("{at}{}", entry.filename());
            let mode = entry.mode();
            if mode.is_tree() {
                let sub = entry
                    .object()
                    .map_err(broken)?
                    .peel_to_tree()
                    .map_err(broken)?;
                self.collect(&sub, &format!("{name}/"), files)?;
            } else if mode.is_blob() {
                let blob = entry.object().map_err(broken)?;
                files.insert(name, blob.data.clone());
            }
        }
        Ok(())
    }

    /// HEAD's revision in words: the tag that points at it (the
    /// alphabetically last when several do), else its short commit; with
    /// " + uncommitted changes" when the source folder differs from it.
    pub fn version(&self) -> Result<String, String> {
        let head = self.repo.head_commit().map_err(|e| e.to_string())?;
        let head_id = head.id;
        let mut tags: Vec<String> = Vec::new();
        let refs = self.repo.references().map_err(|e| e.to_string())?;
        for r in refs.tags().map_err(|e| e.to_string())?.flatten() {
            let mut r = r;
            let name = r.name().shorten().to_string();
            if r.peel_to_id().is_ok_and(|id| id == head_id) {
                tags.push(name);
            }
        }
        tags.sort();
        let mut label = tags.pop().unwrap_or_else(|| short(&head_id));
        let files = self.files_at(head_id).map_err(|e| match e {
            RevError::NotFound => "HEAD has no commit".to_string(),
            RevError::Broken(e) => e,
        })?;
        if self.differs(&files) {
            label.push_str(" + uncommitted changes");
        }
        Ok(label)
    }

    /// True when the source folder on disk is not `files` (hidden files,
    /// whose names start with `.`, are left out on both sides: runbook never
    /// reads them).
    fn differs(&self, files: &Files) -> bool {
        let committed: BTreeMap<&str, &Vec<u8>> = files
            .iter()
            .filter(|(path, _)| !path.split('/').any(|p| p.starts_with('.')))
            .map(|(p, b)| (p.as_str(), b))
            .collect();
        let mut seen = 0usize;
        let walk = walkdir::WalkDir::new(&self.source)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walk {
            let Ok(entry) = entry else { return true };
            if !entry.file_type().is_file() {
                continue;
            }
            let Ok(rel) = entry.path().strip_prefix(&self.source) else {
                return true;
            };
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            match (committed.get(rel.as_str()), std::fs::read(entry.path())) {
                (Some(bytes), Ok(now)) if **bytes == now => seen += 1,
                _ => return true,
            }
        }
        seen != committed.len()
    }
}

/// A commit as people quote it: its first seven hex digits.
pub fn short(id: &gix::oid) -> String {
    id.to_hex_with_len(7).to_string()
}
