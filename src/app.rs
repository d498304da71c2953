//! Wires the pipeline to the command line: turns parsed arguments into validated
//! options once (colour decided, filters checked), then runs one command.

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::{Cli, ColorChoice, Command, IndexArgs, KindArg, SearchArgs, ShowArgs};
use crate::document::Kind;
use crate::index::{self, Library, Progress, Report, UpdateError};
use crate::{query, render, search};

/// How a successful command ended, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Something was found or done: exit 0.
    Found,
    /// The search found nothing: exit 1.
    NothingFound,
}

/// Runs the command the user gave.
pub fn run(cli: Cli) -> Result<Outcome> {
    let color = match cli.global.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let (data, index) = (&cli.global.data, &cli.global.index);
    match cli.command {
        Command::Search(args) => search_command(data, index, args, color),
        Command::Show(args) => show_command(data, args, color),
        Command::Index(args) => index_command(data, index, args),
    }
}

fn search_command(data: &Path, root: &Path, args: SearchArgs, color: bool) -> Result<Outcome> {
    let text = args.query.join(" ");
    let query = query::parse(&text)?;
    let filters = search::Filters {
        symbol: args.doc,
        language: args.lang.map(|l| l.to_lowercase()),
        kind: args.kind.map(kind_of),
        year: args.year,
    };
    let run = |library: &Library| search::search(library, &text, &query, &filters, args.limit);
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
        std::thread::scope(|scope| -> Result<search::Results> {
            let listing = scope.spawn(|| index::data_files(data));
            let existing = Library::open(root)?;
            // An index that fails to answer is asked again after the update, which
            // reports the error if it persists.
            let early = existing.as_ref().and_then(|library| run(library).ok());
            let files = listing.join().expect("the listing thread does not panic")?;
            if let (Some(library), Some(results)) = (&existing, early)
                && !index::is_stale(&library.payload, &files)
            {
                return Ok(results);
            }
            run(&refreshed_library(data, root, existing)?)
        })?
    };
    let mut out = io::stdout().lock();
    if args.json {
        render::results_json(&mut out, &results)?;
    } else {
        render::results_text(&mut out, &results, color)?;
    }
    out.flush()?;
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

/// Builds the index on first use, or brings it up to date when the data folder
/// changed since the last build (noticed from sizes and modification times; only
/// files whose stat changed are read), and opens it.
fn refreshed_library(data: &Path, root: &Path, existing: Option<Library>) -> Result<Library> {
    let why = match &existing {
        None => "building the index (first use)",
        Some(_) => "the data folder changed since the index was built; updating it",
    };
    eprintln!("unspace: {why}");
    match index::update(root, data, false, &mut progress_bar()) {
        Ok(report) => print_report(&report),
        Err(UpdateError::Busy(dir)) if existing.is_some() => {
            eprintln!(
                "unspace: {}: another unspace is updating the index; answering from its last complete state",
                dir.display()
            );
            return Ok(existing.expect("checked"));
        }
        Err(e) => return Err(anyhow!(e)),
    }
    Library::open(root)?.ok_or_else(|| anyhow!("{}: the index could not be built", root.display()))
}

fn index_command(data: &Path, root: &Path, args: IndexArgs) -> Result<Outcome> {
    let report =
        index::update(root, data, args.rebuild, &mut progress_bar()).map_err(|e| anyhow!(e))?;
    print_report(&report);
    if !report.failed.is_empty() {
        bail!(
            "{} of the documents in {} could not be indexed (see above)",
            report.failed.len(),
            data.display()
        );
    }
    Ok(Outcome::Found)
}

/// Failures, warnings and the one-line summary, on stderr.
fn print_report(report: &Report) {
    for failure in &report.failed {
        eprintln!("unspace: error: {failure}");
    }
    for warning in &report.warnings {
        eprintln!("unspace: warning: {warning}");
    }
    eprintln!("unspace: {}", report.summary());
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
            bar.set_message(key.to_owned());
            bar.inc(1);
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

fn show_command(data: &Path, args: ShowArgs, color: bool) -> Result<Outcome> {
    let (docs, failed) = index::read_documents(data)?;
    for failure in &failed {
        eprintln!("unspace: error: {failure}");
    }
    let lang = args.lang.as_deref().map(str::to_lowercase);
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
    let only = match &args.paragraph {
        None => None,
        Some(spec) => Some(find_paragraph(doc, spec)?),
    };
    let mut out = io::stdout().lock();
    if args.json {
        render::document_json(&mut out, doc, only.as_deref())?;
    } else {
        render::document_text(&mut out, doc, only.as_deref(), color)?;
    }
    out.flush()?;
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
    doc.paragraph(kind, number).map(|p| vec![p]).with_context(|| {
        let count = doc.paragraphs.iter().filter(|p| p.kind == kind).count();
        format!(
            "{} has no {} paragraph {number} (it has {count})",
            doc.symbol,
            kind.as_str()
        )
    })
}
