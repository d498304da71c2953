//! The JSON API: `/api/search`, `/api/show`, `/api/trace`, `/api/documents`. Each
//! answers with the JSON the command line prints with `--json`, written by the same
//! functions of [`crate::render`]; an error is `{"error": "…"}` with 400 (what was
//! asked cannot be), 404 (what was asked for is not there), 503 (no index yet) or
//! 500.
//!
//! Answers come from the index as last committed ([`Freshness::AsIs`]): the
//! server's own refresh thread keeps it up to date.

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};

use crate::document::{Document, Paragraph};
use crate::engine::{Engine, SearchRequest, Shown};
use crate::error::Error;
use crate::render;
use crate::search::Filters;

use super::{App, Failure, Params, blocking, json_body, json_error};

/// The longest query answered, in characters.
pub(super) const MAX_QUERY: usize = 1000;
/// The most hits (or similar paragraphs) one request may ask for.
pub(super) const MAX_LIMIT: usize = 500;
/// The unit kinds `kind` takes (as `--kind` does).
pub(super) const KINDS: [&str; 8] = [
    "preamble",
    "operative",
    "paragraph",
    "article",
    "principle",
    "guideline",
    "section",
    "annex",
];

/// A JSON answer, or the failure as JSON.
fn respond(answer: Result<Vec<u8>, Failure>) -> Response {
    match answer {
        Ok(body) => json_body(body).into_response(),
        Err(failure) => json_error(failure.status, &failure.message),
    }
}

/// Writes JSON into a buffer.
fn written(render: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> Result<Vec<u8>, Failure> {
    let mut out = Vec::new();
    render(&mut out).map_err(|e| Failure::from(Error::Other(e.into())))?;
    Ok(out)
}

/// `GET /api/search?q=&lang=&doc=&kind=&year=&limit=&parallel=`: as `unspace search
/// --json` (`kind` may be repeated; `limit` 10 by default, at most 500).
pub(super) async fn search(State(app): State<App>, RawQuery(query): RawQuery) -> Response {
    let request = match search_request(query.as_deref()) {
        Ok(request) => request,
        Err(failure) => return respond(Err(failure)),
    };
    respond(
        blocking(&app, move |engine| {
            let results = engine.search(&request)?;
            written(|out| render::results_json(out, &results))
        })
        .await,
    )
}

/// A search request from the query string, checked against the limits.
pub(super) fn search_request(query: Option<&str>) -> Result<SearchRequest, Failure> {
    let p = Params::parse(
        query,
        &["q", "lang", "doc", "kind", "year", "limit", "parallel"],
    )?;
    let q = p.required("q", "the query, e.g. q=space+debris")?;
    if q.chars().count() > MAX_QUERY {
        return Err(Failure::bad(format!(
            "the query is longer than {MAX_QUERY} characters"
        )));
    }
    let mut units = Vec::new();
    for kind in p.all("kind") {
        let kind = kind.trim().to_lowercase();
        if !KINDS.contains(&kind.as_str()) {
            return Err(Failure::bad(format!(
                "`kind` is one of {}, not `{kind}`",
                KINDS.join(", ")
            )));
        }
        if !units.contains(&kind) {
            units.push(kind);
        }
    }
    Ok(SearchRequest {
        query: q,
        filters: Filters {
            symbol: p.one("doc")?,
            language: p.one("lang")?.map(|l| l.to_lowercase()),
            kind: None,
            units,
            year: p.year()?,
        },
        limit: p.number("limit", MAX_LIMIT)?.unwrap_or(10),
        parallel: p.one("parallel")?,
    })
}

/// `GET /api/show?doc=&ref=&lang=`: as `unspace show DOC [REF] [--lang LANG] --json`;
/// `lang` a code, a comma list or `all` (the parallel view's JSON).
pub(super) async fn show(State(app): State<App>, RawQuery(query): RawQuery) -> Response {
    let asked = Params::parse(query.as_deref(), &["doc", "ref", "lang"]).and_then(|p| {
        Ok((
            p.required("doc", "a document's id, symbol or title")?,
            p.one("ref")?,
            p.one("lang")?,
        ))
    });
    let (doc, unit, lang) = match asked {
        Ok(asked) => asked,
        Err(failure) => return respond(Err(failure)),
    };
    respond(
        blocking(&app, move |engine| {
            check_language(engine, lang.as_deref())?;
            let shown = engine.show(&doc, unit.as_deref(), lang.as_deref())?;
            written(|out| shown_json(out, engine, &shown, unit.as_deref()))
        })
        .await,
    )
}

/// A single language name unspace does not know is a bad request (400), not a
/// language the document lacks (404). Lists and `all` are checked by the engine.
fn check_language(engine: &Engine, lang: Option<&str>) -> Result<(), Failure> {
    match lang {
        Some(name)
            if !name.contains(',')
                && !name.trim().eq_ignore_ascii_case("all")
                && crate::model::Language::parse(name).is_none() =>
        {
            Err(Error::UnknownLanguage {
                wanted: name.trim().to_owned(),
                known: engine.languages().unwrap_or_default(),
            }
            .into())
        }
        _ => Ok(()),
    }
}

/// What `show` answered, as `show --json` prints it: one document (or some of its
/// units), or the parallel view when several languages were asked for.
fn shown_json(
    out: &mut Vec<u8>,
    engine: &Engine,
    shown: &Shown,
    spec: Option<&str>,
) -> std::io::Result<()> {
    if shown.parallel {
        let refs = parallel_refs(shown);
        let versions = versions(shown);
        let view = render::ParallelView {
            symbol: &shown.documents[0].symbol,
            spec,
            refs: &refs,
            versions: &versions,
            data: &engine.data().display().to_string(),
        };
        return render::parallel_json(out, &view);
    }
    let doc = &shown.documents[0];
    let only = only(shown, doc);
    render::document_json(out, doc, only.as_deref())
}

/// The paragraphs of `doc` that `shown` asked for, or `None` for all.
pub(super) fn only<'a>(shown: &Shown, doc: &'a Document) -> Option<Vec<&'a Paragraph>> {
    shown.refs.as_ref().map(|refs| {
        doc.paragraphs
            .iter()
            .filter(|p| refs.contains(&p.r#ref))
            .collect()
    })
}

/// A parallel view's refs, as the command line's `show --lang all` takes them: those
/// asked for, or every ref of the first language's document and then the others'.
pub(super) fn parallel_refs(shown: &Shown) -> Vec<String> {
    match &shown.refs {
        Some(refs) => refs.clone(),
        None => {
            let mut refs: Vec<String> = shown.documents[0]
                .paragraphs
                .iter()
                .map(|p| p.r#ref.clone())
                .collect();
            for doc in &shown.documents {
                for p in &doc.paragraphs {
                    if !refs.contains(&p.r#ref) {
                        refs.push(p.r#ref.clone());
                    }
                }
            }
            refs
        }
    }
}

/// Each language asked for, with its document where the index holds one.
pub(super) fn versions(shown: &Shown) -> Vec<render::Version<'_>> {
    shown
        .languages
        .iter()
        .map(|l| render::Version {
            language: l.as_str(),
            document: shown.documents.iter().find(|d| d.language == *l),
        })
        .collect()
}

/// `GET /api/trace?doc=&ref=&lang=&limit=`: as `unspace trace DOC REF --json`
/// (`limit` 20 by default, at most 500).
pub(super) async fn trace(State(app): State<App>, RawQuery(query): RawQuery) -> Response {
    let asked = Params::parse(query.as_deref(), &["doc", "ref", "lang", "limit"]).and_then(|p| {
        Ok((
            p.required("doc", "a document's id, symbol or title")?,
            p.required("ref", "the unit, e.g. ref=16, ref=p8, ref=art.+IV")?,
            p.one("lang")?,
            p.number("limit", MAX_LIMIT)?.unwrap_or(20),
        ))
    });
    let (doc, unit, lang, limit) = match asked {
        Ok(asked) => asked,
        Err(failure) => return respond(Err(failure)),
    };
    respond(
        blocking(&app, move |engine| {
            let found = engine.trace(&doc, &unit, lang.as_deref(), limit)?;
            written(|out| render::trace_json(out, &found))
        })
        .await,
    )
}

/// `GET /api/documents?lang=&year=`: as `unspace list --json`.
pub(super) async fn documents(State(app): State<App>, RawQuery(query): RawQuery) -> Response {
    let asked = Params::parse(query.as_deref(), &["lang", "year"])
        .and_then(|p| Ok((p.one("lang")?, p.year()?)));
    let (lang, year) = match asked {
        Ok(asked) => asked,
        Err(failure) => return respond(Err(failure)),
    };
    respond(
        blocking(&app, move |engine| {
            let documents = engine.list(lang.as_deref(), year)?;
            written(|out| render::list_json(out, &documents))
        })
        .await,
    )
}
