//! The JSON API: `/api/search`, `/api/show`, `/api/trace`, `/api/documents`. Each
//! answers with the JSON the command line prints with `--json`, written by the same
//! functions of [`crate::render`]; an error is `{"error": "…"}` with 400 (what was
//! asked cannot be), 404 (what was asked for is not there), 503 (no index yet) or
//! 500. And `/api/export`: the file `unspace export` writes (TMX, CSV or JSON
//! lines, by [`crate::export`]), as a download, with the same JSON errors.
//!
//! Answers come from the index as last committed ([`Freshness::AsIs`]): the
//! server's own refresh thread keeps it up to date.

use std::time::SystemTime;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::document::{Document, Paragraph};
use crate::engine::{Engine, SearchRequest, Shown};
use crate::error::Error;
use crate::export::{self, Export, ExportRequest, Format, KINDS};
use crate::render;
use crate::search::Filters;

use super::{App, Failure, Params, blocking, json_body, json_error};

/// The longest query answered, in characters.
pub(super) const MAX_QUERY: usize = 1000;
/// The most hits (or similar paragraphs) one request may ask for.
pub(super) const MAX_LIMIT: usize = 500;

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
    check_query(&q)?;
    Ok(SearchRequest {
        query: q,
        filters: Filters {
            symbol: p.one("doc")?,
            language: p.one("lang")?.map(|l| l.to_lowercase()),
            kind: None,
            units: kinds(&p)?,
            year: p.year()?,
        },
        limit: p.number("limit", MAX_LIMIT)?.unwrap_or(10),
        parallel: p.one("parallel")?,
    })
}

/// A query within the length limit.
fn check_query(q: &str) -> Result<(), Failure> {
    if q.chars().count() > MAX_QUERY {
        return Err(Failure::bad(format!(
            "the query is longer than {MAX_QUERY} characters"
        )));
    }
    Ok(())
}

/// The unit kinds asked for (`kind`, repeatable), each once.
fn kinds(p: &Params) -> Result<Vec<String>, Failure> {
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
    Ok(units)
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

/// A format of `/api/export`: how it is written, named and served.
#[derive(Debug, Clone, Copy)]
struct Download {
    format: Format,
    extension: &'static str,
    content_type: &'static str,
}

const DOWNLOADS: [(&str, Download); 3] = [
    (
        "tmx",
        Download {
            format: Format::Tmx,
            extension: "tmx",
            content_type: "application/x-tmx+xml",
        },
    ),
    (
        "csv",
        Download {
            format: Format::Csv,
            extension: "csv",
            content_type: "text/csv; charset=utf-8",
        },
    ),
    (
        "jsonl",
        Download {
            format: Format::Jsonl,
            extension: "jsonl",
            content_type: "application/x-ndjson",
        },
    ),
];

/// `GET /api/export?format=&lang=&doc=&q=&kind=&year=`: the file `unspace export
/// --format F --lang L [--doc D] [--query Q] [--kind K]… [--year Y]` writes, byte for
/// byte (but the TMX header's creation date), as a download named after the
/// document (or `search`, or `all`) and the languages. `format` is `tmx` (the
/// default), `csv` or `jsonl`; `lang` two languages or more (`zh,en`, or `all`);
/// `kind` may be repeated. Nothing held in two of the languages is a 404 that says
/// why.
pub(super) async fn export(State(app): State<App>, RawQuery(query): RawQuery) -> Response {
    let (download, request) = match export_request(query.as_deref()) {
        Ok(asked) => asked,
        Err(failure) => return respond(Err(failure)),
    };
    let answer = blocking(&app, move |engine| {
        let exported = export::collect(engine, &request)?;
        if exported.rows.is_empty() {
            return Err(Failure {
                status: StatusCode::NOT_FOUND,
                message: format!(
                    "nothing to export: {}",
                    exported.note.as_deref().unwrap_or("nothing matched")
                ),
            });
        }
        let body =
            written(|out| export::write(download.format, out, &exported, SystemTime::now()))?;
        Ok((body, file_name(&request, &exported, download.extension)))
    })
    .await;
    match answer {
        Ok((body, name)) => {
            let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
                .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
            (
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static(download.content_type),
                    ),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                body,
            )
                .into_response()
        }
        Err(failure) => json_error(failure.status, &failure.message),
    }
}

/// An export request from the query string, checked against the limits.
fn export_request(query: Option<&str>) -> Result<(Download, ExportRequest), Failure> {
    let p = Params::parse(query, &["format", "lang", "doc", "q", "kind", "year"])?;
    let download = match p.one("format")? {
        None => DOWNLOADS[0].1,
        Some(name) => {
            let wanted = name.trim().to_lowercase();
            DOWNLOADS
                .iter()
                .find(|(n, _)| *n == wanted)
                .map(|(_, d)| *d)
                .ok_or_else(|| {
                    Failure::bad(format!("`format` is one of tmx, csv, jsonl, not `{name}`"))
                })?
        }
    };
    let languages = p.required(
        "lang",
        "the languages, two or more, the first the source (lang=zh,en), or all",
    )?;
    let query = p.one("q")?;
    if let Some(q) = &query {
        check_query(q)?;
    }
    let request = ExportRequest {
        languages,
        document: p.one("doc")?,
        query,
        kinds: kinds(&p)?,
        year: p.year()?,
    };
    Ok((download, request))
}

/// The download's file name: `unspace-SUBJECT-LANGS.EXT`, SUBJECT the document's
/// id (`A-RES-76-76`), `search` for a query's units or `all`; ASCII letters,
/// digits and hyphens only, so that it needs no quoting and names no folder.
fn file_name(request: &ExportRequest, exported: &Export, extension: &str) -> String {
    let subject = match (&request.document, &request.query) {
        (Some(_), _) => exported.rows.first().map_or("document", |r| r.id.as_str()),
        (None, Some(_)) => "search",
        (None, None) => "all",
    };
    let mut name = String::from("unspace");
    for part in std::iter::once(subject).chain(exported.languages.iter().map(String::as_str)) {
        let part = file_safe(part);
        if !part.is_empty() {
            name.push('-');
            name.push_str(&part);
        }
    }
    format!("{name}.{extension}")
}

/// `text` with every run of characters other than ASCII letters and digits made
/// one hyphen, none at either end, at most 80 characters.
fn file_safe(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if out.len() >= 80 {
                break;
            }
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::file_safe;

    #[test]
    fn file_names_are_plain_ascii() {
        assert_eq!(file_safe("A/RES/76/76"), "A-RES-76-76");
        assert_eq!(file_safe("outer-space-treaty"), "outer-space-treaty");
        assert_eq!(file_safe("../\"x\";\r\n空间"), "x");
        assert_eq!(file_safe("空间"), "");
        assert_eq!(file_safe(&"a".repeat(200)).len(), 80);
    }
}
