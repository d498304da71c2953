//! The command-line face: turns parsed arguments into validated options once
//! (colour decided, filters checked), calls the [`Engine`], and prints what it
//! answers — text or JSON on stdout, progress and messages on stderr — and maps its
//! errors to messages and exit codes. It decides nothing about the index.

pub mod args;
mod folders;

use std::io::{self, IsTerminal, Write};

use anyhow::{Result, anyhow, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::document::{Document, Paragraph};
use crate::engine::{Engine, Event, Freshness, SearchRequest};
use crate::error::Error;
use crate::index::{Options, Report};
use crate::render;
use args::{
    ColorChoice, Command, ExportArgs, IndexArgs, KindArg, ListArgs, SearchArgs, ShowArgs, TraceArgs,
};

pub use args::Cli;

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
    let folders = folders::resolve(cli.global.data, cli.global.index)?;
    if let Some(note) = &folders.note {
        say(note);
    }
    let engine = Engine::open(&folders.data, &folders.index).map_err(message)?;
    // A command runs once and the process ends: the engine is left for the exit to
    // take down. Dropping it unmaps the index's files one by one and stops its search
    // threads, which costs a short search a tenth of its time.
    let once = |engine: Engine| -> &'static Engine { Box::leak(Box::new(engine)) };
    match cli.command {
        Command::Search(args) => search_command(once(engine), args, output),
        Command::Show(args) => show_command(once(engine), args, output),
        Command::Index(args) => index_command(once(engine), args),
        Command::Trace(args) => trace_command(once(engine), args, output),
        Command::List(args) => list_command(once(engine), args, output),
        Command::Export(args) => export_command(once(engine), args),
        Command::Serve(args) => crate::web::serve(engine, args),
    }
}

/// An engine error as the command line says it: the engine's words, with what to
/// type where the error calls for it.
fn message(e: Error) -> anyhow::Error {
    match &e {
        Error::Damaged { .. } => {
            anyhow!("{e}; run `unspace index --rebuild` to rebuild it from the data folder")
        }
        Error::UnknownDocument { .. } => {
            anyhow!("{e}\n(`unspace list` lists them with their titles)")
        }
        Error::NoIndex { dir } => anyhow!(
            "{}: no index yet; run `unspace index` or search without --no-refresh",
            dir.display()
        ),
        Error::Busy { dir } => anyhow!(
            "{}: another unspace is updating this index; try again when it has finished",
            dir.display()
        ),
        Error::Other(inner) => anyhow!("{inner:#}"),
        _ => anyhow!("{e}"),
    }
}

/// Progress and messages of the engine, on stderr: the bar only on a terminal.
struct Reporter {
    bar: Option<ProgressBar>,
    /// `unspace index` also lists the files that failed before and were left be.
    all: bool,
}

impl Reporter {
    fn new(all: bool) -> Reporter {
        Reporter {
            bar: io::stderr().is_terminal().then(ProgressBar::hidden),
            all,
        }
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Updating { first_build: true } => say("building the index (first use)"),
            Event::Updating { first_build: false } => {
                say("the data folder changed since the index was built; updating it");
            }
            Event::Files(files) => {
                if let Some(bar) = &self.bar {
                    bar.set_length(files as u64);
                    bar.set_style(
                        ProgressStyle::with_template(
                            "{spinner} {bar:40} {pos}/{len} {elapsed} {wide_msg}",
                        )
                        .expect("valid template"),
                    );
                    bar.set_message(format!(
                        "reading {files} file{}",
                        if files == 1 { "" } else { "s" }
                    ));
                    bar.set_draw_target(ProgressDrawTarget::stderr());
                    // A PDF takes seconds: the spinner and the clock move meanwhile.
                    bar.enable_steady_tick(std::time::Duration::from_millis(250));
                }
            }
            Event::FileDone(key) => {
                if let Some(bar) = &self.bar {
                    bar.set_message(render::printable(key).into_owned());
                    bar.inc(1);
                }
            }
            Event::FilesDone => {
                if let Some(bar) = &self.bar {
                    bar.finish_and_clear();
                }
            }
            Event::Updated(report) => print_report(report, self.all),
            Event::Warning(warning) => say(&format!("warning: {warning}")),
        }
    }
}

fn freshness(no_refresh: bool) -> Freshness {
    if no_refresh {
        Freshness::AsIs
    } else {
        Freshness::Fresh
    }
}

/// `trace SYMBOL REF`: the paragraphs with the same or nearly the same wording, and
/// the wording's history, from the index brought up to date with the data folder.
fn trace_command(engine: &Engine, args: TraceArgs, output: Output) -> Result<Outcome> {
    let mut reporter = Reporter::new(false);
    let found = engine
        .fresh(Freshness::Fresh, &mut |e| reporter.event(e), |engine| {
            engine.trace(
                &args.symbol,
                &args.paragraph,
                args.lang.as_deref(),
                args.limit,
            )
        })
        .map_err(|e| flagged(e, "--lang"))?;
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

/// An error about a filter, prefixed with the option that gave it.
fn flagged(e: Error, flag: &str) -> anyhow::Error {
    match &e {
        Error::UnknownLanguage { .. } if flag == "--lang" || flag == "--parallel" => {
            anyhow!("{flag}: {e}")
        }
        _ => message(e),
    }
}

fn search_command(engine: &Engine, args: SearchArgs, output: Output) -> Result<Outcome> {
    let request = SearchRequest {
        query: args.query.join(" "),
        filters: crate::search::Filters {
            symbol: args.doc.clone(),
            language: args.lang.map(|l| l.to_lowercase()),
            kind: None,
            units: args.kind.iter().copied().map(kind_name).collect(),
            year: args.year,
        },
        limit: args.limit,
        parallel: args.parallel.clone(),
    };
    let mut reporter = Reporter::new(false);
    let results = engine
        .fresh(
            freshness(args.no_refresh),
            &mut |e| reporter.event(e),
            |engine| engine.search(&request),
        )
        .map_err(|e| match &e {
            Error::UnknownDocument { .. } => anyhow!("--doc {}", message(e)),
            Error::UnknownLanguage { wanted, .. }
                if request.filters.language.as_deref() == Some(wanted.to_lowercase().as_str()) =>
            {
                anyhow!("--lang {e}")
            }
            Error::UnknownLanguage { .. } => anyhow!("--parallel {e}"),
            Error::BadFilter(_) => anyhow!("--{e}"),
            _ => message(e),
        })?;
    for note in &results.notes {
        say(&format!("--{note}"));
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

fn kind_name(kind: KindArg) -> String {
    match kind {
        KindArg::Preamble => "preamble",
        KindArg::Operative => "operative",
        KindArg::Paragraph => "paragraph",
        KindArg::Article => "article",
        KindArg::Principle => "principle",
        KindArg::Guideline => "guideline",
        KindArg::Section => "section",
        KindArg::Annex => "annex",
    }
    .to_owned()
}

fn index_command(engine: &Engine, args: IndexArgs) -> Result<Outcome> {
    let options = Options {
        rebuild: args.rebuild,
        verify: true,
        retry_failed: true,
        ..Options::default()
    };
    let mut reporter = Reporter::new(true);
    let report = engine
        .update(options, &mut |e| reporter.event(e))
        .map_err(message)?;
    if !report.failed.is_empty() || !report.still_failing.is_empty() {
        bail!(
            "{} of the documents in {} could not be indexed (see above)",
            report.failed.len() + report.still_failing.len(),
            engine.data().display()
        );
    }
    Ok(Outcome::Found)
}

/// Failures, warnings and the one-line summary, on stderr; with `all` (`unspace
/// index`), also the files that failed before and were not read again, and every
/// note on how the documents were read, which a search's update sums up in a line.
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
    if all {
        for note in &report.reading {
            say(&format!("warning: {note}"));
        }
    } else if let Some(summary) = report.reading_summary() {
        say(&summary);
    }
    say(&report.summary());
}

/// `show SYMBOL [REF]`: from the index (brought up to date first), never from the
/// data folder's files.
fn show_command(engine: &Engine, args: ShowArgs, output: Output) -> Result<Outcome> {
    let mut reporter = Reporter::new(false);
    let shown = engine
        .fresh(Freshness::Fresh, &mut |e| reporter.event(e), |engine| {
            engine.show(
                &args.symbol,
                args.paragraph.as_deref(),
                args.lang.as_deref(),
            )
        })
        .map_err(|e| flagged(e, "--lang"))?;
    if let (Some(first), [next, ..]) = (shown.documents.first(), shown.also_in.as_slice()) {
        say(&format!(
            "showing the {} text; also in {} (--lang {next})",
            first.language,
            shown.also_in.join(", "),
        ));
    }
    if shown.parallel {
        return show_parallel(engine, &shown, args.paragraph.as_deref(), args.json, output);
    }
    let doc = &shown.documents[0];
    let only: Option<Vec<&Paragraph>> = shown.refs.as_ref().map(|refs| {
        doc.paragraphs
            .iter()
            .filter(|p| refs.contains(&p.r#ref))
            .collect()
    });
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
    engine: &Engine,
    shown: &crate::engine::Shown,
    spec: Option<&str>,
    json: bool,
    output: Output,
) -> Result<Outcome> {
    let of = |language: &str| shown.documents.iter().find(|d| d.language == language);
    let primary: &Document = &shown.documents[0];
    let refs: Vec<String> = match &shown.refs {
        Some(refs) => refs.clone(),
        None => {
            let mut refs: Vec<String> =
                primary.paragraphs.iter().map(|p| p.r#ref.clone()).collect();
            for doc in &shown.documents {
                for p in &doc.paragraphs {
                    if !refs.contains(&p.r#ref) {
                        refs.push(p.r#ref.clone());
                    }
                }
            }
            refs
        }
    };
    let versions: Vec<render::Version> = shown
        .languages
        .iter()
        .map(|l| render::Version {
            language: l.as_str(),
            document: of(l),
        })
        .collect();
    let view = render::ParallelView {
        symbol: &primary.symbol,
        spec,
        refs: &refs,
        versions: &versions,
        data: &engine.data().display().to_string(),
    };
    if json {
        let mut out = io::stdout().lock();
        render::parallel_json(&mut out, &view)?;
        out.flush()?;
    } else {
        output.emit(|out| render::parallel_text(out, &view, output.style))?;
    }
    Ok(Outcome::Found)
}

/// `list`: the documents of the index.
fn list_command(engine: &Engine, args: ListArgs, output: Output) -> Result<Outcome> {
    let mut reporter = Reporter::new(false);
    let documents = engine
        .fresh(
            freshness(args.no_refresh),
            &mut |e| reporter.event(e),
            |engine| engine.list(args.lang.as_deref(), args.year),
        )
        .map_err(|e| flagged(e, "--lang"))?;
    if args.json {
        let mut out = io::stdout().lock();
        render::list_json(&mut out, &documents)?;
        out.flush()?;
    } else {
        output.emit(|out| render::list_text(out, &documents, output.style))?;
    }
    Ok(if documents.is_empty() {
        Outcome::NothingFound
    } else {
        Outcome::Found
    })
}

/// `export --lang zh,en`: the aligned units as TMX, CSV or JSON lines, on stdout or
/// into `-o FILE` (written beside it, then renamed over it: never half a file).
fn export_command(engine: &Engine, args: ExportArgs) -> Result<Outcome> {
    use crate::export::{self, ExportRequest, Format};
    use args::ExportFormat;
    let request = ExportRequest {
        languages: args.lang.clone(),
        document: args.doc.clone(),
        query: args.query.clone(),
        kinds: args.kind.iter().copied().map(kind_name).collect(),
        year: args.year,
    };
    let mut reporter = Reporter::new(false);
    let exported = engine
        .fresh(
            freshness(args.no_refresh),
            &mut |e| reporter.event(e),
            |engine| export::collect(engine, &request),
        )
        .map_err(|e| match &e {
            Error::UnknownLanguage { .. } => anyhow!("--lang {e}"),
            Error::UnknownDocument { .. } => anyhow!("--doc {}", message(e)),
            Error::NoSuchUnit { .. } | Error::BadUnit { .. } => anyhow!("--doc: {e}"),
            Error::BadQuery(_) => anyhow!("--query: {e}"),
            Error::BadFilter(_) => anyhow!("--{e}"),
            _ => message(e),
        })?;
    if exported.rows.is_empty() {
        let why = exported.note.as_deref().unwrap_or("nothing matched");
        say(&format!("nothing to export: {why}"));
        return Ok(Outcome::NothingFound);
    }
    let format = match args.format {
        ExportFormat::Tmx => Format::Tmx,
        ExportFormat::Csv => Format::Csv,
        ExportFormat::Jsonl => Format::Jsonl,
    };
    let now = std::time::SystemTime::now();
    match &args.output {
        None => export::write(
            format,
            io::BufWriter::new(io::stdout().lock()),
            &exported,
            now,
        )?,
        Some(path) => {
            let name = path
                .file_name()
                .ok_or_else(|| anyhow!("-o {}: not a file name", path.display()))?;
            let mut partial = name.to_owned();
            partial.push(".unspace-partial");
            let partial = path.with_file_name(partial);
            let written = std::fs::File::create(&partial)
                .and_then(|file| export::write(format, io::BufWriter::new(file), &exported, now));
            if let Err(e) = written.and_then(|()| std::fs::rename(&partial, path)) {
                let _ = std::fs::remove_file(&partial);
                bail!("-o {}: {e}", path.display());
            }
            say(&format!(
                "exported {} unit{} in {} to {}",
                exported.rows.len(),
                if exported.rows.len() == 1 { "" } else { "s" },
                exported.languages.join(", "),
                path.display()
            ));
        }
    }
    Ok(Outcome::Found)
}
