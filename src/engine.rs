//! The library's API, which every face (the command line, the web server) uses: an
//! [`Engine`] opens a data folder and its index once, keeps the index up to date
//! with the folder ([`Engine::refresh`], [`Engine::fresh`]), and answers
//! [`search`](Engine::search), [`show`](Engine::show), [`trace`](Engine::trace) and
//! [`list`](Engine::list) from the index's stored fields — `show` never reads the
//! data folder. It returns plain data and typed [`Error`]s, and reports progress and
//! warnings through a callback ([`Event`]), never by printing.
//!
//! An engine is shared between threads (`&Engine` is `Sync`): searches run side by
//! side on one reader of the last commit; an update is written beside them and, once
//! committed, the engine opens the new commit for the searches that follow, while
//! those already running finish on the old one.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use serde::Serialize;
use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query as TantivyQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, Term};

use crate::document::{Document, Paragraph};
use crate::error::Error;
use crate::index::{self, Library, Options, Postings, Progress, Report, StoredUnit, UpdateError};
use crate::model::{Language, catalogue, citation, language, unit_ref};
use crate::{query, search, trace};

pub use crate::index::Options as UpdateOptions;
pub use crate::search::{Filters, Results};
pub use crate::trace::Trace;

/// The engine's results.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How long a caller waits for another process's first build of the index.
const FIRST_BUILD_WAIT: Duration = Duration::from_secs(300);

/// What the engine reports while it works.
#[derive(Debug)]
pub enum Event<'a> {
    /// An update begins: the first build of the index, or the data folder changed.
    Updating { first_build: bool },
    /// The update will read this many files.
    Files(usize),
    /// One file was read (its key in the data folder).
    FileDone(&'a str),
    /// All files were read; the commit follows.
    FilesDone,
    /// The update is committed: what it did, with each file's failures and warnings.
    Updated(&'a Report),
    /// Something the user should know that is not an error (an update that could
    /// not run, so the answer comes from the index as last built).
    Warning(String),
}

/// A callback for [`Event`]s.
pub type Events<'a> = &'a mut (dyn FnMut(Event<'_>) + Send);

/// No events wanted.
pub fn quiet(_: Event<'_>) {}

/// How much of the index's freshness a question needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Bring the index up to date with the data folder first when it changed (a
    /// first build included).
    Fresh,
    /// Answer from the index as it is (an error when there is none yet).
    AsIs,
}

/// A search as asked.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// The query as typed.
    pub query: String,
    pub filters: Filters,
    /// At most this many hits.
    pub limit: usize,
    /// Each hit with the same unit in these languages (codes or names, or `all`).
    pub parallel: Option<String>,
}

/// The unit(s) of a document `show` gives, in one language or several.
#[derive(Debug, Clone, Serialize)]
pub struct Shown {
    /// The document's id as the index holds it.
    pub symbol: String,
    /// The languages asked for, in order (those the document lacks included).
    pub languages: Vec<String>,
    /// The document in each language asked for that the index holds, in the order
    /// asked.
    pub documents: Vec<Document>,
    /// The refs of the units asked for, in document order; `None` for the whole
    /// document.
    pub refs: Option<Vec<String>>,
    /// True when several languages were asked for (a parallel view).
    pub parallel: bool,
    /// When no language was asked for and the document is in several: the other
    /// languages it is in (the one shown is `documents[0]`).
    pub also_in: Vec<String>,
}

/// One document of the index, for [`Engine::list`].
#[derive(Debug, Clone, Serialize)]
pub struct DocumentInfo {
    /// The document's id: an instrument's catalogue id (`outer-space-treaty`), else
    /// its symbol (`A/RES/76/76`).
    pub id: String,
    /// The UN symbol: the resolution's own, or the one that adopted, commended or
    /// endorsed the instrument; `None` when there is none.
    pub symbol: Option<String>,
    /// The short title (an instrument's, from the catalogue) in the language asked
    /// for or the first language held; else the title as printed.
    pub title: String,
    /// The title as printed, in that language.
    pub full_title: String,
    /// What it is: resolution, treaty, principles, declaration, guidelines.
    pub kind: String,
    pub date: Option<String>,
    /// The languages it is held in, in display order.
    pub languages: Vec<String>,
    /// Its units, in the language whose title is given.
    pub units: u64,
}

/// An opened data folder and index.
pub struct Engine {
    data: PathBuf,
    root: PathBuf,
    /// The last commit, opened on first use; `Some(None)` before the first build.
    library: RwLock<Option<Option<Arc<Library>>>>,
    /// Held while this engine writes the index (other processes are kept out by
    /// tantivy's writer lock).
    updating: Mutex<()>,
    /// How searches hold the index's postings and positions.
    postings: Postings,
}

impl Engine {
    /// Opens the index under `index` for the documents of `data`. Nothing is built
    /// or read yet (the index is opened by the first question, so that an index too
    /// damaged to open can still be rebuilt); an index folder inside the data folder
    /// is refused.
    pub fn open(data: &Path, index: &Path) -> Result<Engine> {
        check_folders(data, index)?;
        Ok(Engine {
            data: data.to_owned(),
            root: index.to_owned(),
            library: RwLock::new(None),
            updating: Mutex::new(()),
            postings: Postings::default(),
        })
    }

    /// The engine of a process that answers many questions (the web server): the
    /// index's postings and positions stay mapped, so that the pages one search
    /// touched serve the searches after it. By default each search reads them and
    /// gives them back, which keeps a short-lived process small and is as fast
    /// ([`Postings`]).
    pub fn serving(mut self) -> Engine {
        self.postings = Postings::Mapped;
        self
    }

    /// The data folder.
    pub fn data(&self) -> &Path {
        &self.data
    }

    /// The index folder (the root of this schema's folder).
    pub fn index_root(&self) -> &Path {
        &self.root
    }

    /// The last commit this engine opened (opening it on first use); `None` before
    /// the first build.
    fn current(&self) -> Result<Option<Arc<Library>>> {
        let opened = self
            .library
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        match opened {
            Some(library) => Ok(library),
            None => self.reopen(),
        }
    }

    /// The last commit, or [`Error::NoIndex`].
    fn library(&self) -> Result<Arc<Library>> {
        self.current()?.ok_or_else(|| Error::NoIndex {
            dir: index::version_dir(&self.root),
        })
    }

    /// Opens the index's last commit for the questions that follow.
    fn reopen(&self) -> Result<Option<Arc<Library>>> {
        let library = Library::open_with(&self.root, self.postings)?.map(Arc::new);
        *self.library.write().unwrap_or_else(PoisonError::into_inner) = Some(library.clone());
        Ok(library)
    }

    /// True when the data folder differs from what the index holds (or there is no
    /// index yet). Costs a listing of the folder, no file is read.
    pub fn data_changed(&self) -> Result<bool> {
        match self.current()? {
            Some(library) => Ok(index::data_changed(&self.data, &library.payload)?),
            None => Ok(true),
        }
    }

    /// Brings the index up to date with the data folder (`options.rebuild`: from
    /// scratch) and opens the new commit.
    pub fn update(&self, options: Options, on: Events) -> Result<Report> {
        let _writing = self.updating.lock().unwrap_or_else(PoisonError::into_inner);
        let mut progress = EventProgress(on);
        let report =
            index::update(&self.root, &self.data, options, &mut progress).map_err(|e| match e {
                UpdateError::Busy(dir) => Error::Busy { dir },
                UpdateError::Other(e) => Error::from_anyhow(e),
            })?;
        (progress.0)(Event::Updated(&report));
        self.reopen()?;
        Ok(report)
    }

    /// Updates the index if the data folder changed since it was built; true when
    /// it did.
    pub fn refresh(&self, on: Events) -> Result<bool> {
        if !self.data_changed()? {
            return Ok(false);
        }
        self.refreshed(self.current()?.is_some(), on)?;
        Ok(true)
    }

    /// Answers with `run` from an index that is `freshness` fresh. With
    /// [`Freshness::Fresh`], the data folder is checked for changes while the index
    /// answers, and the answer stands if it turns out unchanged; else the index is
    /// updated and `run` asked again. If that update fails (a full disk, a
    /// read-only index, another process updating it), the last commit's answer
    /// stands, with a [`Event::Warning`].
    pub fn fresh<T: Send>(
        &self,
        freshness: Freshness,
        on: Events,
        run: impl Fn(&Engine) -> Result<T> + Sync,
    ) -> Result<T> {
        if freshness == Freshness::AsIs {
            return run(self);
        }
        let existing = self.current()?;
        // A large folder whose folders are as recorded needs no thread to check it
        // beside the answer: that check is a `stat` per folder.
        if let Some(library) = &existing
            && index::folders_say_unchanged(&self.data, &library.payload)
        {
            return run(self);
        }
        let (changed, early) = std::thread::scope(|scope| {
            let changed = scope.spawn(|| self.data_changed());
            let early = existing.as_ref().map(|_| run(self));
            let changed = changed.join().unwrap_or_else(|_| {
                Err(Error::Other(anyhow::anyhow!(
                    "{}: checking the data folder failed",
                    self.data.display()
                )))
            });
            (changed, early)
        });
        let changed = changed?;
        match early {
            Some(Ok(answer)) if !changed => Ok(answer),
            Some(Ok(answer)) => match self.refreshed(true, on) {
                Ok(()) => run(self),
                Err(e) => {
                    on(Event::Warning(format!(
                        "{}; answering from the index as last built",
                        crate::error::describe(&e)
                    )));
                    Ok(answer)
                }
            },
            // The index fails to answer: an update does not repair it.
            Some(Err(e)) => Err(e),
            None => {
                self.refreshed(false, on)?;
                run(self)
            }
        }
    }

    /// Updates the index as a question's refresh does: the first build waits for
    /// another process's first build to land.
    fn refreshed(&self, existing: bool, on: Events) -> Result<()> {
        on(Event::Updating {
            first_build: !existing,
        });
        let started = Instant::now();
        loop {
            match self.update(Options::default(), on) {
                Ok(_) => return Ok(()),
                Err(Error::Busy { dir }) if !existing => {
                    // Another process is making the first build: its commit answers.
                    if self.reopen()?.is_some() {
                        return Ok(());
                    }
                    if started.elapsed() > FIRST_BUILD_WAIT {
                        return Err(Error::Other(anyhow::anyhow!(
                            "{}: another unspace has been building the index for {} s; try again when it has finished",
                            dir.display(),
                            FIRST_BUILD_WAIT.as_secs()
                        )));
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Runs a question on the last commit; a panic deep in the index (a damaged
    /// segment) becomes [`Error::Damaged`].
    fn guarded<T>(&self, ask: impl FnOnce(&Library) -> anyhow::Result<T>) -> Result<T> {
        let library = self.library()?;
        match catch_unwind(AssertUnwindSafe(|| ask(&library))) {
            Ok(Ok(answer)) => Ok(answer),
            failed => {
                if let Some(why) = library.damage() {
                    return Err(Error::Damaged {
                        dir: library.dir.clone(),
                        why,
                    });
                }
                match failed {
                    Ok(Err(e)) => Err(Error::from_anyhow(e)),
                    _ => Err(Error::Damaged {
                        dir: library.dir.clone(),
                        why: "it could not be read".to_owned(),
                    }),
                }
            }
        }
    }

    /// The languages the index holds documents in, in display order.
    pub fn languages(&self) -> Result<Vec<String>> {
        self.guarded(|library| {
            let mut codes = search::languages(library)?;
            language::sort_codes(&mut codes);
            Ok(codes)
        })
    }

    /// Searches the index.
    pub fn search(&self, request: &SearchRequest) -> Result<Results> {
        let parsed = query::parse(&request.query).map_err(|e| Error::BadQuery(e.to_string()))?;
        self.guarded(|library| {
            let mut results = search::search(
                library,
                &request.query,
                &parsed,
                &request.filters,
                request.limit,
            )?;
            // Nothing found: the nearest query the index answers, offered, never
            // searched for in the user's place.
            if results.total == 0 {
                let searcher = library.searcher()?;
                let forms = search::suggest::corrected(
                    &searcher,
                    &library.fields,
                    &request.query,
                    &parsed,
                )?;
                for mended in forms {
                    let Ok(query) = query::parse(&mended) else {
                        continue;
                    };
                    let found = search::search(library, &mended, &query, &request.filters, 1)?;
                    if found.total > 0 {
                        results.suggestions.push(search::Suggestion {
                            query: mended,
                            total: found.total,
                        });
                        break;
                    }
                }
            }
            if let Some(spec) = &request.parallel {
                let available = search::languages(library)?;
                let languages = language_list(spec, &available)?;
                search::add_parallel(library, &mut results, &languages)?;
            }
            Ok(results)
        })
    }

    /// Traces unit `unit` of `document` (see [`trace::trace`]).
    pub fn trace(
        &self,
        document: &str,
        unit: &str,
        language: Option<&str>,
        limit: usize,
    ) -> Result<Trace> {
        self.guarded(|library| trace::trace(library, document, unit, language, limit))
    }

    /// A document, or some of its units, in one language or several (`language`: a
    /// code or name, a comma list, `all`, or `None` for the first it is held in).
    pub fn show(
        &self,
        document: &str,
        unit: Option<&str>,
        language: Option<&str>,
    ) -> Result<Shown> {
        self.guarded(|library| {
            let searcher = library.searcher()?;
            let asked = Asked::read(&searcher, library, document, unit)?;
            let versions = documents_of(&searcher, library, &asked.symbol)?;
            let parallel =
                language.is_some_and(|l| l.contains(',') || l.trim().eq_ignore_ascii_case("all"));
            let mut chosen = Chosen::of(&asked, &versions, language, parallel)?;
            if language.is_none() {
                chosen.prefer_a_language_with_the_unit(&asked, &versions);
            }
            let refs = match asked.unit.as_deref() {
                None => None,
                Some(spec) => {
                    // Resolved in the first language shown (that has the document).
                    let primary = chosen.documents.first().unwrap_or(&versions[0]);
                    let found = asked.resolve_in(primary, spec)?;
                    Some(found.iter().map(|p| p.r#ref.clone()).collect())
                }
            };
            Ok(Shown {
                symbol: asked.symbol,
                languages: chosen.languages,
                documents: chosen.documents,
                refs,
                parallel,
                also_in: chosen.also_in,
            })
        })
    }

    /// Every document of the index (held in `language`, when given, and of `year`):
    /// its languages, and its title, date and number of units in `language` (a
    /// code or name) or the first language it is held in.
    pub fn list(&self, language: Option<&str>, year: Option<u32>) -> Result<Vec<DocumentInfo>> {
        let wanted = match language {
            None => None,
            Some(name) => Some(
                Language::parse(name)
                    .ok_or_else(|| Error::UnknownLanguage {
                        wanted: name.trim().to_owned(),
                        known: self.languages().unwrap_or_default(),
                    })?
                    .code(),
            ),
        };
        self.guarded(|library| {
            let searcher = library.searcher()?;
            let f = &library.fields;
            let mut out = Vec::new();
            // The index's languages, read once (not once per document).
            let held = search::languages(library)?;
            for symbol in search::symbols(&searcher, f)? {
                let mut languages = Vec::new();
                for code in held.iter().cloned() {
                    let n = count(&searcher, library, &symbol, Some(&code))?;
                    if n > 0 {
                        languages.push((code, n));
                    }
                }
                languages.sort_by_key(|(c, _)| Language::rank(c));
                let held = match wanted {
                    Some(w) => languages.iter().find(|(c, _)| c == w),
                    None => languages.first(),
                };
                let Some((shown, units)) = held.cloned() else {
                    continue;
                };
                let Some(first) = first_unit(&searcher, library, &symbol, &shown)? else {
                    continue;
                };
                if year.is_some_and(|y| first.year != Some(y)) {
                    continue;
                }
                let instrument = catalogue::by_id(&symbol);
                let kind = match (&instrument, &first.head) {
                    (Some(i), _) => i.kind.clone(),
                    (None, Some(head)) => head.kind.as_str().to_owned(),
                    (None, None) => "resolution".to_owned(),
                };
                out.push(DocumentInfo {
                    symbol: match instrument {
                        Some(i) => i.symbol.clone(),
                        None => catalogue::un_symbol(&symbol),
                    },
                    // An instrument by its short title; a resolution by the title it
                    // prints (its catalogue short title is only its number).
                    title: instrument
                        .filter(|i| i.kind != "resolution")
                        .and_then(|i| i.short_title(&shown))
                        .map_or_else(|| first.title.clone(), str::to_owned),
                    full_title: first.title.clone(),
                    kind,
                    date: Some(first.date).filter(|d| !d.is_empty()),
                    id: symbol,
                    languages: languages.into_iter().map(|(c, _)| c).collect(),
                    units,
                });
            }
            Ok(out)
        })
    }
}

/// A whole citation split into the document it names and the unit: the name before
/// a comma (`resolution 76/76, para. 16`), else the longest document name the
/// citation opens with, folded (`第76/76号决议第16段`, `《外层空间条约》第四条`; the unit is
/// then given in its folded form, which the resolver compares as such).
fn split_citation(
    searcher: &Searcher,
    library: &Library,
    text: &str,
) -> anyhow::Result<Option<(String, String, Option<&'static str>)>> {
    let f = &library.fields;
    for (at, _) in text.match_indices([',', '，']) {
        let (name, rest) = (&text[..at], &text[at..]);
        let rest = rest.trim_start_matches([',', '，']).trim();
        if !rest.is_empty()
            && let Some(id) = search::indexed_symbol(searcher, f, name)?
        {
            let language = citation::language_of_name(&id, name);
            return Ok(Some((id, rest.to_owned(), language)));
        }
    }
    let folded = citation::key(text);
    let mut best: Option<(String, String)> = None;
    for id in search::symbols(searcher, f)? {
        for name in citation::document_keys(&id) {
            let longer = best.as_ref().is_none_or(|(n, _)| name.len() > n.len());
            if folded.len() > name.len() && folded.starts_with(&name) && longer {
                best = Some((name, id.clone()));
            }
        }
    }
    Ok(best.map(|(name, id)| {
        let language = citation::language_of_name(&id, &name);
        (id, folded[name.len()..].to_owned(), language)
    }))
}

/// What `show` was asked for: the document's id, the unit (apart, or read off a
/// whole citation), the whole citation, and the language it was written in.
struct Asked<'a> {
    symbol: String,
    unit: Option<String>,
    whole: Option<&'a str>,
    cited_in: Option<&'static str>,
}

impl<'a> Asked<'a> {
    /// A document's name, or a whole citation (`Liability Convention, art. IX`,
    /// `《外层空间条约》第四条`) when no unit is given apart.
    fn read(
        searcher: &Searcher,
        library: &Library,
        document: &'a str,
        unit: Option<&str>,
    ) -> anyhow::Result<Asked<'a>> {
        let f = &library.fields;
        if let Some(symbol) = search::indexed_symbol(searcher, f, document)? {
            return Ok(Asked {
                symbol,
                unit: unit.map(str::to_owned),
                whole: None,
                cited_in: None,
            });
        }
        match split_citation(searcher, library, document)? {
            Some((symbol, cited, language)) if unit.is_none() => Ok(Asked {
                symbol,
                unit: Some(cited),
                whole: Some(document),
                cited_in: language,
            }),
            _ => Err(Error::UnknownDocument {
                wanted: document.trim().to_owned(),
                known: search::symbols(searcher, f)?,
            }
            .into()),
        }
    }

    /// The units of `doc` the unit names: a whole citation names its unit exactly
    /// (with a resolution's part letter); else the label after the document's name.
    fn resolve_in<'d>(&self, doc: &'d Document, spec: &str) -> Result<Vec<&'d Paragraph>> {
        let units: Vec<&Paragraph> = doc.paragraphs.iter().collect();
        let resolve = |spec: &str| unit_ref::resolve(&units, spec, &doc.symbol, &doc.language);
        match self.whole.map(resolve) {
            Some(Ok(found)) => Ok(found),
            _ => resolve(spec),
        }
    }
}

/// The languages `show` shows, the document in each, and the others it is held in.
struct Chosen {
    languages: Vec<String>,
    documents: Vec<Document>,
    also_in: Vec<String>,
}

impl Chosen {
    /// The languages asked for (a list, `all`, one language), or, when none is, the
    /// language a citation was written in, else the first the document is held in.
    fn of(
        asked: &Asked,
        versions: &[Document],
        language: Option<&str>,
        parallel: bool,
    ) -> anyhow::Result<Chosen> {
        let present: Vec<String> = versions.iter().map(|d| d.language.clone()).collect();
        let (languages, also_in) = match language {
            Some(spec) if parallel => (language_list(spec, &present)?, Vec::new()),
            Some(name) => {
                let code = Language::parse(name)
                    .map_or_else(|| name.trim().to_lowercase(), |l| l.code().to_owned());
                if !present.contains(&code) {
                    return Err(Error::NotInLanguage {
                        document: asked.symbol.clone(),
                        language: code,
                        available: present,
                    }
                    .into());
                }
                (vec![code], Vec::new())
            }
            None => {
                let first = asked
                    .cited_in
                    .filter(|l| present.iter().any(|p| p == l))
                    .map_or_else(|| present[0].clone(), str::to_owned);
                (vec![first.clone()], others(&present, &first))
            }
        };
        let documents = languages
            .iter()
            .filter_map(|l| versions.iter().find(|d| &d.language == l).cloned())
            .collect();
        Ok(Chosen {
            languages,
            documents,
            also_in,
        })
    }

    /// A unit cited that the language chosen lacks (a front matter that differs by
    /// edition) is shown in the first language that has it.
    fn prefer_a_language_with_the_unit(&mut self, asked: &Asked, versions: &[Document]) {
        let Some(spec) = asked.unit.as_deref() else {
            return;
        };
        let has = |d: &Document| asked.resolve_in(d, spec).is_ok();
        if self.documents.first().is_none_or(has) {
            return;
        }
        if let Some(other) = versions.iter().find(|d| has(d)) {
            let present: Vec<String> = versions.iter().map(|d| d.language.clone()).collect();
            self.also_in = others(&present, &other.language);
            self.languages = vec![other.language.clone()];
            self.documents = vec![other.clone()];
        }
    }
}

/// The languages of `present` but `shown`, in display order.
fn others(present: &[String], shown: &str) -> Vec<String> {
    let mut others: Vec<String> = present.iter().filter(|l| *l != shown).cloned().collect();
    language::sort_codes(&mut others);
    others
}

/// Refuses an index folder that is the data folder or inside it: unspace would
/// index its own files.
fn check_folders(data: &Path, index: &Path) -> Result<()> {
    let (Some(data_abs), Some(index_abs)) = (resolved(data), resolved(index)) else {
        return Ok(());
    };
    if index_abs.starts_with(&data_abs) {
        return Err(Error::Other(anyhow::anyhow!(
            "the index folder {} is inside the data folder {}: unspace would read its own index as documents; keep the index outside it",
            index.display(),
            data.display()
        )));
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

/// Languages from `zh,en,fr` (codes or names) or `all` (those given in `available`,
/// in display order).
pub fn language_list(spec: &str, available: &[String]) -> Result<Vec<String>> {
    if spec.trim().eq_ignore_ascii_case("all") {
        let mut all = available.to_vec();
        language::sort_codes(&mut all);
        return Ok(all);
    }
    let mut out: Vec<String> = Vec::new();
    for name in spec.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let code = Language::parse(name)
            .ok_or_else(|| Error::UnknownLanguage {
                wanted: name.to_owned(),
                known: available.to_vec(),
            })?
            .code();
        if !out.iter().any(|l| l == code) {
            out.push(code.to_owned());
        }
    }
    if out.is_empty() {
        return Err(Error::UnknownLanguage {
            wanted: spec.to_owned(),
            known: available.to_vec(),
        });
    }
    Ok(out)
}

fn term_query(field: tantivy::schema::Field, value: &str) -> Box<dyn TantivyQuery> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    ))
}

fn document_query(library: &Library, symbol: &str, language: Option<&str>) -> BooleanQuery {
    let f = &library.fields;
    let mut clauses = vec![(Occur::Must, term_query(f.symbol, symbol))];
    if let Some(code) = language {
        clauses.push((Occur::Must, term_query(f.language, code)));
    }
    BooleanQuery::new(clauses)
}

/// How many units document `symbol` has (in `language`).
fn count(
    searcher: &Searcher,
    library: &Library,
    symbol: &str,
    language: Option<&str>,
) -> anyhow::Result<u64> {
    Ok(searcher.search(&document_query(library, symbol, language), &Count)? as u64)
}

/// Some unit of the document in `language` (for its title and date).
fn first_unit(
    searcher: &Searcher,
    library: &Library,
    symbol: &str,
    language: &str,
) -> anyhow::Result<Option<StoredUnit>> {
    let query = document_query(library, symbol, Some(language));
    let top = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
    match top.first() {
        Some((_, address)) => Ok(Some(StoredUnit::read(searcher, &library.fields, *address)?)),
        None => Ok(None),
    }
}

/// Document `symbol` in every language the index holds it in, rebuilt from its
/// stored units (in the order of their files' keys; one file per language).
fn documents_of(
    searcher: &Searcher,
    library: &Library,
    symbol: &str,
) -> anyhow::Result<Vec<Document>> {
    let query = document_query(library, symbol, None);
    let mut units: Vec<StoredUnit> = Vec::new();
    for address in searcher.search(&query, &DocSetCollector)? {
        units.push(StoredUnit::read(searcher, &library.fields, address)?);
    }
    units.sort_by(|a, b| (&a.file, a.ordinal).cmp(&(&b.file, b.ordinal)));
    let mut out: Vec<Document> = Vec::new();
    let mut files: Vec<String> = Vec::new();
    for unit in units {
        let same = files.last().is_some_and(|f| *f == unit.file);
        if !same {
            if out.iter().any(|d| d.language == unit.language) {
                // A second file of the same document and language: the update
                // warned of it; the first file's text is shown.
                continue;
            }
            let head = unit.head.clone().unwrap_or_default();
            files.push(unit.file.clone());
            out.push(Document {
                symbol: unit.symbol.clone(),
                language: unit.language.clone(),
                title: unit.title.clone(),
                kind: head.kind,
                date: Some(unit.date.clone()).filter(|d| !d.is_empty()),
                meeting: head.meeting,
                source: head.source,
                paragraphs: Vec::new(),
                footnotes: head.footnotes,
                title_footnotes: head.title_footnotes,
            });
        }
        if let Some(doc) = out.last_mut()
            && files.last() == Some(&unit.file)
        {
            doc.paragraphs.push(unit.paragraph);
        }
    }
    Ok(out)
}

/// The engine's events as index progress.
struct EventProgress<'a, 'b>(&'a mut (dyn FnMut(Event<'_>) + Send + 'b));

impl Progress for EventProgress<'_, '_> {
    fn start(&mut self, files: usize) {
        (self.0)(Event::Files(files));
    }
    fn file_done(&mut self, key: &str) {
        (self.0)(Event::FileDone(key));
    }
    fn finish(&mut self) {
        (self.0)(Event::FilesDone);
    }
}
