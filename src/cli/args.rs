//! Command-line types (clap derive). Their doc comments are the `--help` text; they
//! hold no logic — [`crate::cli`] turns them into validated options.

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

Documents: every *.txt and *.pdf file in the data folder and its sub-folders
(--data, or UNSPACE_DATA; default ./data, else your library, which starts with
the bundled corpus). Hidden files, editors' backups (x.txt~,
#x.txt#) and other names (README, notes.md) are not read.
Exit status: 0 when something was found, 1 when nothing was, 2 on error.";

const SEARCH_EXAMPLES: &str = "\
Examples:
  unspace search 空间碎片                       Chinese: any run of characters, anywhere
  unspace search 'space debris'                 both words, inflections too (launch = launching)
  unspace search '\"national\"'                  quoted: exactly this word, not \"nations\"
  unspace search 'space -debris'                exclude a word inside the query (or NOT debris)
  unspace search 'debris OR 碎片' --lang zh -n 3
  unspace search 75/92 --list                   one line per paragraph
  unspace search 空间碎片 --json | jq '.hits[] | .symbol, .number'
  unspace search 空间碎片 --parallel en          each hit with its English text";

const SHOW_EXAMPLES: &str = "\
Examples:
  unspace show A/RES/76/76                      the whole resolution
  unspace show A/RES/76/76 16 --lang en         operative paragraph 16, in English
  unspace show A/RES/76/76 p8 --json            preambular paragraph 8, for scripts
  unspace show outer-space-treaty 'art. IV' --lang zh,en,fr
                                                one article in three languages, side by side
  unspace show A/RES/76/76 16 --lang all --json  the paragraph in every language there is";

const INDEX_EXAMPLES: &str = "\
Examples:
  unspace index                                 add, update and remove what changed in data/
  unspace index --rebuild                       start again from scratch (repairs a damaged index)
  unspace --data ~/un-docs --index ~/.cache/unspace index";

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Folder of documents to index: every `*.txt` (UTF-8, UTF-16, UTF-32 or
    /// GB18030 text) and `*.pdf` in it and its sub-folders, at most 256 MB each;
    /// hidden files, editors' backups (`x.txt~`) and other names are left alone.
    /// Default: `./data` when there is one, else your library (on Linux
    /// `~/.local/share/unspace/data`), which starts with the bundled corpus.
    #[arg(long, global = true, env = "UNSPACE_DATA", value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Folder of the index, built from --data (never inside it). Default: `./index`
    /// beside `./data`; for your library, beside it; for another --data, a folder of
    /// your cache (on Linux `~/.cache/unspace`) kept for that data folder.
    #[arg(long, global = true, env = "UNSPACE_INDEX", value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// When to colour the output; `auto` colours a terminal unless NO_COLOR is set
    /// or TERM is `dumb`.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Never page long output (by default it goes through $PAGER, or `less -FRX`,
    /// when stdout is a terminal).
    #[arg(long, global = true)]
    pub no_pager: bool,
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
    #[command(after_help = SEARCH_EXAMPLES)]
    ///
    /// Terms separated by spaces must all appear; a run of Chinese characters matches
    /// as a contiguous string; "quoted phrases" match the words exactly as written
    /// (no inflections); OR between terms accepts either; -term or NOT term, inside
    /// the query, excludes. Width, case, spaces and punctuation
    /// do not matter (２０３０ = 2030, 2021年 = 2021 年); English words match their
    /// inflections (launching finds launch). A paragraph also matches through the
    /// footnotes it cites, ranked below every match in paragraph text.
    /// The index is built, or brought up to date with --data, first when needed.
    Search(SearchArgs),
    /// Print a document, or one paragraph, with its footnotes.
    #[command(after_help = SHOW_EXAMPLES)]
    Show(ShowArgs),
    /// Bring the index up to date with the documents in --data.
    #[command(after_help = INDEX_EXAMPLES)]
    Index(IndexArgs),
    /// List the documents the index holds: id, UN symbol, date, languages, units,
    /// short title.
    #[command(after_help = LIST_EXAMPLES)]
    List(ListArgs),
    /// Trace agreed language: the paragraphs of other documents with the same or
    /// nearly the same wording, most similar first, each with a word-level diff
    /// (by character for Chinese), and the wording's history in date order.
    ///
    /// The same unit in the document's other languages is traced too, so a Chinese
    /// paragraph reaches years that exist only in English; each paragraph found is
    /// shown in the traced language wherever that text exists. Similarity is the
    /// share of words (Chinese: characters) two texts have in the same order;
    /// paragraphs below 0.66 are left out, unless one of the two, 25 words or more,
    /// lies nearly whole (85%) inside the other. Exit status 1 when no other
    /// paragraph carries the wording.
    #[command(after_help = TRACE_EXAMPLES)]
    Trace(TraceArgs),
    /// Serve a web page and a JSON API on this machine: search as you type, each
    /// unit in every language side by side with its history, whole documents.
    ///
    /// The index is opened once and kept up to date with --data while serving (new
    /// documents are taken in within seconds; searches answer from the last commit
    /// meanwhile). The URL is printed on stdout. The API answers as --json does:
    /// /api/search?q=…&lang=…&doc=…&kind=…&year=…&limit=…&parallel=…,
    /// /api/show?doc=…&ref=…&lang=…, /api/trace?doc=…&ref=…&lang=…&limit=…,
    /// /api/documents?lang=…&year=…. Ctrl-C stops it.
    #[command(after_help = SERVE_EXAMPLES)]
    Serve(ServeArgs),
    /// Export aligned units for translators' tools: a translation memory (TMX 1.4b,
    /// for OmegaT, Trados, memoQ), CSV or JSON lines.
    ///
    /// One translation unit (row) per unit — the same document and the same `ref` —
    /// held in two or more of the languages asked for; a language that lacks the unit
    /// is left out of it (an empty cell in CSV), never shifted. Without --query, every
    /// unit of every document (or of --doc); with it, every unit the search finds (all
    /// of them, in whatever language they matched), best first. Segments are the
    /// units' text without footnote markers; TMX adds the footnotes a unit cites as
    /// <note>s, the citation (in the first language) and the date as <prop>s. Exit
    /// status 1 when nothing is held in two of the languages.
    #[command(after_help = EXPORT_EXAMPLES)]
    Export(ExportArgs),
}

const EXPORT_EXAMPLES: &str = "\
Examples:
  unspace export --lang zh,en -o space-law.tmx  every unit held in Chinese and English
  unspace export --lang en,fr --doc outer-space-treaty --format csv -o ost.csv
  unspace export --lang zh,en,fr,es,ru --query 'space debris' -o debris.tmx
                                                every unit the search finds, in five languages
  unspace export --lang all --kind article --format jsonl | jq .texts.zh";

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to write: a TMX 1.4b translation memory, CSV (RFC 4180, a column per
    /// language) or JSON lines (one object per unit).
    #[arg(long, value_enum, default_value_t = ExportFormat::Tmx, value_name = "FORMAT")]
    pub format: ExportFormat,
    /// The languages, two or more, in order (`zh,en`, or `all`): the first is the
    /// TMX source language and the citations'.
    #[arg(long, required = true, value_name = "LANGS")]
    pub lang: String,
    /// Only this document (id, symbol or title, as `show` takes them).
    #[arg(long, value_name = "DOC")]
    pub doc: Option<String>,
    /// Only the units this search finds (every one of them, not a page).
    #[arg(long, value_name = "QUERY")]
    pub query: Option<String>,
    /// Only units of this kind; repeat it for several.
    #[arg(long, value_enum, value_name = "KIND")]
    pub kind: Vec<KindArg>,
    /// Only documents adopted (treaties: opened for signature) in this year.
    #[arg(long, value_name = "YYYY")]
    pub year: Option<u32>,
    /// Write to this file instead of stdout (replaced whole once written).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Answer from the index as last built, without checking the data folder.
    #[arg(long)]
    pub no_refresh: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// TMX 1.4b translation memory.
    Tmx,
    /// CSV: id, ref, citation, date, then one column per language.
    Csv,
    /// JSON lines: {"id", "ref", "citation", "date", "texts": {LANG: TEXT}}.
    Jsonl,
}

const SERVE_EXAMPLES: &str = "\
Examples:
  unspace serve                                 http://127.0.0.1:7700/ on this machine only
  unspace serve --open                          and open it in the browser
  unspace serve --addr 127.0.0.1:8080
  curl 'http://127.0.0.1:7700/api/search?q=space+debris&lang=en&limit=3'";

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on, HOST:PORT (port 0: any free port). Anything other than
    /// a loopback address lets other machines use the page, with no password; you
    /// are warned.
    #[arg(long, default_value = "127.0.0.1:7700", value_name = "HOST:PORT")]
    pub addr: String,
    /// Open the page in the browser once it is ready (xdg-open).
    #[arg(long)]
    pub open: bool,
}

const LIST_EXAMPLES: &str = "\
Examples:
  unspace list                                  every document, with its languages
  unspace list --lang fr                        the documents held in French, titles in French
  unspace list --year 1967
  unspace list --json | jq '.[].symbol'";

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only documents held in this language, with their titles in it.
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
    /// Only documents adopted (treaties: opened for signature) in this year.
    #[arg(long, value_name = "YYYY")]
    pub year: Option<u32>,
    /// Print JSON for scripts instead of text.
    #[arg(long)]
    pub json: bool,
    /// Answer from the index as last built, without checking the data folder.
    #[arg(long)]
    pub no_refresh: bool,
}

const TRACE_EXAMPLES: &str = "\
Examples:
  unspace trace A/RES/76/76 16                  where ¶16's wording came from, and how it changed
  unspace trace A/RES/76/76 16 --lang en        the English text
  unspace trace A/RES/76/76 p8 --json | jq '.history[] | .symbol, .change'
  unspace trace outer-space-treaty 'art. IV'    resolutions that repeat the article";

#[derive(Debug, Args)]
pub struct TraceArgs {
    /// Document symbol, e.g. A/RES/76/76.
    pub symbol: String,
    /// The paragraph: operative paragraph N, `pN` for preambular paragraph N, or a
    /// unit as cited (`art. 4`, `principle X`, `guideline B.8`) or its ref
    /// (`article:4`).
    #[arg(value_name = "REF")]
    pub paragraph: String,
    /// Language of the paragraph, when the index holds the document in several
    /// (by default the first of zh, en, fr, es, ru, ar it is in).
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
    /// How many similar paragraphs to show (the history shows every document).
    #[arg(short = 'n', long, default_value_t = 20, value_name = "N")]
    pub limit: usize,
    /// Print JSON for scripts instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query, e.g. 空间碎片, "space debris", 75/92, A/AC.105/1240.
    #[arg(required = true, num_args = 1.., value_name = "QUERY")]
    pub query: Vec<String>,
    /// Only in this document (symbol, e.g. A/RES/76/76; case does not matter).
    #[arg(long, value_name = "SYMBOL")]
    pub doc: Option<String>,
    /// Only in this language (zh, en, fr, es, ru, ar, or its English name).
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
    /// Only units of this kind; repeat it for several (`--kind article --kind
    /// principle`).
    #[arg(long, value_enum, value_name = "KIND")]
    pub kind: Vec<KindArg>,
    /// Only documents adopted in this year.
    #[arg(long, value_name = "YYYY")]
    pub year: Option<u32>,
    /// How many paragraphs to show (a huge number shows them all).
    #[arg(short = 'n', long, default_value_t = 10, value_name = "N")]
    pub limit: usize,
    /// One line per paragraph: its citation and the text around the match.
    #[arg(short, long)]
    pub list: bool,
    /// Under each hit, the same paragraph, article or guideline in these languages
    /// (a comma list such as `en,fr`, or `all`).
    #[arg(long, value_name = "LANGS")]
    pub parallel: Option<String>,
    /// Print JSON for scripts instead of text.
    #[arg(long)]
    pub json: bool,
    /// Answer from the index as last built, without checking the data folder for
    /// changes (for scripts that have just run `unspace index`). Without it, a
    /// search first checks the data folder: every file's size and modification time
    /// with fewer than 1,000 documents; from 1,000 on only its folders' modification
    /// times, which change when a document is added, removed, renamed or saved by
    /// renaming (as editors do) — a document changed in place (appended to,
    /// overwritten by `cp`) is then seen by `unspace index`.
    #[arg(long)]
    pub no_refresh: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// A preambular paragraph (recital).
    Preamble,
    /// An operative paragraph.
    Operative,
    /// A plain paragraph (of an instrument, an annex, or an unrecognised text).
    Paragraph,
    /// A treaty's article.
    Article,
    /// A principle of a set of principles or of a declaration.
    Principle,
    /// A guideline.
    Guideline,
    /// A numbered section.
    Section,
    /// An annex's units.
    Annex,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Document symbol, e.g. A/RES/76/76.
    pub symbol: String,
    /// Paragraph number: operative paragraph N, or `pN` for preambular paragraph N;
    /// in an instrument, a unit as cited (`art. 4`, `article IV`, `art. 14.2`,
    /// `principle X`, `guideline B.8`) or its ref (`article:4`).
    pub paragraph: Option<String>,
    /// Language of the document, when data/ holds it in several; several languages
    /// (`zh,en,fr`, or `all`) show the text in each, side by side when the terminal
    /// is wide enough.
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
