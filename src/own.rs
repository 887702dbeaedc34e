//! The user's own directories where ba keeps what it writes for later (the undo journal, the search
//! index): everything in them must belong to the user and be writable by nobody else, and ba's own
//! entries are opened through no symbolic link. Someone who could put a file there could otherwise
//! have ba restore it over the user's files, or answer a search from it.

use std::fmt;
use std::fs::File;
use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};

use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;

use crate::sanitize::printable_path;

/// One of ba's own areas, named by the variable that moves it (`XDG_STATE_HOME`, `XDG_CACHE_HOME`),
/// and where it is under the home directory when the variable is not set (`.local/state`, `.cache`).
pub(crate) struct Area {
    pub(crate) env: &'static str,
    pub(crate) in_home: &'static str,
}

/// Why ba does not use a part of its area: someone else could have put it there.
#[derive(Debug)]
pub(crate) struct Untrusted(String);

impl fmt::Display for Untrusted {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Untrusted {}

pub(crate) const DIR: OFlags =
    OFlags::RDONLY.union(OFlags::DIRECTORY).union(OFlags::NOFOLLOW).union(OFlags::CLOEXEC);

/// An error met in an area, as ba reports it: an untrusted entry as it is (its message says what to
/// do), another with `context`.
pub(crate) fn reported(err: io::Error, context: impl FnOnce() -> String) -> anyhow::Error {
    match err.get_ref().and_then(|inner| inner.downcast_ref::<Untrusted>()) {
        Some(untrusted) => anyhow::anyhow!("{untrusted}"),
        None => anyhow::Error::new(err).context(context()),
    }
}

impl Area {
    /// The area's directory, `$ENV/ba` (an absolute `$ENV`), else `$HOME/IN_HOME/ba`; None when
    /// neither is set.
    pub(crate) fn dir_path(&self) -> Option<PathBuf> {
        let set = std::env::var_os(self.env).map(PathBuf::from).filter(|dir| dir.is_absolute());
        let home = || std::env::var_os("HOME").map(|home| Path::new(&home).join(self.in_home));
        set.or_else(home).map(|dir| dir.join("ba"))
    }

    pub(crate) fn untrusted(&self, path: &Path, reason: &str) -> io::Error {
        io::Error::other(Untrusted(format!(
            "{}: {reason}; remove it or set {} to a directory of your own",
            printable_path(path),
            self.env
        )))
    }

    /// Fails unless what `fd` opened belongs to this user and nobody else may write it.
    pub(crate) fn trusted(&self, fd: impl AsFd, path: &Path) -> io::Result<()> {
        let stat = rustix::fs::fstat(fd)?;
        // SAFETY: geteuid has no preconditions and cannot fail.
        let me = unsafe { libc::geteuid() };
        if stat.st_uid != me {
            return Err(self.untrusted(path, &format!("owned by uid {}, not by you", stat.st_uid)));
        }
        let mode = stat.st_mode & 0o7777;
        if mode & 0o022 != 0 {
            return Err(self.untrusted(path, &format!("writable by others than you (mode {mode:04o})")));
        }
        Ok(())
    }

    /// A link, or something else, where ba's own entry should be.
    fn not_followed(&self, err: Errno, path: &Path) -> io::Error {
        match err {
            Errno::LOOP | Errno::NOTDIR => self.untrusted(path, "a symbolic link or not a directory"),
            err => err.into(),
        }
    }

    /// Opens the directory `name` in `dir`, through no link, creating it when `create`; None when it
    /// is not there. It must be the user's.
    pub(crate) fn dir(
        &self,
        dir: impl AsFd,
        name: &str,
        path: &Path,
        create: bool,
    ) -> io::Result<Option<OwnedFd>> {
        if create {
            match rustix::fs::mkdirat(&dir, name, Mode::from_raw_mode(0o700)) {
                Ok(()) | Err(Errno::EXIST) => {}
                Err(err) => return Err(err.into()),
            }
        }
        match rustix::fs::openat(&dir, name, DIR, Mode::empty()) {
            Ok(fd) => {
                self.trusted(&fd, path)?;
                Ok(Some(fd))
            }
            Err(Errno::NOENT) if !create => Ok(None),
            Err(err) => Err(self.not_followed(err, path)),
        }
    }

    /// Opens the file `name` in `dir` with `flags`, through no link; it must be the user's.
    pub(crate) fn file(&self, dir: impl AsFd, name: &str, path: &Path, flags: OFlags) -> io::Result<File> {
        let flags = flags | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NOCTTY | OFlags::NONBLOCK;
        let fd =
            rustix::fs::openat(dir, name, flags, Mode::from_raw_mode(0o600)).map_err(|err| match err {
                Errno::LOOP => self.untrusted(path, "a symbolic link"),
                err => err.into(),
            })?;
        self.trusted(&fd, path)?;
        let file = File::from(fd);
        if !file.metadata()?.is_file() {
            return Err(self.untrusted(path, "not a regular file"));
        }
        Ok(file)
    }
}
