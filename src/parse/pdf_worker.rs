//! PDFs are read in a child process, so that a hostile or broken PDF — one whose
//! page tree loops, whose form draws itself, whose streams inflate to gigabytes —
//! cannot hang, crash or exhaust unspace: the child is the unspace binary itself,
//! started as `unspace __read-pdf` (as Apache Tika's forked parser and browsers'
//! PDF workers do), with the PDF's bytes on its stdin, an address-space limit, a CPU
//! limit and a wall-clock limit; it answers the pages read ([`PdfPages`]) as JSON
//! on stdout. Whatever happens to it, the parent gets an error that names what
//! happened, the file is recorded as failing in that state, and the other documents
//! of the update are indexed.
//!
//! Where no unspace binary can be found (a program using the library on its own),
//! PDFs are read in the calling process, as before.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow, bail};

use super::pdf::{self, PdfPages};

/// The argument that makes the unspace binary a PDF reader.
pub const WORKER_ARGUMENT: &str = "__read-pdf";

/// The environment variable that names the binary to read PDFs with (tests, or a
/// library user with an unspace binary at hand).
pub const WORKER_VARIABLE: &str = "UNSPACE_PDF_READER";

/// Memory (address space) one PDF may take to read.
pub const MEMORY_LIMIT: u64 = 2 << 30;

/// The environment variable that sets the time one PDF may take, in seconds
/// (default: 20 s and 2 s more per MB of file, at most 180 s).
pub const SECONDS_VARIABLE: &str = "UNSPACE_PDF_SECONDS";

/// Time one PDF may take to read: a base, and more for a larger file.
fn time_limit(bytes: usize) -> Duration {
    if let Some(seconds) = std::env::var(SECONDS_VARIABLE)
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
    {
        return Duration::from_secs(seconds.max(1));
    }
    let mb = (bytes / 1_000_000) as u64;
    Duration::from_secs((20 + 2 * mb).min(180))
}

/// The unspace binary to read PDFs with: `UNSPACE_PDF_READER`, this program when it
/// is unspace, or the unspace binary beside this program (cargo's test binaries
/// live in `target/…/deps`, the binary in `target/…`).
fn worker() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(WORKER_VARIABLE).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let me = std::env::current_exe().ok()?;
    let name = format!("unspace{}", std::env::consts::EXE_SUFFIX);
    if me.file_name().is_some_and(|n| n == name.as_str()) {
        return Some(me);
    }
    let dir = me.parent()?;
    [dir.join(&name), dir.parent()?.join(&name)]
        .into_iter()
        .find(|p| p.is_file())
}

/// Reads a PDF's pages in a child process (see the module's comment); in this
/// process when there is no unspace binary to run.
pub fn read(bytes: &[u8]) -> Result<PdfPages> {
    match worker() {
        Some(binary) => read_in_child(&binary, bytes, time_limit(bytes.len())),
        None => pdf::read(bytes),
    }
}

/// What the child answers.
#[derive(serde::Serialize, serde::Deserialize)]
enum Answer {
    Pages(PdfPages),
    Refused(String),
}

fn read_in_child(binary: &std::path::Path, bytes: &[u8], limit: Duration) -> Result<PdfPages> {
    let mut command = Command::new(binary);
    command
        .arg(WORKER_ARGUMENT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    limit_child(&mut command, limit);
    let mut child = command
        .spawn()
        .map_err(|e| anyhow!("could not start the PDF reader {}: {e}", binary.display()))?;
    // Feed stdin and drain stdout and stderr on threads: the child may stop reading
    // or fill a pipe at any moment.
    let mut stdin = child.stdin.take().expect("piped");
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let input = bytes.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stdout.read_to_end(&mut out);
        out
    });
    let errors = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = (&mut stderr).take(64 * 1024).read_to_end(&mut out);
        out
    });
    let started = Instant::now();
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > limit => {
                timed_out = true;
                kill_group(&mut child);
                break child.wait()?;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(anyhow!("the PDF reader could not be waited for: {e}")),
        }
    };
    if timed_out {
        // Whatever the reader started may still hold its pipes: the threads that
        // drain them are left to end with it.
        drop((feeder, reader, errors));
        bail!(
            "is a PDF that could not be read within {} s (a page tree that loops, or too much to draw): skipped until it changes",
            limit.as_secs()
        );
    }
    let _ = feeder.join();
    let output = reader.join().unwrap_or_default();
    let stderr = String::from_utf8_lossy(&errors.join().unwrap_or_default()).into_owned();
    if status.success() {
        return match serde_json::from_slice::<Answer>(&output) {
            Ok(Answer::Pages(pages)) => Ok(pages),
            Ok(Answer::Refused(why)) => Err(anyhow!(why)),
            Err(e) => Err(anyhow!("the PDF reader's answer could not be read ({e})")),
        };
    }
    if stderr.contains("memory allocation") || stderr.contains("out of memory") {
        bail!(
            "is a PDF that needs more than {} GB of memory to read (streams that inflate too far, or drawn too many times): skipped until it changes",
            MEMORY_LIMIT >> 30
        );
    }
    if stderr.contains("overflowed its stack") {
        bail!(
            "is a PDF whose drawing never ends (a form that draws itself, or forms nested too deep): skipped until it changes"
        );
    }
    bail!(
        "is a PDF the reader could not finish ({}): skipped until it changes",
        ended(&status)
    )
}

/// How a child ended, in words.
fn ended(status: &std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return match signal {
                libc::SIGXCPU => "it used its CPU time".to_owned(),
                libc::SIGSEGV | libc::SIGBUS => "it crashed".to_owned(),
                libc::SIGABRT => "it aborted".to_owned(),
                libc::SIGKILL => "it was killed".to_owned(),
                other => format!("signal {other}"),
            };
        }
    }
    match status.code() {
        Some(code) => format!("exit status {code}"),
        None => "it stopped".to_owned(),
    }
}

/// Limits the child's memory, CPU time and core dumps.
#[cfg(unix)]
fn limit_child(command: &mut Command, time: Duration) {
    use std::os::unix::process::CommandExt;
    let cpu = time.as_secs() + 5;
    // SAFETY: between fork and exec the closure only calls setrlimit, which is
    // async-signal-safe, on values computed before the fork.
    unsafe {
        command.pre_exec(move || {
            let set = |resource, value: u64| {
                let limit = libc::rlimit {
                    rlim_cur: value as libc::rlim_t,
                    rlim_max: value as libc::rlim_t,
                };
                libc::setrlimit(resource, &limit);
            };
            // A group of its own, so that a time-out stops whatever it started.
            libc::setpgid(0, 0);
            set(libc::RLIMIT_AS, MEMORY_LIMIT);
            set(libc::RLIMIT_CPU, cpu);
            set(libc::RLIMIT_CORE, 0);
            Ok(())
        });
    }
}

#[cfg(not(unix))]
fn limit_child(_command: &mut Command, _time: Duration) {}

/// Stops the child and every process in its group.
fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    if let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: kill(2) on the child's own process group, made in pre_exec.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.kill();
}

/// The child's side: when this process was started as a PDF reader, reads the PDF
/// on stdin, writes the answer on stdout and exits. Call it first thing in `main`.
pub fn serve_if_worker() {
    if std::env::args_os()
        .nth(1)
        .is_none_or(|a| a != WORKER_ARGUMENT)
    {
        return;
    }
    let mut bytes = Vec::new();
    if std::io::stdin().read_to_end(&mut bytes).is_err() {
        std::process::exit(3);
    }
    let answer = match pdf::read(&bytes) {
        Ok(pages) => Answer::Pages(pages),
        Err(e) => Answer::Refused(format!("{e:#}")),
    };
    let mut out = std::io::stdout().lock();
    let written = serde_json::to_writer(&mut out, &answer).is_ok() && out.flush().is_ok();
    std::process::exit(if written { 0 } else { 3 });
}
