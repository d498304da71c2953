//! The HTML pages. The search page is a shell (`assets/search.html`) that the script
//! (`assets/app.js`) fills from `/api/search` as the user types; the unit page (a
//! unit in every language, its footnotes and the history of its wording), the
//! document page and the list of documents are written here from the engine's
//! answers, so that they read without a script too. Every text from a document, a
//! file name or the request is escaped ([`esc`]); the pages run no inline script and
//! carry no inline style (the server's Content-Security-Policy forbids both).

use std::fmt::Write as _;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::document::{Document, Paragraph};
use crate::engine::{DocumentInfo, Shown, Trace};
use crate::model::Language;
use crate::trace::{Change, Op, Piece};

use super::{App, Failure, Params, blocking};

const LAYOUT: &str = include_str!("assets/page.html");
const SEARCH: &str = include_str!("assets/search.html");
const STYLE: &str = include_str!("assets/style.css");
const SCRIPT: &str = include_str!("assets/app.js");

/// How many similar paragraphs the unit page shows.
const SIMILAR_SHOWN: usize = 20;

/// Text escaped for HTML, in element content and in double-quoted attributes.
pub(super) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A value for a URL's query string.
fn enc(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// `lang="…"` (and `dir="rtl"` for Arabic) for text in language `code`.
fn lang_attrs(code: &str) -> String {
    let dir = if code == "ar" { " dir=\"rtl\"" } else { "" };
    format!("lang=\"{}\"{dir}", esc(code))
}

/// A language's own name (`中文`, `English`), or its code.
fn language_name(code: &str) -> String {
    Language::from_code(code).map_or_else(|| code.to_owned(), |l| l.native_name().to_owned())
}

/// A whole page: the layout around `main`, with `title` (escaped here).
fn page(status: StatusCode, title: &str, main: &str) -> Response {
    let (head, tail) = LAYOUT
        .split_once("{{main}}")
        .expect("the layout has a {{main}}");
    let html = format!("{}{main}{tail}", head.replace("{{title}}", &esc(title)));
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        html,
    )
        .into_response()
}

/// A page that says what went wrong.
pub(super) fn error_page(status: StatusCode, message: &str) -> Response {
    let title = status.canonical_reason().unwrap_or("Error");
    let main = format!(
        "<h1>{}</h1>\n<p class=\"error\" role=\"alert\">{}</p>\n<p><a href=\"/\">Search</a> · <a href=\"/documents\">Documents</a></p>\n",
        esc(title),
        esc(message)
    );
    page(status, title, &main)
}

fn failed(failure: Failure) -> Response {
    error_page(failure.status, &failure.message)
}

/// An asset compiled into the binary.
fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

pub(super) async fn style() -> Response {
    asset("text/css; charset=utf-8", STYLE)
}

pub(super) async fn script() -> Response {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

/// `/`: the search page; its script reads the query string, runs the search and
/// keeps the query string up to date as the user types.
pub(super) async fn search() -> Response {
    page(StatusCode::OK, "Search", SEARCH)
}

/// A copy button for `text` (the script makes it work).
fn copy_button(text: &str) -> String {
    format!(
        "<button type=\"button\" class=\"copy\" data-copy=\"{}\" aria-label=\"Copy the citation {}\">Copy</button>",
        esc(text),
        esc(text)
    )
}

/// A paragraph's heading, text and the footnotes it cites.
fn paragraph_body(out: &mut String, doc: &Document, p: &Paragraph) {
    if let Some(heading) = &p.heading {
        let _ = writeln!(out, "<h3 class=\"heading\">{}</h3>", esc(heading));
    }
    let _ = writeln!(out, "<div class=\"text\">{}</div>", esc(&p.text));
    let notes: Vec<_> = p
        .footnotes
        .iter()
        .filter_map(|n| doc.footnote(*n))
        .collect();
    if !notes.is_empty() {
        out.push_str("<ol class=\"notes\" aria-label=\"Footnotes\">\n");
        for note in notes {
            let _ = writeln!(
                out,
                "<li value=\"{}\">{}</li>",
                note.number,
                esc(&note.text)
            );
        }
        out.push_str("</ol>\n");
    }
}

fn unit_url(doc: &str, r: &str) -> String {
    format!("/unit?doc={}&amp;ref={}", esc(&enc(doc)), esc(&enc(r)))
}

fn doc_url(doc: &str, language: Option<&str>) -> String {
    match language {
        Some(l) => format!("/doc?id={}&amp;lang={}", esc(&enc(doc)), esc(&enc(l))),
        None => format!("/doc?id={}", esc(&enc(doc))),
    }
}

/// `/api/export` for every unit of `doc` in `languages` (the first the source), as
/// an attribute value.
fn export_url(doc: &str, languages: &[String], format: &str) -> String {
    format!(
        "/api/export?doc={}&amp;lang={}&amp;format={}",
        esc(&enc(doc)),
        esc(&enc(&languages.join(","))),
        esc(&enc(format))
    )
}

/// `/unit?doc=&ref=&lang=`: the unit in every language the index holds, side by
/// side, with its footnotes; then its trace (in `lang`, by default the first
/// language): the wording's history in date order, each step's word diff, and the
/// paragraphs elsewhere with the same or nearly the same wording.
pub(super) async fn unit(State(app): State<App>, RawQuery(query): RawQuery) -> Response {
    let p = Params::lenient(query.as_deref());
    let asked = (|| {
        Ok((
            p.required("doc", "a document's id or symbol")?,
            p.required("ref", "the unit, e.g. ref=16 or ref=art.+IV")?,
            p.one("lang")?,
        ))
    })();
    let (doc, r, lang) = match asked {
        Ok(asked) => asked,
        Err(failure) => return failed(failure),
    };
    let answer = blocking(&app, move |engine| {
        let shown = engine.show(&doc, Some(&r), Some("all"))?;
        // The trace is of one unit: the first ref the label names.
        let first = shown.refs.as_ref().and_then(|refs| refs.first()).cloned();
        let trace = first.map(|first| {
            engine
                .trace(&shown.symbol, &first, lang.as_deref(), SIMILAR_SHOWN)
                .map_err(Failure::from)
        });
        Ok((shown, trace))
    })
    .await;
    match answer {
        Ok((shown, trace)) => {
            let (title, main) = unit_page(&shown, trace);
            page(StatusCode::OK, &title, &main)
        }
        Err(failure) => failed(failure),
    }
}

fn unit_page(shown: &Shown, trace: Option<Result<Trace, Failure>>) -> (String, String) {
    let refs = super::api::parallel_refs(shown);
    let versions = super::api::versions(shown);
    let primary = &shown.documents[0];
    let first_cite = refs
        .first()
        .and_then(|r| {
            shown.documents.iter().find_map(|d| {
                d.paragraphs
                    .iter()
                    .find(|p| &p.r#ref == r)
                    .map(|p| (d, crate::model::citation::of_paragraph(d, p)))
            })
        })
        .map_or_else(|| shown.symbol.clone(), |(_, c)| c);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<nav class=\"crumbs\" aria-label=\"Where you are\"><a href=\"/documents\">Documents</a> › <a href=\"{}\" {}>{}</a></nav>",
        doc_url(&shown.symbol, None),
        lang_attrs(&primary.language),
        esc(&primary.title)
    );
    let _ = writeln!(
        out,
        "<h1 {}>{}</h1>",
        lang_attrs(&primary.language),
        esc(&first_cite)
    );
    out.push_str("<section class=\"columns\" aria-label=\"The unit in every language\">\n");
    for version in &versions {
        let _ = writeln!(
            out,
            "<article class=\"version\" {}>\n<h2 class=\"language\">{} <span class=\"code\">{}</span></h2>",
            lang_attrs(version.language),
            esc(&language_name(version.language)),
            esc(version.language)
        );
        let Some(doc) = version.document else {
            let _ = writeln!(
                out,
                "<p class=\"missing\" lang=\"en\">No {} text of this document in the index.</p>\n</article>",
                esc(version.language)
            );
            continue;
        };
        for r in &refs {
            let found: Vec<&Paragraph> = doc.paragraphs.iter().filter(|p| &p.r#ref == r).collect();
            if found.is_empty() {
                let _ = writeln!(
                    out,
                    "<p class=\"missing\" lang=\"en\">No {} text of this unit in the index.</p>",
                    esc(version.language)
                );
            }
            for p in found {
                let cite = crate::model::citation::of_paragraph(doc, p);
                let _ = writeln!(
                    out,
                    "<p class=\"cite\"><a href=\"{}#{}\">{}</a> {}</p>",
                    doc_url(&doc.symbol, Some(&doc.language)),
                    esc(&p.r#ref),
                    esc(&cite),
                    copy_button(&cite)
                );
                paragraph_body(&mut out, doc, p);
            }
        }
        out.push_str("</article>\n");
    }
    out.push_str("</section>\n");
    match trace {
        None => {}
        Some(Err(failure)) => {
            let _ = writeln!(
                out,
                "<section class=\"trace\"><h2>History of the wording</h2><p class=\"error\">{}</p></section>",
                esc(&failure.message)
            );
        }
        Some(Ok(trace)) => trace_section(&mut out, shown, &trace),
    }
    (first_cite, out)
}

/// A diff: deleted words in `<del>`, inserted ones in `<ins>`.
fn diff_html(diff: &[Piece]) -> String {
    let mut out = String::new();
    for piece in diff {
        let text = esc(&piece.text);
        match piece.op {
            Op::Equal => out.push_str(&text),
            Op::Insert => {
                let _ = write!(out, "<ins>{text}</ins>");
            }
            Op::Delete => {
                let _ = write!(out, "<del>{text}</del>");
            }
        }
    }
    out
}

fn trace_section(out: &mut String, shown: &Shown, trace: &Trace) {
    let traced = &trace.paragraph;
    out.push_str("<section class=\"trace\" aria-labelledby=\"history\">\n");
    out.push_str("<h2 id=\"history\">History of the wording</h2>\n");
    let others: Vec<String> = shown
        .languages
        .iter()
        .filter(|l| shown.documents.iter().any(|d| &d.language == *l))
        .map(|l| {
            if *l == traced.language {
                format!(
                    "<strong aria-current=\"true\" {}>{}</strong>",
                    lang_attrs(l),
                    esc(&language_name(l))
                )
            } else {
                format!(
                    "<a href=\"{}&amp;lang={}#history\" {}>{}</a>",
                    unit_url(&shown.symbol, &traced.r#ref),
                    esc(&enc(l)),
                    lang_attrs(l),
                    esc(&language_name(l))
                )
            }
        })
        .collect();
    let _ = writeln!(
        out,
        "<p class=\"meta\">Traced from the {} text, through {}; each step compared in {} with the one before, deleted words <del>struck through</del>, new ones <ins>underlined</ins>. Trace from: {}</p>",
        esc(&language_name(&traced.language)),
        esc(&trace.languages.join(", ")),
        esc(&language_name(&trace.history_language)),
        others.join(" · ")
    );
    if trace.history.len() > 1 {
        out.push_str("<ol class=\"history\">\n");
        for step in &trace.history {
            let u = &step.unit;
            let when = if u.date.is_empty() {
                "undated"
            } else {
                &u.date
            };
            let what = match step.change {
                Change::First => "first seen".to_owned(),
                Change::Unchanged => "unchanged".to_owned(),
                Change::Changed => {
                    crate::render::changed_phrase(step.changed, &trace.history_language)
                }
            };
            let class = if step.traced { "step traced" } else { "step" };
            let _ = writeln!(
                out,
                "<li class=\"{class}\"><div class=\"when\"><time>{}</time></div><div class=\"what\"><p class=\"cite\"><a href=\"{}\" {}>{}</a> <span class=\"change\">{}{}</span></p>",
                esc(when),
                unit_url(&u.symbol, &u.r#ref),
                lang_attrs(&u.language),
                esc(&u.citation()),
                esc(&what),
                if step.traced { " · this unit" } else { "" }
            );
            match step.change {
                Change::Changed => {
                    let _ = writeln!(
                        out,
                        "<div class=\"diff\" {}>{}</div>",
                        lang_attrs(&u.language),
                        diff_html(&step.diff)
                    );
                }
                Change::First => {
                    let _ = writeln!(
                        out,
                        "<div class=\"diff\" {}>{}</div>",
                        lang_attrs(&u.language),
                        esc(&u.text)
                    );
                }
                Change::Unchanged => {}
            }
            if let Some(other) = &step.counterpart {
                let _ = writeln!(
                    out,
                    "<div class=\"counterpart\" {}>{}</div>",
                    lang_attrs(&other.language),
                    esc(&other.text)
                );
            }
            out.push_str("</div></li>\n");
        }
        out.push_str("</ol>\n");
    } else {
        out.push_str(
            "<p>No other document carries this wording: it has no history in the index.</p>\n",
        );
    }
    if !trace.similar.is_empty() {
        let _ = writeln!(
            out,
            "<h2 id=\"similar\">The same or nearly the same wording elsewhere</h2>\n<p class=\"meta\">{} paragraph{} of other documents, most similar first{}; the diff turns this unit's text into theirs.</p>\n<ol class=\"similar\">",
            trace.total,
            if trace.total == 1 { "" } else { "s" },
            if trace.similar.len() < trace.total {
                format!(" (the first {})", trace.similar.len())
            } else {
                String::new()
            }
        );
        for s in &trace.similar {
            let u = &s.unit;
            let mut facts = Vec::new();
            if !u.date.is_empty() {
                facts.push(u.date.clone());
            }
            facts.push(format!(
                "similarity {:.2}",
                (s.score * 100.0).floor() / 100.0
            ));
            facts.push(if s.changed == 0 {
                "same wording".to_owned()
            } else {
                crate::render::changed_phrase(s.changed, &u.language)
            });
            let _ = writeln!(
                out,
                "<li><p class=\"cite\"><a href=\"{}\" {}>{}</a> <span class=\"change\">{}</span></p><div class=\"diff\" {}>{}</div></li>",
                unit_url(&u.symbol, &u.r#ref),
                lang_attrs(&u.language),
                esc(&u.citation()),
                esc(&facts.join(" · ")),
                lang_attrs(&u.language),
                diff_html(&s.diff)
            );
        }
        out.push_str("</ol>\n");
    }
    out.push_str("</section>\n");
}

/// `/doc?id=&lang=`: the whole document in one language, an anchor per unit (its
/// ref: `/doc?id=A/RES/76/76#operative:16`), each unit with its footnotes; when it
/// is held in several languages, links that download it from `/api/export`.
pub(super) async fn document(State(app): State<App>, RawQuery(query): RawQuery) -> Response {
    let p = Params::lenient(query.as_deref());
    let asked = (|| {
        Ok((
            p.required("id", "a document's id or symbol")?,
            p.one("lang")?,
        ))
    })();
    let (id, lang) = match asked {
        Ok(asked) => asked,
        Err(failure) => return failed(failure),
    };
    // Every language's text is read, so that the page can link to the others.
    let answer = blocking(&app, move |engine| {
        let shown = engine.show(&id, None, Some("all"))?;
        let code = match lang.as_deref() {
            None => shown.documents[0].language.clone(),
            Some(name) => match Language::parse(name) {
                Some(l) => l.code().to_owned(),
                None => {
                    return Err(crate::error::Error::UnknownLanguage {
                        wanted: name.trim().to_owned(),
                        known: shown.languages.clone(),
                    }
                    .into());
                }
            },
        };
        if !shown.documents.iter().any(|d| d.language == code) {
            return Err(crate::error::Error::NotInLanguage {
                document: shown.symbol.clone(),
                language: code,
                available: shown.languages.clone(),
            }
            .into());
        }
        Ok((shown, code))
    })
    .await;
    let (shown, code) = match answer {
        Ok(answer) => answer,
        Err(failure) => return failed(failure),
    };
    let doc = shown
        .documents
        .iter()
        .find(|d| d.language == code)
        .expect("checked above");
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<nav class=\"crumbs\" aria-label=\"Where you are\"><a href=\"/documents\">Documents</a></nav>\n<h1 {}>{}</h1>",
        lang_attrs(&doc.language),
        esc(&doc.title)
    );
    let mut facts = vec![esc(&shown.symbol)];
    if let Some(symbol) = crate::model::catalogue::by_id(&shown.symbol)
        .and_then(|i| i.symbol.clone())
        .or_else(|| crate::model::catalogue::un_symbol(&shown.symbol))
        .filter(|s| *s != shown.symbol)
    {
        facts.push(esc(&symbol));
    }
    facts.extend(
        [doc.date.as_deref(), doc.meeting.as_deref()]
            .into_iter()
            .flatten()
            .map(esc),
    );
    let languages: Vec<String> = shown.documents.iter().map(|d| d.language.clone()).collect();
    let links: Vec<String> = languages
        .iter()
        .map(|l| {
            if *l == doc.language {
                format!(
                    "<strong aria-current=\"page\" {}>{}</strong>",
                    lang_attrs(l),
                    esc(&language_name(l))
                )
            } else {
                format!(
                    "<a href=\"{}\" {}>{}</a>",
                    doc_url(&shown.symbol, Some(l)),
                    lang_attrs(l),
                    esc(&language_name(l))
                )
            }
        })
        .collect();
    let _ = writeln!(
        out,
        "<p class=\"meta\">{}</p>\n<p class=\"meta\">In: {}</p>",
        facts.join(" · "),
        links.join(" · ")
    );
    if languages.len() > 1 {
        // This page's language first: the translation memory's source language.
        let mut order = vec![doc.language.clone()];
        order.extend(languages.iter().filter(|l| **l != doc.language).cloned());
        let _ = writeln!(
            out,
            "<p class=\"meta download\">Download as <a href=\"{}\" type=\"application/x-tmx+xml\">TMX</a> (all languages) · <a href=\"{}\" type=\"text/csv\">CSV</a> — <span {}>{}</span> first, for translation tools</p>",
            export_url(&shown.symbol, &order, "tmx"),
            export_url(&shown.symbol, &order, "csv"),
            lang_attrs(&doc.language),
            esc(&language_name(&doc.language))
        );
    }
    let title_notes: Vec<_> = doc
        .title_footnotes
        .iter()
        .filter_map(|n| doc.footnote(*n))
        .collect();
    if !title_notes.is_empty() {
        out.push_str("<ol class=\"notes\" aria-label=\"Footnotes to the title\">\n");
        for note in title_notes {
            let _ = writeln!(
                out,
                "<li value=\"{}\" {}>{}</li>",
                note.number,
                lang_attrs(&doc.language),
                esc(&note.text)
            );
        }
        out.push_str("</ol>\n");
    }
    for p in &doc.paragraphs {
        let cite = crate::model::citation::of_paragraph(doc, p);
        let _ = writeln!(
            out,
            "<section class=\"unit\" id=\"{}\" {}>\n<p class=\"cite\"><a href=\"#{}\">{}</a> {} <a class=\"more\" href=\"{}\" lang=\"en\">every language · history</a></p>",
            esc(&p.r#ref),
            lang_attrs(&doc.language),
            esc(&p.r#ref),
            esc(&cite),
            copy_button(&cite),
            unit_url(&shown.symbol, &p.r#ref)
        );
        paragraph_body(&mut out, doc, p);
        out.push_str("</section>\n");
    }
    page(StatusCode::OK, &doc.title, &out)
}

/// `/documents?lang=&year=`: every document of the index, with its title (in
/// `lang` when given), kind, date, languages and number of units.
pub(super) async fn documents(State(app): State<App>, RawQuery(query): RawQuery) -> Response {
    let p = Params::lenient(query.as_deref());
    let asked = (|| Ok((p.one("lang")?, p.year()?)))();
    let (lang, year) = match asked {
        Ok(asked) => asked,
        Err(failure) => return failed(failure),
    };
    let wanted = lang.clone();
    let answer = blocking(
        &app,
        move |engine| Ok(engine.list(wanted.as_deref(), year)?),
    )
    .await;
    match answer {
        Ok(list) => page(
            StatusCode::OK,
            "Documents",
            &list_page(&list, lang.as_deref()),
        ),
        Err(failure) => failed(failure),
    }
}

fn list_page(list: &[DocumentInfo], lang: Option<&str>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<h1>Documents</h1>\n<p class=\"meta\">{} document{} in the index. Titles in: {}</p>",
        list.len(),
        if list.len() == 1 { "" } else { "s" },
        std::iter::once(match lang {
            None => "<strong aria-current=\"page\">each one’s first language</strong>".to_owned(),
            Some(_) => "<a href=\"/documents\">each one’s first language</a>".to_owned(),
        })
        .chain(crate::model::language::ALL.iter().map(|l| {
            let code = l.code();
            if lang.and_then(Language::parse) == Some(*l) {
                format!(
                    "<strong aria-current=\"page\" {}>{}</strong>",
                    lang_attrs(code),
                    esc(l.native_name())
                )
            } else {
                format!(
                    "<a href=\"/documents?lang={code}\" {}>{}</a>",
                    lang_attrs(code),
                    esc(l.native_name())
                )
            }
        }))
        .collect::<Vec<_>>()
        .join(" · ")
    );
    out.push_str("<ul class=\"doclist\">\n");
    for d in list {
        let shown_in = lang
            .and_then(Language::parse)
            .map(|l| l.code().to_owned())
            .filter(|c| d.languages.contains(c))
            .or_else(|| d.languages.first().cloned())
            .unwrap_or_default();
        let mut facts = vec![esc(&d.id)];
        if let Some(symbol) = d.symbol.as_ref().filter(|s| **s != d.id) {
            facts.push(esc(symbol));
        }
        facts.push(esc(&d.kind));
        facts.push(esc(d.date.as_deref().unwrap_or("undated")));
        facts.push(format!("{} units", d.units));
        let languages: Vec<String> = d
            .languages
            .iter()
            .map(|l| {
                format!(
                    "<a href=\"{}\" {} title=\"{}\">{}</a>",
                    doc_url(&d.id, Some(l)),
                    lang_attrs(l),
                    esc(&language_name(l)),
                    esc(l)
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "<li><a class=\"title\" href=\"{}\" {}>{}</a>\n<p class=\"meta\">{} <span class=\"langs\">{}</span></p></li>",
            doc_url(&d.id, Some(&shown_in)),
            lang_attrs(&shown_in),
            esc(&d.title),
            facts.join(" · "),
            languages.join(" ")
        );
    }
    out.push_str("</ul>\n");
    out
}
