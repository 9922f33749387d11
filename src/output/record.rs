//! The build record: what each file of the output was made from, and how
//! to tell it is still that file.
//!
//! After a build, a file beside `--out` (`.site.runbook-record` for
//! `site`) lists every file of the output with the key of its inputs
//! ([`crate::render::keys`]) and its *stamp*: device, inode, size, mode,
//! owner, and modification and change times to the nanosecond. The next
//! build skips rendering a file only when the record's key equals the new
//! key **and** the file on disk still has the recorded stamp. Each line is
//! a claim about one inode ("this file holds what inputs K make"), checked
//! against the disk at every use, so a record is never trusted as a whole:
//!
//! - a file edited, replaced, re-moded or re-owned by hand has another
//!   stamp (the change time cannot be set back), so it is rendered and
//!   compared like any other;
//! - a record of another output, another program, or a corrupt record
//!   names files whose stamps or keys do not match, so nothing is skipped;
//! - a file changed within the same clock tick as the record was written
//!   could keep its stamp, so files whose change time is not older than
//!   the record itself are not trusted (as git does with its index).
//!
//! A record that cannot be read is no record: everything is rendered and
//! compared, as in a build without one.

use crate::render::keys::Key;
use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The first line of a record; the number is its format.
const HEADER: &str = "runbook build record 1";

/// The largest record read: 1 GiB, several million files.
const MAX_BYTES: u64 = 1 << 30;

/// The modification time of a stamp that matches no file.
const NEVER: (i64, i64) = (i64::MAX, 0);

/// What identifies one state of one file on disk (owner and group
/// included: a clean build's files have this process's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Stamp {
    pub(crate) dev: u64,
    pub(crate) ino: u64,
    size: u64,
    pub(crate) mode: u32,
    pub(crate) uid: u32,
    pub(crate) gid: u32,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl Stamp {
    /// The stamp of a regular file; `None` for anything else.
    #[cfg(unix)]
    pub(crate) fn of(meta: &fs::Metadata) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt;
        meta.is_file().then(|| Stamp {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.len(),
            mode: meta.mode(),
            uid: meta.uid(),
            gid: meta.gid(),
            mtime: (meta.mtime(), meta.mtime_nsec()),
            ctime: (meta.ctime(), meta.ctime_nsec()),
        })
    }

    /// Without inodes and change times a stamp cannot prove a file
    /// unchanged: no record is kept.
    #[cfg(not(unix))]
    pub(crate) fn of(_meta: &fs::Metadata) -> Option<Stamp> {
        None
    }

    /// The stamp of the file at `path`, not following a link.
    pub(crate) fn at(path: &Path) -> Option<Stamp> {
        fs::symlink_metadata(path).ok().as_ref().and_then(Stamp::of)
    }

    /// This stamp made one no file state has: the line still names the
    /// file (and its inode, which folder listings compare) without
    /// vouching for its bytes.
    pub(crate) fn untrusted(self) -> Stamp {
        Stamp {
            mtime: NEVER,
            ctime: NEVER,
            ..self
        }
    }

    /// True when the file may have changed in the clock tick `when` (or
    /// later) without its times showing it.
    fn racy(&self, when: (i64, i64)) -> bool {
        self.ctime >= when || self.mtime >= when
    }

    fn write(&self, out: &mut String) {
        let mut n = itoa::Buffer::new();
        for (i, v) in [
            i128::from(self.dev),
            i128::from(self.ino),
            i128::from(self.size),
        ]
        .into_iter()
        .enumerate()
        {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(n.format(v));
        }
        out.push(' ');
        out.push_str(&format!("{:o}", self.mode));
        for v in [
            i128::from(self.uid),
            i128::from(self.gid),
            i128::from(self.mtime.0),
            i128::from(self.mtime.1),
            i128::from(self.ctime.0),
            i128::from(self.ctime.1),
        ] {
            out.push(' ');
            out.push_str(n.format(v));
        }
    }

    fn read(fields: &mut std::str::SplitN<'_, char>) -> Option<Stamp> {
        let mut n = || fields.next();
        let dev = n()?.parse().ok()?;
        let ino = n()?.parse().ok()?;
        let size = n()?.parse().ok()?;
        let mode = u32::from_str_radix(n()?, 8).ok()?;
        let uid = n()?.parse().ok()?;
        let gid = n()?.parse().ok()?;
        let mtime = (n()?.parse().ok()?, n()?.parse().ok()?);
        let ctime = (n()?.parse().ok()?, n()?.parse().ok()?);
        Some(Stamp {
            dev,
            ino,
            size,
            mode,
            uid,
            gid,
            mtime,
            ctime,
        })
    }
}

/// What identifies one state of one folder: its entries cannot change
/// without its modification and change times changing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FolderStamp {
    dev: u64,
    ino: u64,
    pub(crate) mode: u32,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl FolderStamp {
    /// The stamp of the folder at `path` (not a link to one).
    #[cfg(unix)]
    pub(crate) fn at(path: &Path) -> Option<FolderStamp> {
        use std::os::unix::fs::MetadataExt;
        let meta = fs::symlink_metadata(path).ok()?;
        meta.is_dir().then(|| FolderStamp {
            dev: meta.dev(),
            ino: meta.ino(),
            mode: meta.mode(),
            mtime: (meta.mtime(), meta.mtime_nsec()),
            ctime: (meta.ctime(), meta.ctime_nsec()),
        })
    }

    #[cfg(not(unix))]
    pub(crate) fn at(_path: &Path) -> Option<FolderStamp> {
        None
    }

    fn racy(&self, when: (i64, i64)) -> bool {
        self.ctime >= when || self.mtime >= when
    }
}

/// One file's line: its key and stamp.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) key: Key,
    pub(crate) stamp: Stamp,
}

/// A record as read: `edition/path` → entry. An entry whose file (or
/// folder) changed in the clock tick the record was written in gets a
/// stamp no file has ([`NEVER`]): it still says what the folder holds, but
/// is never trusted, in this record or any it is carried into.
#[derive(Debug, Default)]
pub(crate) struct Record {
    pub(crate) files: HashMap<String, Entry>,
    /// Folders (`edition/...`) whose every entry the record lists, with
    /// their stamps: while a folder keeps its stamp, its entries are the
    /// ones listed, so it need not be read.
    pub(crate) folders: HashMap<String, FolderStamp>,
}

/// Where the record of the output folder `out` is kept.
pub(crate) fn path_of(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    out.with_file_name(format!(".{name}.runbook-record"))
}

impl Record {
    /// Reads the record at `path`. Entries whose files changed in the
    /// clock tick the record was written in are never trusted (they may
    /// have changed without their stamp showing it); a record that cannot
    /// be read, or is not a record, is an empty one.
    pub(crate) fn read(path: &Path) -> Record {
        let Ok(file) = fs::File::open(path) else {
            return Record::default();
        };
        let Ok(meta) = file.metadata() else {
            return Record::default();
        };
        // A record is about 150 bytes a file; one far larger is not ours.
        if !meta.is_file() || meta.len() > MAX_BYTES {
            return Record::default();
        }
        let Some(written) = written_at(&meta) else {
            return Record::default();
        };
        let Ok(text) = io::read_to_string(file) else {
            return Record::default();
        };
        Record::parse(&text, written).unwrap_or_default()
    }

    fn parse(text: &str, written: (i64, i64)) -> Option<Record> {
        let mut lines = text.lines();
        if lines.next()? != HEADER {
            return None;
        }
        let mut files = HashMap::new();
        let mut folders = HashMap::new();
        for line in lines {
            if let Some(rest) = line.strip_prefix("d ") {
                let mut fields = rest.splitn(8, ' ');
                let mut n = || fields.next();
                let mut stamp = FolderStamp {
                    dev: n()?.parse().ok()?,
                    ino: n()?.parse().ok()?,
                    mode: u32::from_str_radix(n()?, 8).ok()?,
                    mtime: (n()?.parse().ok()?, n()?.parse().ok()?),
                    ctime: (n()?.parse().ok()?, n()?.parse().ok()?),
                };
                let rel = n()?;
                if rel.is_empty() {
                    return None;
                }
                if stamp.racy(written) {
                    stamp.mtime = NEVER;
                }
                folders.insert(rel.to_string(), stamp);
                continue;
            }
            // key, 10 stamp fields, then the path (which may hold spaces).
            let mut fields = line.splitn(12, ' ');
            let key = Key::from_hex(fields.next()?)?;
            let mut stamp = Stamp::read(&mut fields)?;
            let rel = fields.next()?;
            if rel.is_empty() {
                return None;
            }
            if stamp.racy(written) {
                stamp.mtime = NEVER;
            }
            files.insert(rel.to_string(), Entry { key, stamp });
        }
        Some(Record { files, folders })
    }

    /// Writes `files` and `folders` as the record at `path`, atomically
    /// (a new file renamed over the old one). `folders` must be the
    /// folders whose every entry is in `files` or `folders`. When a path
    /// holds a line break it cannot be written: then no folder is listed.
    pub(crate) fn write(
        path: &Path,
        files: &[(String, Entry)],
        folders: &[(String, FolderStamp)],
    ) -> io::Result<()> {
        use std::fmt::Write as _;
        let mut text = String::with_capacity(files.len() * 120 + folders.len() * 80 + 64);
        text.push_str(HEADER);
        text.push('\n');
        let unwritable = |rel: &str| rel.is_empty() || rel.contains(['\n', '\r']);
        let whole = !files.iter().any(|(rel, _)| unwritable(rel))
            && !folders.iter().any(|(rel, _)| unwritable(rel));
        let lines: Vec<String> = {
            use rayon::prelude::*;
            files
                .par_iter()
                .filter(|(rel, _)| !unwritable(rel))
                .map(|(rel, entry)| {
                    let mut line = String::with_capacity(120 + rel.len());
                    line.push_str(&entry.key.to_hex());
                    line.push(' ');
                    entry.stamp.write(&mut line);
                    line.push(' ');
                    line.push_str(rel);
                    line.push('\n');
                    line
                })
                .collect()
        };
        lines.iter().for_each(|l| text.push_str(l));
        if whole {
            for (rel, f) in folders {
                let _ = writeln!(
                    text,
                    "d {} {} {:o} {} {} {} {} {rel}",
                    f.dev, f.ino, f.mode, f.mtime.0, f.mtime.1, f.ctime.0, f.ctime.1
                );
            }
        }
        let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
        tmp_name.push(format!(".tmp-{}", std::process::id()));
        let tmp = path.with_file_name(tmp_name);
        let written = fs::File::create(&tmp).and_then(|mut f| f.write_all(text.as_bytes()));
        match written.and_then(|()| fs::rename(&tmp, path)) {
            Ok(()) => Ok(()),
            Err(e) => {
                let _ = fs::remove_file(&tmp);
                Err(e)
            }
        }
    }

    /// Removes the record at `path`, if any.
    pub(crate) fn remove(path: &Path) {
        let _ = fs::remove_file(path);
    }
}

/// When a file was last written, as the file system tells it (the same
/// clock and tick as the stamps it holds).
#[cfg(unix)]
fn written_at(meta: &fs::Metadata) -> Option<(i64, i64)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.mtime(), meta.mtime_nsec()))
}

#[cfg(not(unix))]
fn written_at(_meta: &fs::Metadata) -> Option<(i64, i64)> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(ctime: i64) -> Stamp {
        Stamp {
            dev: 1,
            ino: 2,
            size: 3,
            mode: 0o100644,
            uid: 0,
            gid: 0,
            mtime: (ctime, 5),
            ctime: (ctime, 5),
        }
    }

    #[test]
    fn a_record_reads_back_without_racy_entries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".site.runbook-record");
        let files = vec![
            (
                "a/index.html".to_string(),
                Entry {
                    key: Key(7),
                    stamp: stamp(10),
                },
            ),
            (
                "a/with space/index.html".to_string(),
                Entry {
                    key: Key(8),
                    stamp: stamp(11),
                },
            ),
            (
                "a/line\nbreak".to_string(),
                Entry {
                    key: Key(9),
                    stamp: stamp(12),
                },
            ),
        ];
        let folder = FolderStamp {
            dev: 1,
            ino: 9,
            mode: 0o40755,
            mtime: (10, 0),
            ctime: (10, 0),
        };
        Record::write(&path, &files[..2], &[("a".to_string(), folder)]).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        let read = Record::parse(&text, (100, 0)).unwrap();
        assert_eq!(read.files.len(), 2);
        assert_eq!(read.folders["a"], folder);
        assert_eq!(read.files["a/with space/index.html"].key, Key(8));
        assert_eq!(read.files["a/index.html"].stamp, stamp(10));
        // Written in the tick of the second file's change: it may have
        // changed unseen, so it is not trusted, nor the listing of the
        // folder it is in.
        let racy = Record::parse(&text, (11, 5)).unwrap();
        assert_eq!(racy.files.len(), 2, "every name is kept");
        assert_eq!(racy.files["a/index.html"].stamp, stamp(10));
        assert_ne!(racy.files["a/with space/index.html"].stamp, stamp(11));
        assert_eq!(racy.folders["a"], folder);
        let racy = Record::parse(&text, (10, 0)).unwrap();
        assert_ne!(racy.files["a/index.html"].stamp, stamp(10));
        assert_ne!(racy.folders["a"], folder, "changed in the record's tick");
        // A path with a line break cannot be written: the file is left
        // out, and with it every folder listing.
        Record::write(&path, &files, &[("a".to_string(), folder)]).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        let read = Record::parse(&text, (100, 0)).unwrap();
        assert_eq!(read.files.len(), 2);
        assert!(read.folders.is_empty());
    }

    #[test]
    fn a_named_file_is_never_vouched_for() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".site.runbook-record");
        let file = dir.path().join("a.html");
        fs::write(&file, b"x").unwrap();
        let now = Stamp::at(&file).unwrap();
        let files = vec![(
            "a.html".to_string(),
            Entry {
                key: Key(1),
                stamp: now.untrusted(),
            },
        )];
        Record::write(&path, &files, &[]).unwrap();
        let read = Record::read(&path);
        let named = read.files["a.html"].stamp;
        assert_eq!(named.ino, now.ino, "named, with its inode");
        assert_ne!(named, now, "never matches the file");
    }

    #[test]
    fn anything_else_is_no_record() {
        assert!(Record::parse("", (1, 0)).is_none());
        assert!(Record::parse("runbook build record 2\n", (1, 0)).is_none());
        let bad = format!("{HEADER}\nzz 1 2 3 644 0 0 1 1 1 1 a/b\n");
        assert!(Record::parse(&bad, (100, 0)).is_none());
        let dir = tempfile::tempdir().unwrap();
        let missing = Record::read(&dir.path().join("none"));
        assert!(missing.files.is_empty());
    }
}
