//! Wires the pipeline to the command line: turns parsed arguments into validated
//! options once (colour decided, filters checked), then runs one command.

use std::io::{self, IsTerminal, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::{Cli, ColorChoice, Command, IndexArgs, KindArg, SearchArgs, ShowArgs, TraceArgs};
use crate::document::{Document, Kind};
use crate::index::{self, Library, Options, Progress, Report, UpdateError};
use crate::{query, render, search, trace};

/// How long a search waits for another unspace's first build of the index.
const FIRST_BUILD_WAIT: Duration = Duration::from_secs(300);

/// Writes one line to stderr: `unspace: ` and the message, with control characters
/// made visible. A closed or full stderr is ignored, never a panic.
pub fn say(message: &str) {
    let line = format!("unspace: {}\n", render::printable(message));
    let _ = io::stderr().lock().write_all(line.as_bytes());
}

/// How a successful command ended, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Something was found or done: exit 0.
    Found,
    /// The search found nothing: exit 1.
    NothingFound,
}

/// Where text output goes and how it looks, decided once from the options and the
/// terminal (render code only receives the result).
#[derive(Debug, Clone, Copy)]
struct Output {
    style: render::Style,
    /// Page it through $PAGER (stdout is a terminal and --no-pager was not given).
    page: bool,
}

impl Output {
    fn decide(color: ColorChoice, no_pager: bool) -> Output {
        let terminal = io::stdout().is_terminal();
        let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
        let color = match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                terminal && !dumb && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        let width = if terminal {
            terminal_size::terminal_size_of(io::stdout())
                .map(|(w, _)| usize::from(w.0))
                .filter(|&w| w > 0)
        } else {
            None
        };
        Output {
            style: render::Style {
                color,
                width,
                list: false,
            },
            page: terminal && !no_pager && !dumb,
        }
    }

    /// Writes what `render` makes to stdout, through the pager when there is one.
    fn emit(&self, render: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) -> Result<()> {
        let mut buffer = Vec::new();
        render(&mut buffer)?;
        if self.page && page(&buffer) {
            return Ok(());
        }
        let mut out = io::stdout().lock();
        out.write_all(&buffer)?;
        out.flush()?;
        Ok(())
    }
}

/// Shows `text` through `$PAGER` (run by the shell, as git does) or `less -FRX`,
/// which quits at once when it fits the screen. False when no pager could run.
fn page(text: &[u8]) -> bool {
    use std::process::{Command, Stdio};
    let pager = std::env::var("PAGER").unwrap_or_else(|_| "less".to_owned());
    if pager.trim().is_empty() {
        return false;
    }
    let mut command = Command::new("sh");
    command.arg("-c").arg(&pager).stdin(Stdio::piped());
    if std::env::var_os("LESS").is_none() {
        command.env("LESS", "FRX");
    }
    let Ok(mut child) = command.spawn() else {
        return false;
    };
    if let Some(mut stdin) = child.stdin.take() {
        // The user may quit the pager before reading everything.
        let _ = stdin.write_all(text);
    }
    let _ = child.wait();
    true
}

/// Runs the command the user gave.
pub fn run(cli: Cli) -> Result<Outcome> {
    let output = Output::decide(cli.global.color, cli.global.no_pager);
    let (data, index) = (&cli.global.data, &cli.global.index);
    if !matches!(cli.command, Command::Show(_)) {
        check_folders(data, index)?;
    }
    match cli.command {
        Command::Search(args) => search_command(data, index, args, output),
        Command::Show(args) => show_command(data, args, output),
        Command::Index(args) => index_command(data, index, args),
        Command::Trace(args) => trace_command(data, index, args, output),
    }
}

/// `trace SYMBOL REF`: the paragraphs with the same or nearly the same wording, and
/// the wording's history, from the index brought up to date with the data folder.
fn trace_command(data: &Path, root: &Path, args: TraceArgs, output: Output) -> Result<Outcome> {
    let run = |library: &Library| {
        let answer = catch_unwind(AssertUnwindSafe(|| {
            trace::trace(
                library,
                &args.symbol,
                &args.paragraph,
                args.lang.as_deref(),
                args.limit,
            )
        }));
        answer.unwrap_or_else(|_| {
            let why = library
                .damage()
                .unwrap_or_else(|| "it could not be read".to_owned());
            Err(index::damaged(&library.dir, &why))
        })
    };
    let found = answer_fresh(data, root, run)?;
    for note in &found.notes {
        say(note);
    }
    if args.json {
        let mut out = io::stdout().lock();
        render::trace_json(&mut out, &found)?;
        out.flush()?;
    } else {
        output.emit(|out| render::trace_text(out, &found, output.style))?;
    }
    Ok(if found.total > 0 {
        Outcome::Found
    } else {
        Outcome::NothingFound
    })
}

fn search_command(data: &Path, root: &Path, args: SearchArgs, output: Output) -> Result<Outcome> {
    let text = args.query.join(" ");
    let query = query::parse(&text)?;
    let filters = search::Filters {
        symbol: args.doc,
        language: args.lang.map(|l| l.to_lowercase()),
        kind: args.kind.map(kind_of),
        year: args.year,
    };
    let parallel = args.parallel.as_deref();
    let run = |library: &Library| {
        let mut results = guarded_search(library, &text, &query, &filters, args.limit)?;
        if let Some(spec) = parallel {
            let languages = language_list(spec, &search::languages(library)?)?;
            search::add_parallel(library, &mut results, &languages)?;
        }
        Ok::<_, anyhow::Error>(results)
    };
    let results = if args.no_refresh {
        let library = Library::open(root)?.ok_or_else(|| {
            anyhow!(
                "{}: no index yet; run `unspace index` or search without --no-refresh",
                root.display()
            )
        })?;
        run(&library)?
    } else {
        // The data folder is checked for changes while the index answers; the answer
        // is shown only if the folder turns out unchanged, else the index is brought
        // up to date and asked again.
        answer_fresh(data, root, run)?
    };
    for note in &results.notes {
        say(note);
    }
    let style = render::Style {
        list: args.list,
        ..output.style
    };
    if args.json {
        let mut out = io::stdout().lock();
        render::results_json(&mut out, &results)?;
        out.flush()?;
    } else {
        output.emit(|out| render::results_text(out, &results, style))?;
    }
    Ok(if results.total > 0 {
        Outcome::Found
    } else {
        Outcome::NothingFound
    })
}

fn kind_of(kind: KindArg) -> Kind {
    match kind {
        KindArg::Preamble => Kind::Preamble,
        KindArg::Operative => Kind::Operative,
        KindArg::Paragraph => Kind::Paragraph,
    }
}

/// Answers with `run` from an index brought up to date with the data folder: the
/// folder is checked for changes while the index answers, and the answer stands if
/// it turns out unchanged; else the index is updated and asked again. If that update
/// fails (a full disk, a read-only index, another unspace updating it), the last
/// commit's answer stands, with a warning.
fn answer_fresh<T: Send>(
    data: &Path,
    root: &Path,
    run: impl Fn(&Library) -> Result<T> + Sync,
) -> Result<T> {
    let existing = Library::open(root)?;
    std::thread::scope(|scope| -> Result<T> {
        let changed = scope.spawn(|| match &existing {
            Some(library) => index::data_changed(data, &library.payload),
            None => Ok(true),
        });
        let early = existing.as_ref().map(&run);
        let changed = changed
            .join()
            .map_err(|_| anyhow!("checking the data folder failed"))??;
        match (&existing, early) {
            (Some(_), Some(Ok(answer))) if !changed => Ok(answer),
            (Some(_), Some(Ok(answer))) => match refreshed_library(data, root, true) {
                Ok(library) => run(&library),
                Err(e) => {
                    say(&format!(
                        "warning: {e:#}; answering from the index as last built"
                    ));
                    Ok(answer)
                }
            },
            // The index fails to answer: an update does not repair it.
            (Some(_), Some(Err(e))) => Err(e),
            _ => run(&refreshed_library(data, root, false)?),
        }
    })
}

/// A search with a panic deep in the index (a damaged segment) turned into an error
/// that says what is wrong and what to run.
fn guarded_search(
    library: &Library,
    text: &str,
    query: &query::Query,
    filters: &search::Filters,
    limit: usize,
) -> Result<search::Results> {
    let answer = catch_unwind(AssertUnwindSafe(|| {
        search::search(library, text, query, filters, limit)
    }));
    match answer {
        Ok(Ok(results)) => Ok(results),
        failed => {
            if let Some(damage) = library.damage() {
                return Err(index::damaged(&library.dir, &damage));
            }
            match failed {
                Ok(Err(e)) => Err(e),
                _ => Err(index::damaged(&library.dir, "it could not be read")),
            }
        }
    }
}

/// Builds the index on first use, or brings it up to date when the data folder
/// changed since the last build (noticed from sizes and modification times; only
/// files whose stat changed are read), and opens it. With no index yet and another
/// unspace building it, waits for that build to land.
fn refreshed_library(data: &Path, root: &Path, existing: bool) -> Result<Library> {
    if existing {
        say("the data folder changed since the index was built; updating it");
    } else {
        say("building the index (first use)");
    }
    let started = Instant::now();
    loop {
        match index::update(root, data, Options::default(), &mut progress_bar()) {
            Ok(report) => {
                print_report(&report, false);
                break;
            }
            Err(UpdateError::Busy(dir)) if existing => {
                bail!("{}: another unspace is updating the index", dir.display());
            }
            Err(UpdateError::Busy(dir)) => {
                // Another process is making the first build: its commit answers.
                if let Some(library) = Library::open(root)? {
                    return Ok(library);
                }
                if started.elapsed() > FIRST_BUILD_WAIT {
                    bail!(
                        "{}: another unspace has been building the index for {} s; try again when it has finished",
                        dir.display(),
                        FIRST_BUILD_WAIT.as_secs()
                    );
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(e) => return Err(anyhow!(e)),
        }
    }
    Library::open(root)?.ok_or_else(|| anyhow!("{}: the index could not be built", root.display()))
}

/// Refuses an index folder that is the data folder or inside it: unspace would
/// index its own files.
fn check_folders(data: &Path, index: &Path) -> Result<()> {
    let (Some(data_abs), Some(index_abs)) = (resolved(data), resolved(index)) else {
        return Ok(());
    };
    if index_abs.starts_with(&data_abs) {
        bail!(
            "the index folder {} is inside the data folder {}: unspace would read its own index as documents; give --index a folder outside it",
            index.display(),
            data.display()
        );
    }
    Ok(())
}

/// The absolute form of a path that may not exist yet: its longest existing
/// ancestor resolved through links, then the rest as written.
fn resolved(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    let mut base = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = base.canonicalize() {
            return Some(rest.iter().rev().fold(real, |p: PathBuf, n| p.join(n)));
        }
        rest.push(base.file_name()?);
        base = base.parent()?;
    }
}

fn index_command(data: &Path, root: &Path, args: IndexArgs) -> Result<Outcome> {
    let options = Options {
        rebuild: args.rebuild,
        verify: true,
        retry_failed: true,
    };
    let report = index::update(root, data, options, &mut progress_bar()).map_err(|e| anyhow!(e))?;
    print_report(&report, true);
    if !report.failed.is_empty() || !report.still_failing.is_empty() {
        bail!(
            "{} of the documents in {} could not be indexed (see above)",
            report.failed.len() + report.still_failing.len(),
            data.display()
        );
    }
    Ok(Outcome::Found)
}

/// Failures, warnings and the one-line summary, on stderr; with `all`, also the
/// files that failed before and were not read again.
fn print_report(report: &Report, all: bool) {
    for failure in &report.failed {
        say(&format!("error: {failure}"));
    }
    if all {
        for failure in &report.still_failing {
            say(&format!("error: {failure}"));
        }
    }
    for warning in &report.warnings {
        say(&format!("warning: {warning}"));
    }
    say(&report.summary());
}

/// A progress bar on stderr, drawn only when stderr is a terminal.
struct Bar(Option<ProgressBar>);

fn progress_bar() -> Bar {
    Bar(io::stderr().is_terminal().then(ProgressBar::hidden))
}

impl Progress for Bar {
    fn start(&mut self, files: usize) {
        if let Some(bar) = &self.0 {
            bar.set_length(files as u64);
            bar.set_style(
                ProgressStyle::with_template("{bar:40} {pos}/{len} {wide_msg}")
                    .expect("valid template"),
            );
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    fn file_done(&mut self, key: &str) {
        if let Some(bar) = &self.0 {
            bar.set_message(render::printable(key).into_owned());
            bar.inc(1);
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

/// Languages from `zh,en,fr` (codes or names) or `all` (those given in `available`,
/// in the usual UN order).
fn language_list(spec: &str, available: &[String]) -> Result<Vec<String>> {
    if spec.trim().eq_ignore_ascii_case("all") {
        let order = ["zh", "en", "fr", "es", "ru", "ar"];
        let mut all: Vec<String> = available.to_vec();
        all.sort_by_key(|l| order.iter().position(|o| o == l).unwrap_or(order.len()));
        return Ok(all);
    }
    let mut out = Vec::new();
    for name in spec.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let code = search::language_code(name).ok_or_else(|| {
            anyhow!(
                "`{name}` is not a language unspace knows: give zh, en, fr, es, ru, ar (or all)"
            )
        })?;
        if !out.iter().any(|l| l == code) {
            out.push(code.to_owned());
        }
    }
    if out.is_empty() {
        bail!("`{spec}`: give languages as a comma list (zh,en,fr) or all");
    }
    Ok(out)
}

fn show_command(data: &Path, args: ShowArgs, output: Output) -> Result<Outcome> {
    let (docs, failed) = index::read_documents(data)?;
    for failure in &failed {
        say(&format!("error: {failure}"));
    }
    if let Some(spec) = args.lang.as_deref()
        && (spec.contains(',') || spec.trim().eq_ignore_ascii_case("all"))
    {
        let documents: Vec<&Document> = docs
            .iter()
            .map(|p| &p.document)
            .filter(|d| d.symbol.eq_ignore_ascii_case(&args.symbol))
            .collect();
        if documents.is_empty() {
            bail!("no document {} in {}", args.symbol, data.display());
        }
        let present: Vec<String> = documents.iter().map(|d| d.language.clone()).collect();
        let languages = language_list(spec, &present)?;
        return show_parallel(data, &args, &documents, &languages, output);
    }
    let lang = args
        .lang
        .as_deref()
        .map(|l| search::language_code(l).map_or_else(|| l.to_lowercase(), str::to_owned));
    let candidates: Vec<_> = docs
        .iter()
        .map(|p| &p.document)
        .filter(|d| d.symbol.eq_ignore_ascii_case(&args.symbol))
        .collect();
    let doc = candidates
        .iter()
        .find(|d| lang.as_deref().is_none_or(|l| d.language == l))
        .with_context(|| match (&lang, candidates.is_empty()) {
            (_, true) => format!("no document {} in {}", args.symbol, data.display()),
            (Some(l), false) => format!(
                "{} is not in {l} in {}; it is in: {}",
                args.symbol,
                data.display(),
                candidates
                    .iter()
                    .map(|d| d.language.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            (None, false) => unreachable!("a candidate matches when no language is asked"),
        })?;
    if lang.is_none() && candidates.len() > 1 {
        let others: Vec<&str> = candidates
            .iter()
            .map(|d| d.language.as_str())
            .filter(|&l| l != doc.language)
            .collect();
        say(&format!(
            "showing the {} text; also in {} (--lang {})",
            doc.language,
            others.join(", "),
            others[0]
        ));
    }
    let only = match &args.paragraph {
        None => None,
        Some(spec) => Some(find_paragraph(doc, spec)?),
    };
    if args.json {
        let mut out = io::stdout().lock();
        render::document_json(&mut out, doc, only.as_deref())?;
        out.flush()?;
    } else {
        output.emit(|out| render::document_text(out, doc, only.as_deref(), output.style))?;
    }
    Ok(Outcome::Found)
}

/// `show SYMBOL [REF] --lang zh,en,fr`: the unit (or every unit) in each language,
/// aligned by ref.
fn show_parallel(
    data: &Path,
    args: &ShowArgs,
    documents: &[&Document],
    languages: &[String],
    output: Output,
) -> Result<Outcome> {
    let of = |language: &str| documents.iter().copied().find(|d| d.language == language);
    // The refs to show, in the order of the first language that has the document.
    let primary = languages.iter().find_map(|l| of(l)).unwrap_or(documents[0]);
    let refs: Vec<String> = match &args.paragraph {
        Some(spec) => find_paragraph(primary, spec)?
            .iter()
            .map(|p| p.r#ref.clone())
            .collect(),
        None => {
            let mut refs: Vec<String> =
                primary.paragraphs.iter().map(|p| p.r#ref.clone()).collect();
            for doc in documents {
                for p in &doc.paragraphs {
                    if !refs.contains(&p.r#ref) {
                        refs.push(p.r#ref.clone());
                    }
                }
            }
            refs
        }
    };
    let versions: Vec<render::Version> = languages
        .iter()
        .map(|l| render::Version {
            language: l.as_str(),
            document: of(l),
        })
        .collect();
    let view = render::ParallelView {
        symbol: &primary.symbol,
        spec: args.paragraph.as_deref(),
        refs: &refs,
        versions: &versions,
        data: &data.display().to_string(),
    };
    if args.json {
        let mut out = io::stdout().lock();
        render::parallel_json(&mut out, &view)?;
        out.flush()?;
    } else {
        output.emit(|out| render::parallel_text(out, &view, output.style))?;
    }
    Ok(Outcome::Found)
}

/// `16` is operative paragraph 16 (or plain paragraph 16 in a text without operative
/// paragraphs); `p8` is preambular paragraph 8.
fn find_paragraph<'a>(
    doc: &'a crate::document::Document,
    spec: &str,
) -> Result<Vec<&'a crate::document::Paragraph>> {
    let spec = spec.trim();
    let (kind, digits) = match spec.strip_prefix("pp").or_else(|| spec.strip_prefix('p')) {
        Some(rest) => (Kind::Preamble, rest),
        None if doc.paragraphs.iter().any(|p| p.kind == Kind::Operative) => (Kind::Operative, spec),
        None => (Kind::Paragraph, spec),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        // A unit as cited: `art. 4`, `article IV`, `principle X`, `guideline B.8`,
        // `art. 14.2`, or a ref (`article:4`).
        let r = crate::parse::refs::parse_spec(spec).ok_or_else(|| {
            anyhow!("paragraph `{spec}`: give a number (16), p and a number for a preambular paragraph (p8), or a unit (art. 4, article IV, principle X, guideline B.8, art. 14.2)")
        })?;
        let found = doc.paragraphs_at(&r);
        if found.is_empty() {
            bail!("{} has no unit {r}", doc.symbol);
        }
        return Ok(found);
    }
    let number: u32 = digits
        .parse()
        .map_err(|_| anyhow!("paragraph `{spec}`: give a number (16) or p and a number for a preambular paragraph (p8)"))?;
    doc.paragraph(kind, number)
        .map(|p| vec![p])
        .with_context(|| {
            let count = doc.paragraphs.iter().filter(|p| p.kind == kind).count();
            format!(
                "{} has no {} paragraph {number} (it has {count})",
                doc.symbol,
                kind.as_str()
            )
        })
}
