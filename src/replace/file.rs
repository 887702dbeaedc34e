//! Opening a file to rewrite and putting its new content in place, through directory handles that
//! cannot be swapped underneath: each root is opened once, every directory below it is opened
//! from the one above it without following a symbolic link, and the temporary file is created and
//! renamed within the directory handle of the file it replaces. A directory swapped for a link to
//! somewhere else, at any moment, makes the open fail; it never redirects a write outside the roots.
//!
//! A file is locked (flock) from the moment it is opened until its new content is in place, so that
//! two ba runs never rewrite it at once: the second waits, then finds the name given to a new file
//! and opens that one. Just before the rename the file must still be the one opened, unchanged, with
//! the content that was read (its hash): a change by anyone else is noticed there.

use std::ffi::{CStr, CString, OsStr, OsString};
use std::fs::{File, Metadata};
use std::hash::{BuildHasher, RandomState};
use std::io::{self, Seek};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};

use rustix::fs::{AtFlags, FlockOperation, Mode, OFlags, XattrFlags, CWD};
use rustix::io::Errno;

use crate::messages::describe;
use crate::pipeline::Stamp;
use crate::sanitize::{printable_path, push_escaped};

/// How many times a file is opened again when another program renamed a new file over its name
/// while ba waited for its lock.
const LOCK_TRIES: usize = 10;

/// A root of the search, opened when ba starts: files are written only below it.
pub(crate) struct Root {
    /// The root, resolved.
    path: PathBuf,
    /// The directory, or for a root that is a file, the directory it is in.
    dir: OwnedFd,
    is_file: bool,
}

impl Root {
    pub(crate) fn open(path: &Path) -> io::Result<Root> {
        let path = path.canonicalize()?;
        let is_file = !path.is_dir();
        let dir = match (is_file, path.parent()) {
            (true, Some(parent)) => open_dir(CWD, parent)?,
            _ => open_dir(CWD, &path)?,
        };
        Ok(Root { path, dir, is_file })
    }

    /// The directory to open `resolved` from and its path from there, when it lies below the root.
    pub(crate) fn below(&self, resolved: &Path) -> Option<(BorrowedFd<'_>, PathBuf)> {
        let rel = if self.is_file {
            if resolved != self.path {
                return None;
            }
            PathBuf::from(resolved.file_name()?)
        } else {
            resolved.strip_prefix(&self.path).ok()?.to_path_buf()
        };
        (!rel.as_os_str().is_empty()).then(|| (self.dir.as_fd(), rel))
    }
}

/// A file opened to be rewritten: the file, what it was when opened, and the directory it is in.
pub(crate) struct Target {
    dir: OwnedFd,
    name: OsString,
    pub(crate) file: File,
    pub(crate) metadata: Metadata,
}

impl Target {
    /// Opens `rel`, a resolved path (no `.`, `..` or link), below the directory `root`: each
    /// directory on the way from the one before, and the file itself, without following a link; and
    /// locks the file, waiting while another ba run holds it.
    pub(crate) fn open(root: BorrowedFd, rel: &Path) -> io::Result<Target> {
        let mut names = Vec::new();
        for component in rel.components() {
            match component {
                Component::Normal(name) => names.push(name),
                _ => return Err(io::Error::other(format!("not a resolved path: {}", printable_path(rel)))),
            }
        }
        let Some((name, dirs)) = names.split_last() else {
            return Err(io::Error::other("an empty path"));
        };
        let mut dir = root.try_clone_to_owned()?;
        for step in dirs {
            dir = open_dir(&dir, step)?;
        }
        let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
        // Another run that held the lock may have renamed a new file over the name: open that one.
        for _ in 0..LOCK_TRIES {
            let file = File::from(rustix::fs::openat(&dir, *name, flags, Mode::empty()).map_err(on_the_way)?);
            if !file.metadata()?.is_file() {
                return Err(io::Error::other("not a regular file"));
            }
            match rustix::fs::flock(&file, FlockOperation::LockExclusive) {
                // A file system without locks: the checks before the rename are all there is.
                Ok(()) | Err(Errno::NOLCK | Errno::OPNOTSUPP | Errno::NOSYS) => {}
                Err(err) => return Err(err.into()),
            }
            let metadata = file.metadata()?;
            let target = Target { dir, name: name.to_os_string(), file, metadata };
            if target.names_the_file()? {
                return Ok(target);
            }
            dir = target.dir;
        }
        Err(io::Error::other("it keeps being replaced by another program"))
    }

    /// Whether the target's name still names the file opened.
    fn names_the_file(&self) -> io::Result<bool> {
        match rustix::fs::statat(&self.dir, &self.name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(now) => Ok(now.st_dev == self.metadata.dev() && now.st_ino == self.metadata.ino()),
            Err(Errno::NOENT) => Ok(false),
            Err(err) => Err(err.into()),
        }
    }

    /// Creates an empty temporary file beside the target (`.ba-replace-*`), removed unless it is
    /// put in place.
    pub(crate) fn temp(&self) -> io::Result<Temp<'_>> {
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let random = RandomState::new();
        let mut attempt = 0u32;
        loop {
            let name = OsString::from(format!(".ba-replace-{}", suffix(random.hash_one(attempt))));
            match rustix::fs::openat(&self.dir, &name, flags, Mode::from_raw_mode(0o600)) {
                Ok(fd) => return Ok(Temp { target: self, name, file: File::from(fd), placed: false }),
                // Names taken by chance: another one.
                Err(Errno::EXIST) if attempt < 100 => attempt += 1,
                Err(err) => return Err(err.into()),
            }
        }
    }

    /// Whether the target's name still names the file opened, unchanged since it was opened (its
    /// size and time, and its content, which must hash to `content`).
    fn unchanged(&self, content: &blake3::Hash) -> io::Result<()> {
        let mut hasher = blake3::Hasher::new();
        let mut reader = &self.file;
        rewind(reader)?;
        io::copy(&mut reader, &mut hasher)?;
        let stamp = Stamp::of(&self.file.metadata()?);
        if hasher.finalize() != *content || stamp != Stamp::of(&self.metadata) || !self.names_the_file()? {
            return Err(io::Error::other("it changed while being replaced"));
        }
        Ok(())
    }
}

/// A temporary file beside a target, to hold its new content.
pub(crate) struct Temp<'t> {
    target: &'t Target,
    name: OsString,
    pub(crate) file: File,
    placed: bool,
}

impl Temp<'_> {
    /// Gives the file the target's owner, permissions and extended attributes (ACLs among them),
    /// and syncs it.
    pub(crate) fn finish(&self) -> io::Result<()> {
        let (file, before) = (&self.file, &self.target.metadata);
        // The owner first: changing it clears the setuid and setgid bits that the mode then restores.
        if let Err(err) = std::os::unix::fs::fchown(file, Some(before.uid()), Some(before.gid())) {
            let ours = file.metadata()?;
            if ours.uid() != before.uid() || ours.gid() != before.gid() {
                return Err(io::Error::new(
                    err.kind(),
                    format!("cannot keep its owner ({})", describe(&err)),
                ));
            }
        }
        let mode = before.mode() & 0o7777;
        // The mode before the ACL: an ACL set after it keeps its own mask, where a mode set after it
        // would make the group's bits the mask.
        file.set_permissions(std::fs::Permissions::from_mode(mode))?;
        copy_xattrs(&self.target.file, file)?;
        // Setting an ACL may clear the setgid bit.
        if file.metadata()?.mode() & 0o7777 != mode {
            file.set_permissions(std::fs::Permissions::from_mode(mode))?;
        }
        file.sync_all()
    }

    /// Renames the file over the target, unless the target changed since it was opened (`content`
    /// is the hash of what was read of it), and makes the rename durable.
    pub(crate) fn put_in_place(mut self, content: &blake3::Hash) -> io::Result<()> {
        let Target { dir, name, .. } = self.target;
        // The last moment to notice a change made while we worked.
        self.target.unchanged(content)?;
        rustix::fs::renameat(dir, &self.name, dir, name)?;
        self.placed = true;
        Ok(rustix::fs::fsync(dir)?)
    }
}

impl Drop for Temp<'_> {
    fn drop(&mut self) {
        if !self.placed {
            let _ = rustix::fs::unlinkat(&self.target.dir, &self.name, AtFlags::empty());
        }
    }
}

/// Gives `to` exactly the extended attributes of `from`: the same values, and none of those `from`
/// lacks (a new file takes its directory's default ACL).
fn copy_xattrs(from: &File, to: &File) -> io::Result<()> {
    let wanted = match xattr_names(from) {
        Ok(names) => names,
        // The file system has none.
        Err(err) if err.raw_os_error() == Some(Errno::OPNOTSUPP.raw_os_error()) => return Ok(()),
        Err(err) => return Err(err),
    };
    let cannot_keep = |name: &CStr, err: Errno| {
        let mut shown = String::new();
        push_escaped(&mut shown, name.to_bytes());
        let err = io::Error::from(err);
        io::Error::new(err.kind(), format!("cannot keep its extended attribute {shown} ({})", describe(&err)))
    };
    for name in xattr_names(to)? {
        if !wanted.contains(&name) {
            rustix::fs::fremovexattr(to, name.as_c_str()).map_err(|err| cannot_keep(&name, err))?;
        }
    }
    for name in &wanted {
        let value = xattr_value(from, name)?;
        // Setting one that is already right may need a privilege that is not there.
        if xattr_value(to, name).is_ok_and(|now| now == value) {
            continue;
        }
        rustix::fs::fsetxattr(to, name.as_c_str(), &value, XattrFlags::empty())
            .map_err(|err| cannot_keep(name, err))?;
    }
    Ok(())
}

/// The names of the extended attributes of `file` that this user may see.
fn xattr_names(file: &File) -> io::Result<Vec<CString>> {
    loop {
        let mut list = vec![0; rustix::fs::flistxattr_query(file)?];
        if list.is_empty() {
            return Ok(Vec::new());
        }
        match rustix::fs::flistxattr(file, &mut list[..]) {
            Ok(len) => {
                list.truncate(len);
                let names = list.split(|&b| b == 0).filter(|name| !name.is_empty());
                return Ok(names.map(|name| CString::new(name).expect("split at every NUL")).collect());
            }
            // One was added since the size was asked.
            Err(Errno::RANGE) => continue,
            Err(err) => return Err(err.into()),
        }
    }
}

fn xattr_value(file: &File, name: &CStr) -> io::Result<Vec<u8>> {
    loop {
        let mut value = vec![0; rustix::fs::fgetxattr_query(file, name)?];
        if value.is_empty() {
            return Ok(value);
        }
        match rustix::fs::fgetxattr(file, name, &mut value[..]) {
            Ok(len) => {
                value.truncate(len);
                return Ok(value);
            }
            Err(Errno::RANGE) => continue,
            Err(err) => return Err(err.into()),
        }
    }
}

/// Reads the file again from its start.
pub(crate) fn rewind(mut file: &File) -> io::Result<()> {
    file.seek(io::SeekFrom::Start(0)).map(|_| ())
}

/// Opens the directory `name` in `dir`, not through a link.
fn open_dir(dir: impl AsFd, name: impl AsRef<OsStr>) -> io::Result<OwnedFd> {
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    rustix::fs::openat(dir, name.as_ref(), flags, Mode::empty()).map_err(on_the_way)
}

/// A link where a directory (or the file) was found when the path was resolved says so.
fn on_the_way(err: Errno) -> io::Error {
    match err {
        Errno::LOOP | Errno::NOTDIR => io::Error::other("a symbolic link now stands on its path"),
        err => err.into(),
    }
}

/// Ten letters and digits for a temporary file's name.
fn suffix(mut random: u64) -> String {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    (0..10)
        .map(|_| {
            let c = CHARS[(random % CHARS.len() as u64) as usize];
            random /= CHARS.len() as u64;
            char::from(c)
        })
        .collect()
}
