//! Helpers shared by the integration tests: fixtures, the `ba` command, and naive oracles that say
//! what `ba` should print.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command as StdCommand, ExitStatus, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use regex::bytes::Regex;
use tempfile::TempDir;

/// A command running the `ba` binary in `dir`, with a clean environment for the things ba reads.
///
/// Standard input is `/dev/null`: ba searches its standard input instead of `.` when that is a pipe,
/// so only [`RunExt::run_stdin`] gives it one, for the tests that mean it to be searched. HOME points
/// into the fixture so that no global git excludes file of the machine applies. The undo journal of
/// `-r` goes to a directory the tests share (see [`shared_state`]); the tests of `--undo` give each
/// run a state directory of its own.
pub fn ba(dir: &Path) -> StdCommand {
    isolated(StdCommand::new(ba_path()), dir)
}

/// `cmd` run in `dir` with stdin from /dev/null and none of the user's colour, width, editor, git or ba
/// settings.
pub fn isolated(mut cmd: StdCommand, dir: &Path) -> StdCommand {
    cmd.current_dir(dir)
        .stdin(Stdio::null())
        .env_remove("NO_COLOR")
        .env_remove("VISUAL")
        .env_remove("EDITOR")
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("XDG_CACHE_HOME")
        .env_remove("GIT_CONFIG_GLOBAL")
        .env_remove("BA_CONFIG_PATH")
        .env_remove("COLUMNS")
        .env("HOME", dir.join(".no-home"))
        .env("XDG_STATE_HOME", shared_state());
    cmd
}

/// The state directory of every ba the tests run (`XDG_STATE_HOME`), in the build's temporary
/// directory: never the user's own, never inside a fixture. ba keeps five runs there at most.
pub fn shared_state() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("state")
}

/// Waits for `child` at most `timeout`, killing it (and failing the test) past that.
pub fn wait_for(child: &mut Child, timeout: Duration) -> ExitStatus {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().expect("wait for the command") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the command did not finish within {timeout:?}");
        }
        thread::sleep(Duration::from_millis(2));
    }
}

/// Every file below `root` (anything but a directory), in no particular order.
pub fn files_below(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                dirs.push(entry.path());
            } else {
                found.push(entry.path());
            }
        }
    }
    found
}

/// The `.ba-replace-*` temporary files left anywhere below `root`.
pub fn leftovers(root: &Path) -> Vec<PathBuf> {
    let is_temporary = |path: &PathBuf| {
        path.file_name().is_some_and(|name| name.as_encoded_bytes().starts_with(b".ba-replace-"))
    };
    files_below(root).into_iter().filter(is_temporary).collect()
}

/// The path of the `ba` binary, for running it through a shell.
pub fn ba_path() -> &'static str {
    env!("CARGO_BIN_EXE_ba")
}

/// The ripgrep the tests compare ba with: the one `.ci/run` installs into the build directory's
/// `tools/bin` where it is there, else whichever `rg` is on the PATH.
pub fn rg_program() -> PathBuf {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().expect("the build directory");
    let installed = target.join("tools/bin/rg");
    if installed.is_file() {
        installed
    } else {
        PathBuf::from("rg")
    }
}

/// ripgrep's output, or `None` where it is not installed.
pub fn rg(dir: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let mut cmd = isolated(StdCommand::new(rg_program()), dir);
    match cmd.args(args).output() {
        Ok(out) => Some(out.stdout),
        Err(_) => {
            eprintln!("ripgrep is not installed: the comparison with it is skipped");
            None
        }
    }
}

/// Runs `ba ARGS` in `dir` (at most 30 s) and returns everything it did.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    ba(dir).args(args).run()
}

/// Runs `ba ARGS` in `dir`, checks the exit code and that stderr is empty, returns stdout as text.
pub fn stdout_ok(dir: &Path, args: &[&str], code: i32) -> String {
    stdout_of(&run_checked(dir, args, code))
}

/// Runs `ba ARGS` in `dir`, checks it exits 0 with nothing on stderr, returns stdout.
pub fn run_ok(dir: &Path, args: &[&str]) -> Vec<u8> {
    run_checked(dir, args, 0).stdout
}

/// Runs `ba ARGS` in `dir` and checks the exit code and that stderr is empty.
fn run_checked(dir: &Path, args: &[&str], code: i32) -> Output {
    let out = run(dir, args);
    assert_eq!(out.status.code(), Some(code), "ba {args:?}: stderr: {}", stderr_of(&out));
    assert_eq!(stderr_of(&out), "", "ba {args:?}: unexpected stderr");
    out
}

pub trait RunExt {
    /// Runs the command to its end (at most 30 s) and returns what it did.
    fn run(&mut self) -> Output {
        self.run_timeout(Duration::from_secs(30))
    }

    /// Runs the command, killing it and failing the test if it takes longer than `timeout`.
    fn run_timeout(&mut self, timeout: Duration) -> Output;

    /// Runs the command (at most 30 s) with `input` on its standard input, a pipe.
    fn run_stdin(&mut self, input: &[u8]) -> Output;
}

impl RunExt for StdCommand {
    fn run_timeout(&mut self, timeout: Duration) -> Output {
        let child = self.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("start the command");
        output_within(child, timeout)
    }

    fn run_stdin(&mut self, input: &[u8]) -> Output {
        let mut child = self
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the command");
        let mut stdin = child.stdin.take().unwrap();
        let input = input.to_vec();
        // The command may end without reading it all: a failed write is not an error. Dropping the
        // pipe at the end of the thread closes it.
        let writer = thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
        let out = output_within(child, Duration::from_secs(30));
        writer.join().unwrap();
        out
    }
}

/// Waits for `child` at most `timeout` (killing it and failing the test past that), reading its
/// stdout and stderr meanwhile where they are pipes; returns what it did.
pub fn output_within(mut child: Child, timeout: Duration) -> Output {
    fn read_all(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<Vec<u8>> {
        thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut pipe) = pipe {
                pipe.read_to_end(&mut buf).expect("read the command's output");
            }
            buf
        })
    }
    let out = read_all(child.stdout.take());
    let err = read_all(child.stderr.take());
    let status = wait_for(&mut child, timeout);
    Output { status, stdout: out.join().unwrap(), stderr: err.join().unwrap() }
}

/// A tmpfs mounted on a directory for the length of a test (the tests run as root here); None, with a
/// note on stderr, where mounting is not allowed.
pub struct Tmpfs(PathBuf);

impl Tmpfs {
    /// Mounts a tmpfs of `size` (`mount -o size=...`) on `dir`, creating it.
    pub fn mount(dir: &Path, size: &str) -> Option<Tmpfs> {
        fs::create_dir_all(dir).unwrap();
        let out = StdCommand::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .stdin(Stdio::null())
            .output();
        match out {
            Ok(out) if out.status.success() => Some(Tmpfs(dir.to_path_buf())),
            Ok(out) => {
                eprintln!("note: cannot mount a tmpfs: {}", String::from_utf8_lossy(&out.stderr).trim());
                None
            }
            Err(err) => {
                eprintln!("note: cannot run mount: {err}");
                None
            }
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = StdCommand::new("umount").arg("-l").arg(&self.0).status();
    }
}

pub fn tempdir() -> TempDir {
    tempfile::Builder::new().prefix("ba-test-").tempdir().expect("create a temporary directory")
}

/// Writes `contents` to `dir/rel`, creating the parent directories.
pub fn write(dir: &Path, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create parent directories");
    }
    fs::write(&path, contents).expect("write fixture file");
    path
}

/// Writes an executable shell script. The file is written by a child process (`cp`), never held
/// open for writing by this multi-threaded test process, so a concurrent fork in another test cannot
/// make running it fail with "Text file busy".
pub fn write_script(path: &Path, body: &str) {
    let staging = path.with_extension("staging");
    fs::write(&staging, body).expect("write script");
    let status = std::process::Command::new("cp").arg(&staging).arg(path).status().expect("run cp");
    assert!(status.success(), "cp failed");
    fs::remove_file(&staging).expect("remove staging file");
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).expect("chmod script");
}

/// The lines of `content` as ba numbers them: split on `\n`; a final line without `\n` counts.
pub fn lines(content: &[u8]) -> Vec<&[u8]> {
    if content.is_empty() {
        return Vec::new();
    }
    let body = content.strip_suffix(b"\n").unwrap_or(content);
    body.split(|&b| b == b'\n').collect()
}

pub fn line_count(content: &[u8]) -> usize {
    lines(content).len()
}

/// The pipe output (`path:LINE:line`) a naive line-by-line matcher expects for one file.
pub fn expected_pipe(display: &str, content: &[u8], re: &Regex) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, line) in lines(content).into_iter().enumerate() {
        if re.is_match(line) {
            out.extend_from_slice(format!("{display}:{}:", i + 1).as_bytes());
            out.extend_from_slice(line);
            out.push(b'\n');
        }
    }
    out
}

/// The `-m` pipe output a naive matcher expects: one `path:LINE:match` line per match.
pub fn expected_match_only(display: &str, content: &[u8], re: &Regex) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, line) in lines(content).into_iter().enumerate() {
        // An empty match has no text to print.
        for m in re.find_iter(line).filter(|m| !m.is_empty()) {
            out.extend_from_slice(format!("{display}:{}:", i + 1).as_bytes());
            out.extend_from_slice(m.as_bytes());
            out.push(b'\n');
        }
    }
    out
}

/// Every regular file below `root` in ba's walk order: depth first, each directory's entries sorted
/// by name, symbolic links not followed, hidden names (`.x`) skipped unless `hidden`.
pub fn walk_order(root: &Path, hidden: bool) -> Vec<PathBuf> {
    fn visit(dir: &Path, hidden: bool, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> =
            fs::read_dir(dir).expect("read_dir").map(|e| e.expect("dir entry")).collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            if !hidden && entry.file_name().as_encoded_bytes().starts_with(b".") {
                continue;
            }
            let file_type = entry.file_type().expect("file type");
            if file_type.is_dir() {
                visit(&entry.path(), hidden, out);
            } else if file_type.is_file() {
                out.push(entry.path());
            }
        }
    }
    let mut out = Vec::new();
    visit(root, hidden, &mut out);
    out
}

/// 1234567 -> "1,234,567".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// Removes ANSI SGR escapes (`ESC [ ... m`).
pub fn strip_ansi(text: &str) -> String {
    let re = regex::Regex::new("\x1b\\[[0-9;]*m").unwrap();
    re.replace_all(text, "").into_owned()
}

/// The output without its `Duration: ...` line, which differs from run to run.
pub fn without_duration(text: &str) -> String {
    text.lines().filter(|l| !l.starts_with("Duration: ")).map(|l| format!("{l}\n")).collect()
}

/// The pretty summary block for these counts, without the Duration line.
pub fn summary(searched: usize, matched: usize, lines: usize) -> String {
    format!(
        "---------------\nFiles Searched: {}\nFiles Matched: {}\nLines Searched: {}\n",
        thousands(searched),
        thousands(matched),
        thousands(lines)
    )
}

/// Checks the last line of pretty output is a well-formed Duration line.
pub fn assert_duration_line(text: &str) {
    let last = text.lines().last().expect("output has lines");
    let re = regex::Regex::new(r"^Duration: \d+\.\d{3}s$").unwrap();
    assert!(re.is_match(last), "bad duration line: {last:?}");
}

pub fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

/// Stderr, without the note that ends every `-r` run that rewrote files (`ba: rewrote 2 files; ba
/// --undo restores them`), which the tests of the undo journal check for themselves.
pub fn stderr_of(output: &std::process::Output) -> String {
    let note = regex::Regex::new(r"(?m)^ba: rewrote \d+ files?; [^\n]*\n").unwrap();
    note.replace_all(&String::from_utf8_lossy(&output.stderr), "").into_owned()
}

/// True when the tests run as root, where file permissions do not stop reading.
pub fn running_as_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A command that runs `program` (a path, or a name looked up in PATH) as the unprivileged user
/// `nobody` with `setpriv`, for the tests that need a user other than root; None, with the reason on
/// stderr, when the tests do not run as root, or `nobody`, `setpriv` or a `program` that `nobody`
/// may run is missing.
pub fn as_nobody(program: &str) -> Option<StdCommand> {
    if !running_as_root() {
        eprintln!("note: not running as root: cannot run a command as another user");
        return None;
    }
    let setpriv = |program: &Path| {
        let mut cmd = StdCommand::new("setpriv");
        cmd.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]).arg(program);
        cmd
    };
    // The first that nobody can run: a name in PATH may be a shim in root's home.
    let candidates: Vec<PathBuf> = if program.contains('/') {
        vec![PathBuf::from(program)]
    } else {
        let path = std::env::var_os("PATH").unwrap_or_default();
        std::env::split_paths(&path).map(|dir| dir.join(program)).filter(|p| p.is_file()).collect()
    };
    let runs = |candidate: &&PathBuf| {
        setpriv(candidate)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    };
    match candidates.iter().find(runs) {
        Some(found) => Some(setpriv(found)),
        None => {
            eprintln!("note: `setpriv`, the user `nobody` or a {program} that nobody may run is missing");
            None
        }
    }
}

/// Lets every user reach `dir` (a test's temporary directory is private to its owner).
pub fn open_to_all(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).expect("chmod the test directory");
}

/// Whether `program --version` runs.
pub fn have(program: impl AsRef<std::ffi::OsStr>) -> bool {
    StdCommand::new(program)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The permission bits of `path` (not following a link).
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::symlink_metadata(path).unwrap().permissions().mode() & 0o7777
}

/// What [`run_measured`] saw of a command.
pub struct Measured {
    /// The exit code, or minus the signal that ended it.
    pub code: i32,
    /// The bytes it wrote on stdout (dropped as they come).
    pub written: u64,
    pub stderr: String,
    /// Its peak resident memory, in KiB.
    pub peak_kib: u64,
}

/// Runs `cmd` to its end (at most `timeout`, else it is killed and the test fails), counting and
/// dropping what it writes on stdout, and measures its peak memory; None, with a note, without
/// python3 or a C compiler.
///
/// A process's `ru_maxrss` counts the memory of the process it was forked from, up to its exec: a
/// command forked from this test process (tens of MiB) or from python3 (10 MiB) would report that,
/// above ripgrep's own peak at one thread. So a small C program (`PEAK_RSS_C`, 1 MiB) starts it and
/// reads its `ru_maxrss` with wait4(2); python3 counts the output and keeps the time.
pub fn run_measured(cmd: &StdCommand, timeout: Duration) -> Option<Measured> {
    const MEASURE: &str = r#"
import os, signal, sys
read_end, write_end = os.pipe()
report_read, report_write = os.pipe()
pid = os.fork()
if pid == 0:
    os.setpgid(0, 0)
    os.dup2(write_end, 1)
    os.dup2(report_write, 3)
    os.execv(sys.argv[2], sys.argv[2:])
os.close(write_end)
os.close(report_write)
def expire(*_):
    os.killpg(pid, signal.SIGKILL)
    sys.exit("timed out")
signal.signal(signal.SIGALRM, expire)
signal.alarm(int(sys.argv[1]))
written = 0
while chunk := os.read(read_end, 1 << 16):
    written += len(chunk)
_, helper_status = os.waitpid(pid, 0)
report = os.read(report_read, 100).split()
if len(report) != 2:
    sys.exit(f"the measuring helper failed (exit status {os.waitstatus_to_exitcode(helper_status)})")
status, peak = map(int, report)
print(os.waitstatus_to_exitcode(status), written, peak)
"#;
    let helper = peak_rss_helper()?;
    let mut python = StdCommand::new("python3");
    python
        .args(["-c", MEASURE, &timeout.as_secs().max(1).to_string()])
        .arg(helper)
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (name, value) in cmd.get_envs() {
        match value {
            Some(value) => python.env(name, value),
            None => python.env_remove(name),
        };
    }
    if let Some(dir) = cmd.get_current_dir() {
        python.current_dir(dir);
    }
    let out = match python.stdin(Stdio::null()).output() {
        Ok(out) => out,
        Err(err) => {
            eprintln!("note: python3 cannot run here ({err}): peak memory not measured");
            return None;
        }
    };
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "measuring {:?} failed: {stderr}", cmd.get_program());
    let text = String::from_utf8_lossy(&out.stdout);
    let fields: Vec<i64> = text.split_whitespace().map(|field| field.parse().expect("a number")).collect();
    let [code, written, peak_kib] = fields[..] else { panic!("unexpected measure: {text:?}") };
    Some(Measured { code: code as i32, written: written as u64, stderr, peak_kib: peak_kib as u64 })
}

/// Runs a command and writes its wait status and peak memory (`ru_maxrss`, KiB) on descriptor 3.
const PEAK_RSS_C: &str = r#"
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2 || fcntl(3, F_SETFD, FD_CLOEXEC) < 0) {
        perror("peak-rss: descriptor 3");
        return 2;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("peak-rss: fork");
        return 2;
    }
    if (pid == 0) {
        execvp(argv[1], argv + 1);
        fprintf(stderr, "peak-rss: cannot run %s: ", argv[1]);
        perror(NULL);
        _exit(127);
    }
    int status;
    struct rusage usage;
    if (wait4(pid, &status, 0, &usage) < 0) {
        perror("peak-rss: wait4");
        return 2;
    }
    dprintf(3, "%d %ld\n", status, usage.ru_maxrss);
    return 0;
}
"#;

/// `PEAK_RSS_C`, compiled once with `cc` (which the allocator's build needs too); None, with a
/// note, where it cannot be.
fn peak_rss_helper() -> Option<&'static Path> {
    static HELPER: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    let compile = || {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
        // Written and compiled under this process's own names: test runs may share the directory.
        let source = dir.join(format!("peak-rss.{}.c", std::process::id()));
        let (partial, program) = (source.with_extension(""), dir.join("peak-rss"));
        fs::write(&source, PEAK_RSS_C).expect("write the helper's source");
        let compiled = StdCommand::new("cc").arg("-O2").arg("-o").arg(&partial).arg(&source).output();
        let _ = fs::remove_file(&source);
        match compiled {
            Ok(out) if out.status.success() => {
                fs::rename(&partial, &program).expect("put the helper in place");
                Some(program)
            }
            Ok(out) => {
                eprintln!(
                    "note: cannot compile the peak memory helper ({}): {}",
                    source.display(),
                    String::from_utf8_lossy(&out.stderr)
                );
                None
            }
            Err(err) => {
                eprintln!("note: no C compiler ({err}): peak memory not measured");
                None
            }
        }
    };
    HELPER.get_or_init(compile).as_deref()
}

/// Runs `cmd` (at most 30 s) in a session of its own, with standard streams as they are: when
/// `terminal`, its controlling terminal is a new pseudo-terminal, so that `/dev/tty` opens as it
/// opens for a person at a terminal; otherwise it has none, as under cron or a CI runner.
pub fn run_in_session(cmd: &mut StdCommand, terminal: bool) -> Output {
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::os::unix::process::CommandExt;

    let (mut leader, mut follower) = (-1, -1);
    // SAFETY: openpty writes two new descriptors, owned here from then on.
    let opened = unsafe {
        libc::openpty(&mut leader, &mut follower, std::ptr::null_mut(), std::ptr::null(), std::ptr::null())
    };
    assert_eq!(opened, 0, "openpty: {}", std::io::Error::last_os_error());
    let (leader, follower) = unsafe { (OwnedFd::from_raw_fd(leader), OwnedFd::from_raw_fd(follower)) };
    let follower_fd = follower.as_raw_fd();
    // SAFETY: setsid and ioctl are async-signal-safe, as code between fork and exec must be.
    unsafe {
        cmd.pre_exec(move || {
            if libc::setsid() < 0 || (terminal && libc::ioctl(follower_fd, libc::TIOCSCTTY, 0) < 0) {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = cmd.run();
    // The terminal lives until the command has ended.
    drop((leader, follower));
    out
}

/// Runs a command on a new pseudo-terminal (its controlling terminal, and its stdin, stdout and
/// stderr), typing the next answer, as given, each time the output shows one more question (a
/// regex), then `q`. Prints what the terminal showed, then `EXIT code`.
const PTY_DRIVER: &str = r#"
import os, pty, re, select, sys, termios, time
question = sys.argv[1].encode()
answers = [a for a in sys.argv[2].split('\x1f') if a]
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[3], sys.argv[3:])
# No echo: the answers do not mix into what ba prints.
attrs = termios.tcgetattr(fd)
attrs[3] &= ~termios.ECHO
termios.tcsetattr(fd, termios.TCSANOW, attrs)
out = b''
asked = 0
deadline = time.time() + 20
while True:
    if time.time() > deadline:
        os.kill(pid, 9)
        sys.stdout.write('TIMEOUT\n')
        break
    ready, _, _ = select.select([fd], [], [], 0.2)
    if not ready:
        continue
    try:
        data = os.read(fd, 65536)
    except OSError:
        break
    if not data:
        break
    out += data
    while len(re.findall(question, out)) > asked:
        asked += 1
        os.write(fd, (answers.pop(0) if answers else 'q').encode())
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode('utf-8', 'replace'))
sys.stdout.write('\nEXIT %d\n' % os.waitstatus_to_exitcode(status))
"#;

/// Runs `ba ARGS` in `dir` on a terminal of its own, typing each answer (as given: a key, or a line
/// with its `\n`) when the output shows one more `question` (a regex); returns the exit code and
/// what the terminal showed, without colours. None when python3 is not installed.
pub fn on_terminal(dir: &Path, question: &str, answers: &[&str], args: &[&str]) -> Option<(i32, String)> {
    on_terminal_with(dir, &[], question, answers, args)
}

/// `on_terminal`, with these variables set.
pub fn on_terminal_with(
    dir: &Path,
    vars: &[(&str, &Path)],
    question: &str,
    answers: &[&str],
    args: &[&str],
) -> Option<(i32, String)> {
    let mut program = vec![ba_path()];
    program.extend_from_slice(args);
    run_on_terminal(dir, vars, question, answers, &program)
}

/// Runs `program` (its path, then its arguments) as `on_terminal` runs ba.
pub fn run_on_terminal(
    dir: &Path,
    vars: &[(&str, &Path)],
    question: &str,
    answers: &[&str],
    program: &[&str],
) -> Option<(i32, String)> {
    if !have("python3") {
        eprintln!("note: python3 is not installed: skipping the checks at a terminal");
        return None;
    }
    let out = isolated(StdCommand::new("python3"), dir)
        .envs(vars.iter().copied())
        .args(["-c", PTY_DRIVER, question, &answers.join("\x1f")])
        .args(program)
        .run();
    assert!(out.status.success(), "the driver failed: {}", stderr_of(&out));
    let text = strip_ansi(&String::from_utf8_lossy(&out.stdout)).replace("\r\n", "\n");
    assert!(!text.contains("TIMEOUT"), "ba hung: {text}");
    let code = text.rsplit("EXIT ").next().unwrap().trim().parse().unwrap();
    Some((code, text))
}
