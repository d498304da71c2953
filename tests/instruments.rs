//! The space-law instruments of the handbook (18 instruments × zh, en, fr, es, ru)
//! read into citable units: the same refs in every language, the counts the texts
//! print, footnotes attached, no page furniture or footnote text in any paragraph,
//! and `show` by article, principle or guideline.

mod common;

use std::path::PathBuf;

use common::{Workspace, corpus, stdout};
use unspace::document::Document;
use unspace::parse::{parse_file, parse_text};

const LANGUAGES: [&str; 5] = ["en", "fr", "es", "ru", "zh"];

fn instruments() -> PathBuf {
    corpus().join("handbook/instruments")
}

fn read(slug: &str, language: &str) -> Document {
    let path = instruments().join(format!("{slug}.{language}.txt"));
    parse_file(&path)
        .unwrap_or_else(|e| panic!("{}: {e:#}", path.display()))
        .document
}

/// The 18 instruments, by the slug of their files.
fn slugs() -> Vec<String> {
    let mut slugs: Vec<String> = std::fs::read_dir(instruments())
        .expect("the instruments folder")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".en.txt").map(str::to_owned))
        .collect();
    slugs.sort();
    assert_eq!(slugs.len(), 18);
    slugs
}

fn refs(doc: &Document) -> Vec<&str> {
    doc.paragraphs.iter().map(|p| p.r#ref.as_str()).collect()
}

/// The labels of the units of one kind (`article` → `1`, `2`, …), in order, once each.
fn labels(doc: &Document, kind: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in &doc.paragraphs {
        for (k, label) in p.ref_segments() {
            if k == kind && out.last().is_none_or(|l| l != label) {
                out.push(label.to_owned());
            }
        }
    }
    out
}

/// All 18, the Safety Framework included: it prints its sections as unnumbered
/// headings in every language, which the reader finds by their shape (long ones
/// too, and ones after a fragment the extractor moved out of its sentence).
#[test]
fn every_instrument_has_the_same_refs_in_all_five_languages() {
    let slugs = slugs();
    assert_eq!(slugs.len(), 18);
    for slug in &slugs {
        let en = read(slug, "en");
        assert!(refs(&en).len() >= 5, "{slug}: {:?}", refs(&en));
        for language in &LANGUAGES[1..] {
            let doc = read(slug, language);
            assert_eq!(refs(&doc), refs(&en), "{slug}.{language}");
        }
    }
}

#[test]
fn instruments_read_with_the_units_their_texts_print() {
    let numbers = |n: u32| (1..=n).map(|i| i.to_string()).collect::<Vec<_>>();
    let expected = [
        ("outer-space-treaty", "article", 17),
        ("rescue-agreement", "article", 10),
        ("liability-convention", "article", 28),
        ("registration-convention", "article", 12),
        ("moon-agreement", "article", 21),
        ("A-RES-41-65", "principle", 15),
        ("A-RES-47-68", "principle", 11),
        // Preface, Introduction and Background, …, Glossary of terms: no printed
        // numbers in any language, so the sections are counted.
        ("nps-safety-framework", "section", 19),
    ];
    let guidelines: Vec<String> = [("A", 5), ("B", 10), ("C", 4), ("D", 2)]
        .iter()
        .flat_map(|&(part, n)| (1..=n).map(move |i| format!("{part}.{i}")))
        .collect();
    assert_eq!(guidelines.len(), 21);
    for language in LANGUAGES {
        for (slug, kind, n) in expected {
            let doc = read(slug, language);
            assert_eq!(labels(&doc, kind), numbers(n), "{slug}.{language}");
        }
        let lts = read("lts-guidelines", language);
        assert_eq!(labels(&lts, "guideline"), guidelines, "lts.{language}");
        assert_eq!(
            read("outer-space-treaty", language).kind.as_str(),
            "treaty",
            "{language}"
        );
    }
}

/// The handbook numbers its footnotes through the whole book, so an instrument has
/// the same notes, by number, in every language: 51/122 its four (14–17), the
/// Safety Framework its four (28–31), though the extractor prints their numbers
/// after their texts, texts run together, markers after a year (`1999 27,`) or
/// before a bracket (`环境30）`).
#[test]
fn footnotes_are_read_and_attached_in_every_language() {
    let numbers = |doc: &Document| doc.footnotes.iter().map(|n| n.number).collect::<Vec<_>>();
    for slug in slugs() {
        let en = read(&slug, "en");
        let en_notes = en.footnotes.len();
        for language in LANGUAGES {
            let doc = read(&slug, language);
            assert_eq!(
                doc.footnotes.is_empty(),
                en_notes == 0,
                "{slug}.{language}: {} notes, en {en_notes}",
                doc.footnotes.len()
            );
            assert_eq!(
                doc.footnotes.len(),
                en_notes,
                "{slug}.{language}: {:?}, en {:?}",
                numbers(&doc),
                numbers(&en)
            );
            assert_eq!(numbers(&doc), numbers(&en), "{slug}.{language}");
            for note in &doc.footnotes {
                let cited = doc.title_footnotes.contains(&note.number)
                    || doc
                        .paragraphs
                        .iter()
                        .any(|p| p.footnotes.contains(&note.number));
                assert!(
                    cited,
                    "{slug}.{language}: note {} cited nowhere",
                    note.number
                );
            }
        }
    }
}

/// Furniture and footnote text that must not reach a paragraph: the book's running
/// heads and job numbers, the page numbers the file prints (`7/85`, or a bare number
/// on a line of its own), control characters, the text of any footnote.
fn assert_clean(name: &str, raw: &str, doc: &Document) {
    let furniture =
        regex::Regex::new(r"ST/SPACE/61|V\.24-\d|[\x00-\x08\x0B-\x1F\u{E000}\u{E001}]").unwrap();
    let page_of_line = regex::Regex::new(r"^\d{1,3}/\d{2,3}$").unwrap();
    let page_of: Vec<&str> = raw
        .lines()
        .map(str::trim)
        .filter(|l| page_of_line.is_match(l))
        .collect();
    for p in &doc.paragraphs {
        let text = format!("{} {}", p.heading.as_deref().unwrap_or(""), p.text);
        assert!(!furniture.is_match(&text), "{name} {}: {text}", p.r#ref);
        for page in &page_of {
            assert!(
                !text.contains(page),
                "{name} {}: page {page} in {text}",
                p.r#ref
            );
        }
        for note in &doc.footnotes {
            // The end of a note (its volume, page, document symbol) is its own.
            let chars: Vec<char> = note.text.chars().collect();
            let end: String = chars[chars.len().saturating_sub(50)..].iter().collect();
            assert!(
                end.chars().count() < 30 || !text.contains(&end),
                "{name} {}: footnote {} in {text}",
                p.r#ref,
                note.number
            );
        }
        for series in [
            "Treaty Series, vol",
            "Recueil des Traités, vol",
            "条约汇编》，第",
        ] {
            assert!(!text.contains(series), "{name} {}: {text}", p.r#ref);
        }
    }
}

#[test]
fn no_paragraph_holds_furniture_or_footnote_text() {
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in ["handbook/instruments", "resolutions"] {
        for entry in std::fs::read_dir(corpus().join(dir)).expect("corpus folder") {
            files.push(entry.expect("a file").path());
        }
    }
    assert!(files.len() >= 98);
    for path in files {
        let raw = std::fs::read_to_string(&path).expect("UTF-8 text");
        let doc = parse_file(&path).expect("parses").document;
        assert_clean(&path.display().to_string(), &raw, &doc);
    }
}

#[test]
fn article_iv_of_the_outer_space_treaty_starts_alike_in_every_language() {
    let starts = [
        (
            "en",
            "States Parties to the Treaty undertake not to place in orbit",
        ),
        (
            "fr",
            "Les États parties au Traité s’engagent à ne mettre sur orbite",
        ),
        (
            "es",
            "Los Estados Partes en el Tratado se comprometen a no colocar",
        ),
        (
            "ru",
            "Государства — участники Договора обязуются не выводить",
        ),
        ("zh", "各缔约国保证：不在绕地球轨道放置任何携带核武器"),
    ];
    for (language, start) in starts {
        let doc = read("outer-space-treaty", language);
        let four = doc.paragraphs_at("article:4");
        assert_eq!(four.len(), 1, "{language}");
        assert!(
            four[0].text.starts_with(start),
            "{language}: {}",
            four[0].text
        );
    }
    // A soft hyphen at a line start no longer splits "weapons".
    let en = read("outer-space-treaty", "en");
    assert!(
        en.paragraphs_at("article:4")[0]
            .text
            .contains("such weapons in outer space")
    );
    assert_eq!(en.title_footnotes.len(), 1);
    let lts = read("lts-guidelines", "en");
    let b8 = lts.paragraphs_at("guideline:B.8");
    assert!(b8[0].r#ref == "guideline:B.8/para:1" && b8[0].heading.is_some());
    assert!(
        b8[0]
            .text
            .starts_with("States and international intergovernmental organizations")
    );
}

#[test]
fn show_finds_units_as_they_are_cited_and_cites_them_as_the_language_prints_them() {
    let ws = Workspace::new();
    for language in ["en", "zh"] {
        let name = format!("outer-space-treaty.{language}.txt");
        ws.copy(&instruments().join(&name), &name);
    }
    ws.copy(
        &instruments().join("lts-guidelines.en.txt"),
        "lts-guidelines.en.txt",
    );
    let show = |args: &[&str]| stdout(&ws.run(args));
    for spec in ["art. 4", "article IV", "Article 4", "article:4"] {
        let out = show(&["show", "outer-space-treaty", spec, "--lang", "en"]);
        assert!(out.contains("Outer Space Treaty, art. IV"), "{spec}: {out}");
    }
    let zh = show(&["show", "outer-space-treaty", "art. 4", "--lang", "zh"]);
    assert!(zh.contains("《外层空间条约》第四条"), "{zh}");
    let para = show(&["show", "outer-space-treaty", "art. 14.2", "--lang", "en"]);
    assert!(para.contains("art. XIV, para. 2"), "{para}");
    let json: serde_json::Value = serde_json::from_str(&show(&[
        "show",
        "lts-guidelines",
        "guideline B.8",
        "--json",
    ]))
    .expect("JSON");
    let first = &json["paragraphs"][0];
    assert_eq!(first["ref"], "guideline:B.8/para:1");
    assert!(
        first["heading"]
            .as_str()
            .is_some_and(|h| h.starts_with("Design and operation"))
    );
    let all: serde_json::Value = serde_json::from_str(&show(&[
        "show",
        "outer-space-treaty",
        "--lang",
        "en",
        "--json",
    ]))
    .expect("JSON");
    for p in all["paragraphs"].as_array().expect("paragraphs") {
        assert!(p["ref"].is_string() && p.get("heading").is_some(), "{p}");
    }
}

/// Text copied out of a PDF by a tool that drops form feeds: the page numbers the
/// book prints alone between blank lines (`66/106`, `67`) still show where pages
/// end, so the same units are read, furniture and footnotes kept out of them.
#[test]
fn instruments_whose_text_lost_its_form_feeds_read_as_with_them() {
    let mut same = 0;
    let mut all = 0;
    for slug in slugs() {
        for language in LANGUAGES {
            let path = instruments().join(format!("{slug}.{language}.txt"));
            let raw = std::fs::read_to_string(&path).expect("UTF-8 text");
            let flat = raw.replace('\u{C}', "");
            let paged = read(&slug, language);
            let doc = parse_text(&flat, &path).document;
            assert_clean(&format!("{slug}.{language} without form feeds"), &raw, &doc);
            all += 1;
            if refs(&doc) == refs(&paged) {
                same += 1;
            }
            // A resolution under the book's dated heading keeps its title and date.
            if slug == "A-RES-68-74" {
                assert_eq!(refs(&doc), refs(&paged), "{slug}.{language}");
                assert_eq!(doc.title, paged.title, "{slug}.{language}");
                assert_eq!(doc.date.as_deref(), Some("2013-12-11"), "{slug}.{language}");
            }
        }
    }
    assert_eq!(all, 90);
    assert!(same >= 85, "{same} of {all} read to the same units");
}

#[test]
fn a_resolution_that_adopts_a_declaration_keeps_its_paragraphs_under_the_operative_one() {
    let text = "The General Assembly\n\nRecalling its resolution entitled\n“Prevention of an arms race in outer space”,\n\n1. Adopts the following declaration:\n\n1. Outer space shall be free for exploration.\n\n2. States shall cooperate.\n";
    let doc = parse_text(text, std::path::Path::new("decl.en.txt")).document;
    let refs = refs(&doc);
    assert_eq!(
        refs,
        [
            "preamble:1",
            "operative:1",
            "operative:1/para:1",
            "operative:1/para:2"
        ],
        "{:?}",
        doc.paragraphs
    );
    assert!(doc.paragraphs[0].text.contains("entitled “Prevention"));
}

#[test]
fn words_split_by_a_stray_space_are_rejoined_where_the_text_is_the_evidence() {
    let cases = [
        ("A-RES-68-74", "ru", "ответствен ности", "ответственности"),
        (
            "outer-space-treaty",
            "es",
            "organizacio nes",
            "organizaciones",
        ),
        ("outer-space-treaty", "fr", "spatia ux", "spatiaux"),
        ("A-RES-37-92", "fr", "l’u tilisation", "l’utilisation"),
    ];
    for (slug, language, split, whole) in cases {
        let doc = read(slug, language);
        let all: String = doc.paragraphs.iter().map(|p| p.text.as_str()).collect();
        assert!(
            !all.contains(split) && all.contains(whole),
            "{slug}.{language}"
        );
    }
}

#[test]
fn odd_paged_texts_read_without_panicking() {
    let texts = [
        "\u{C}\u{C}\u{C}",
        "Article I\n\u{C}Article II\n",
        "1.\n\u{C}a)\n\n2\n__________________\n1\n\n",
        "The General Assembly\n...\n4.\n\u{C}1.\n",
        "准则 A.1\n一.\n\u{C}第一条\n一、\n",
        "Статья Х\n1 1\n\u{C}ST/SPACE/61/Rev.3\n7/85\n",
    ];
    for text in texts {
        let parsed = parse_text(text, std::path::Path::new("odd.en.txt"));
        for p in &parsed.document.paragraphs {
            assert!(!p.r#ref.is_empty(), "{text:?}");
        }
    }
}

const TREATIES: [&str; 5] = [
    "outer-space-treaty",
    "rescue-agreement",
    "liability-convention",
    "registration-convention",
    "moon-agreement",
];

/// A treaty opens with a formula naming its parties and closes its preamble with the
/// formula of agreement: both are units of their own (`chapeau`, `formula`), not
/// recitals, their text kept, in every language; the Outer Space Treaty has the 9
/// recitals it prints; the formulae are cited as what they are, not as the preamble.
#[test]
fn treaty_formulae_are_units_of_their_own_not_recitals() {
    use unspace::document::Kind;
    let parties = [
        ("en", "The States Parties to this Treaty,"),
        ("zh", "本条约缔约国，"),
        ("fr", "Les États parties au présent Traité,"),
        ("es", "Los Estados Partes en este Tratado,"),
        ("ru", "Государства — участники настоящего Договора,"),
    ];
    let agreed = [
        ("en", "Have agreed on the following:"),
        ("zh", "兹议定条款如下："),
        ("fr", "Sont convenus de ce qui suit"),
        ("es", "Han convenido en lo siguiente:"),
        ("ru", "согласились о нижеследующем:"),
    ];
    for slug in TREATIES {
        for language in LANGUAGES {
            let doc = read(slug, language);
            let at = |r: &str| doc.paragraphs.iter().position(|p| p.r#ref == r);
            let first_article = doc
                .paragraphs
                .iter()
                .position(|p| p.r#ref.starts_with("article:"));
            assert_eq!(
                at("chapeau"),
                Some(0),
                "{slug}.{language}: {:?}",
                refs(&doc)
            );
            assert_eq!(
                at("formula").map(|k| k + 1),
                first_article,
                "{slug}.{language}"
            );
            for r in ["chapeau", "formula"] {
                let p = &doc.paragraphs[at(r).unwrap_or_default()];
                assert_ne!(p.kind, Kind::Preamble, "{slug}.{language} {r}");
                let cited = unspace::model::citation::of_paragraph(&doc, p);
                assert!(
                    !["preamb", "преамб", "序言"]
                        .iter()
                        .any(|w| cited.contains(w)),
                    "{slug}.{language}: {cited}"
                );
            }
            let recitals = doc.paragraphs.iter().filter(|p| p.kind == Kind::Preamble);
            if slug == "outer-space-treaty" {
                assert_eq!(recitals.count(), 9, "{language}");
                let text = |r: &str| doc.paragraphs[at(r).unwrap_or_default()].text.clone();
                let wanted = |list: &[(&str, &str)]| {
                    list.iter()
                        .find(|(l, _)| *l == language)
                        .map_or("", |(_, t)| *t)
                        .to_owned()
                };
                assert_eq!(text("chapeau"), wanted(&parties), "{language}");
                assert!(
                    text("formula").starts_with(&wanted(&agreed)),
                    "{language}: {}",
                    text("formula")
                );
            }
        }
    }
    let ws = Workspace::new();
    let name = "outer-space-treaty.ru.txt";
    ws.copy(&instruments().join(name), name);
    let out = stdout(&ws.run(&["show", "outer-space-treaty", "chapeau", "--lang", "ru"]));
    assert!(
        out.contains("Государства — участники настоящего Договора"),
        "{out}"
    );
    assert!(out.contains("вступительная формула"), "{out}");
}

/// A guideline's heading ends where the printed heading ends: the Russian titles of
/// LTS guidelines B.10 and C.1 no longer take the first lines of their text, and no
/// unit of any instrument, in any language, has a text that opens in lower case
/// under a heading (a heading that took its first words).
#[test]
fn a_heading_ends_where_its_text_begins_with_a_capital() {
    let ru = read("lts-guidelines", "ru");
    for (r, end) in [
        (
            "guideline:B.10",
            "проходящего через космическое пространство",
        ),
        (
            "guideline:C.1",
            "долгосрочной устойчивости космической деятельности",
        ),
    ] {
        let p = ru
            .paragraphs
            .iter()
            .find(|p| p.r#ref == r)
            .unwrap_or_else(|| panic!("{r}: {:?}", refs(&ru)));
        let heading = p.heading.as_deref().unwrap_or("");
        assert!(heading.ends_with(end), "{r}: {heading}");
        assert!(
            p.text
                .starts_with("Государствам и международным межправительственным организациям"),
            "{r}: {}",
            p.text
        );
    }
    let mut lower = Vec::new();
    for slug in slugs() {
        for language in LANGUAGES {
            let doc = read(&slug, language);
            for p in &doc.paragraphs {
                if p.heading.is_some() && p.text.starts_with(char::is_lowercase) {
                    lower.push(format!("{slug}.{language} {}: {}", p.r#ref, p.text));
                }
            }
        }
    }
    assert!(lower.is_empty(), "{}", lower.join("\n"));
}

/// The book numbers its notes through all its instruments and prints each once:
/// a later instrument citing an earlier one's note keeps its number in the text,
/// spaced (`космическими объектами 3, от 29 марта`, `célestes 1,`). The number is
/// taken out where the note is printed elsewhere, and cited as a footnote where the
/// document prints the note (the whole book read as one text).
#[test]
fn spaced_markers_of_notes_printed_elsewhere_leave_the_text() {
    let doc = read("registration-convention", "ru");
    let p = doc
        .paragraphs
        .iter()
        .find(|p| p.text.contains("Конвенция о международной ответственности"))
        .expect("the recital that recalls the Liability Convention");
    assert!(
        p.text
            .contains("причиненный космическими объектами, от 29 марта 1972 года"),
        "{}",
        p.text
    );
    for (slug, language, printed) in [
        ("registration-convention", "fr", "atmosphérique 2"),
        ("registration-convention", "es", "Ultraterrestre 2"),
        ("moon-agreement", "ru", "объектами 3"),
        ("A-RES-59-115", "ru", "объектами 3"),
    ] {
        let doc = read(slug, language);
        assert!(
            doc.paragraphs.iter().all(|p| !p.text.contains(printed)),
            "{slug}.{language}: {printed}"
        );
    }
    let path = corpus().join("handbook/ST-SPACE-61-Rev3.ru.txt");
    let book = parse_file(&path).expect("the Russian book").document;
    let p = book
        .paragraphs
        .iter()
        .find(|p| {
            p.text
                .contains("причиненный космическими объектами, от 29 марта 1972 года")
        })
        .expect("the recital, marker taken out");
    assert!(p.footnotes.contains(&3), "{:?}", p.footnotes);
    assert!(book.footnote(3).is_some());
}

/// The handbook's table of contents (entries whose leader dots run to a page number)
/// is not text: no unit of the whole book read as one text holds a contents entry.
#[test]
fn no_unit_holds_a_contents_entry() {
    let leaders = regex::Regex::new(r"(?:\.\s?){4,}\s*(?:\d{1,3}|[ivx]{1,4})?(?:\s|$)").unwrap();
    for language in LANGUAGES {
        let path = corpus().join(format!("handbook/ST-SPACE-61-Rev3.{language}.txt"));
        let book = parse_file(&path).expect("the book").document;
        assert!(book.paragraphs.len() > 300, "{language}");
        for p in &book.paragraphs {
            let all = format!("{} {}", p.heading.as_deref().unwrap_or(""), p.text);
            assert!(!leaders.is_match(&all), "{language} {}: {all}", p.r#ref);
        }
    }
}
