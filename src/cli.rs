//! Command-line types (clap derive). Their doc comments are the `--help` text; they
//! hold no logic — [`crate::app`] turns them into validated options.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Full-text search over UN space-affairs texts: General Assembly resolutions, the
/// space treaties and principles, COPUOS guidelines — in Chinese, English and the
/// other official languages. Every paragraph that contains the term, ranked, shown
/// whole with its footnotes and a citation to paste.
#[derive(Debug, Parser)]
#[command(name = "unspace", version, after_help = EXAMPLES)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

const EXAMPLES: &str = "\
Examples:
  unspace search 空间碎片                 every paragraph on space debris, best first
  unspace search 'space debris' --lang en
  unspace search 75/92 --kind operative   paragraphs citing resolution 75/92
  unspace search '\"near-Earth objects\" OR 近地天体 -impact'
  unspace search A/AC.105/1240 --json | jq '.hits[].number'
  unspace show A/RES/76/76 16             operative paragraph 16 with its footnotes
  unspace index                           bring the index up to date with data/

Exit status: 0 when something was found, 1 when nothing was, 2 on error.";

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Folder of documents to index (UTF-8, UTF-16 or GB18030 text files).
    #[arg(long, global = true, default_value = "data", value_name = "DIR")]
    pub data: PathBuf,
    /// Folder of the index, built from --data.
    #[arg(long, global = true, default_value = "index", value_name = "DIR")]
    pub index: PathBuf,
    /// When to colour the output; `auto` colours a terminal unless NO_COLOR is set.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find every paragraph that contains the query, best first.
    ///
    /// Terms separated by spaces must all appear; a run of Chinese characters matches
    /// as a contiguous string; "quoted phrases" match as written; OR between terms
    /// accepts either; -term or NOT term excludes. Width, case, spaces and punctuation
    /// do not matter (２０３０ = 2030, 2021年 = 2021 年); English words match their
    /// inflections (launching finds launch). A paragraph also matches through the
    /// footnotes it cites, ranked below every match in paragraph text.
    /// The index is built, or brought up to date with --data, first when needed.
    Search(SearchArgs),
    /// Print a document, or one paragraph, with its footnotes.
    Show(ShowArgs),
    /// Bring the index up to date with the documents in --data.
    Index(IndexArgs),
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query, e.g. 空间碎片, "space debris", 75/92, A/AC.105/1240.
    #[arg(required = true, num_args = 1.., value_name = "QUERY")]
    pub query: Vec<String>,
    /// Only in this document (symbol, e.g. A/RES/76/76).
    #[arg(long, value_name = "SYMBOL")]
    pub doc: Option<String>,
    /// Only in this language (zh, en, fr, es, ru, ar).
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
    /// Only preambular or operative paragraphs.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// Only documents adopted in this year.
    #[arg(long, value_name = "YYYY")]
    pub year: Option<u32>,
    /// How many paragraphs to show.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub limit: usize,
    /// Print JSON for scripts instead of text.
    #[arg(long)]
    pub json: bool,
    /// Answer from the index as last built, without checking the data folder for
    /// changes (for scripts that have just run `unspace index`; saves a `stat` of
    /// every document).
    #[arg(long)]
    pub no_refresh: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Preamble,
    Operative,
    Paragraph,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Document symbol, e.g. A/RES/76/76.
    pub symbol: String,
    /// Paragraph number: operative paragraph N, or `pN` for preambular paragraph N;
    /// in an instrument, a unit as cited (`art. 4`, `article IV`, `art. 14.2`,
    /// `principle X`, `guideline B.8`) or its ref (`article:4`).
    pub paragraph: Option<String>,
    /// Language of the document, when data/ holds it in several.
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
    /// Print JSON for scripts instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Rebuild the whole index from scratch instead of updating it.
    #[arg(long)]
    pub rebuild: bool,
}

/// Rewrites the words of a search query that exclude a term (`-核动力源`) into
/// `NOT 核动力源`, so that clap does not take them for unknown options while real
/// options (`--json`, `-h`) anywhere on the line keep working.
pub fn exclusions_as_not(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut out = Vec::new();
    let mut in_search = false;
    let mut after_separator = false;
    for arg in args {
        let text = arg.to_str().map(str::to_owned);
        match text.as_deref() {
            Some("search") if !in_search => in_search = true,
            Some("--") => after_separator = true,
            Some(t)
                if in_search
                    && !after_separator
                    && t.len() > 1
                    && t.starts_with('-')
                    && !t.starts_with("--")
                    && t != "-h" =>
            {
                out.push(OsString::from("NOT"));
                out.push(OsString::from(&t[1..]));
                continue;
            }
            _ => {}
        }
        out.push(arg);
    }
    out
}
