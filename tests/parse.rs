//! The reader against the real documents: counts, footnote attachment, no text lost,
//! duplicated or polluted by page furniture, the alignment of the Chinese and English
//! A/RES/76/76, and bad input.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{corpus, resolution};
use unspace::analysis::is_cjk;
use unspace::document::{Document, Kind, Paragraph};
use unspace::parse::{Parsed, parse_file, parse_text};

fn read(name: &str) -> Parsed {
    parse_file(&resolution(name)).unwrap_or_else(|e| panic!("{name}: {e:#}"))
}

fn counts(doc: &Document) -> (usize, usize, usize) {
    let count = |k| doc.paragraphs.iter().filter(|p| p.kind == k).count();
    (
        count(Kind::Preamble),
        count(Kind::Operative),
        doc.footnotes.len(),
    )
}

/// Every footnote is cited by some paragraph, every citation names a defined
/// footnote, footnotes are numbered 1..=n, paragraphs are numbered in order.
fn assert_consistent(doc: &Document) {
    let numbers: Vec<u32> = doc.footnotes.iter().map(|f| f.number).collect();
    assert_eq!(
        numbers,
        (1..=numbers.len() as u32).collect::<Vec<_>>(),
        "{}: footnote numbers",
        doc.symbol
    );
    for note in &doc.footnotes {
        assert!(
            doc.paragraphs
                .iter()
                .any(|p| p.footnotes.contains(&note.number)),
            "{}: footnote {} is attached to no paragraph",
            doc.symbol,
            note.number
        );
    }
    for kind in [Kind::Preamble, Kind::Operative] {
        let numbers: Vec<u32> = doc
            .paragraphs
            .iter()
            .filter(|p| p.kind == kind)
            .map(|p| p.number)
            .collect();
        assert_eq!(
            numbers,
            (1..=numbers.len() as u32).collect::<Vec<_>>(),
            "{}: {kind:?} numbering",
            doc.symbol
        );
    }
    for p in &doc.paragraphs {
        for n in &p.footnotes {
            assert!(
                doc.footnote(*n).is_some(),
                "{} {:?} {}: cites undefined footnote {n}",
                doc.symbol,
                p.kind,
                p.number
            );
        }
        assert_no_furniture(&doc.symbol, &p.text);
    }
    for f in &doc.footnotes {
        assert_no_furniture(&doc.symbol, &f.text);
    }
}

fn assert_no_furniture(symbol: &str, text: &str) {
    let furniture = regex::Regex::new(
        r"https?://|_{5,}|\b\d{2}-\d{5}\b|\*\d{5,}\*|(?:^|\s)\d/\d(?:\s|$)|Distr\.: General",
    )
    .unwrap();
    assert!(
        !furniture.is_match(text),
        "{symbol}: page furniture in {text:?}"
    );
    assert!(
        !text.contains(&format!("{symbol} ")) || text.contains(&format!("resolution {symbol}")),
        "{symbol}: running head in {text:?}"
    );
}

#[test]
fn the_chinese_seed_reads_as_15_recitals_45_operative_paragraphs_and_23_footnotes() {
    let parsed = read("A-RES-76-76.zh.txt");
    let doc = &parsed.document;
    assert_eq!(counts(doc), (15, 45, 23));
    assert_eq!(doc.symbol, "A/RES/76/76");
    assert_eq!(doc.language, "zh");
    assert_eq!(doc.title, "和平利用外层空间方面的国际合作");
    assert_eq!(doc.date.as_deref(), Some("2021-12-09"));
    assert_eq!(doc.meeting.as_deref(), Some("第 49 次全体会议"));
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
    assert_consistent(doc);

    // Markers glued to punctuation and words, told apart from real numbers.
    let p = |kind, n| doc.paragraph(kind, n).unwrap();
    assert_eq!(p(Kind::Preamble, 6).footnotes, vec![1]);
    assert!(p(Kind::Preamble, 6).text.ends_with("第四条的重要性，"));
    assert_eq!(p(Kind::Operative, 6).footnotes, vec![10]);
    assert!(
        p(Kind::Operative, 6)
            .text
            .contains("缔约国的会员国考虑依其国内法")
    );
    assert_eq!(p(Kind::Operative, 3).footnotes, vec![7]);
    assert!(
        p(Kind::Operative, 3)
            .text
            .contains("序言和 21 项准则，并根据五年工作计划")
    );
    assert!(p(Kind::Operative, 13).text.contains("阿波罗 11 号探月任务"));
    assert_eq!(p(Kind::Operative, 13).footnotes, Vec::<u32>::new());
    assert_eq!(p(Kind::Operative, 24).footnotes, vec![17]);
    assert!(
        p(Kind::Operative, 24)
            .text
            .contains("提供了咨询支持及其区域支助办事处网络")
    );
    // A paragraph split by a page break, a footnote block and link lines is whole.
    let sixteen = &p(Kind::Operative, 16).text;
    assert!(sixteen.contains(
        "汇编和传播关于空间碎片的数据，并认为应尽可能向科学和技术小组委员会提供这方面的资料"
    ));
    assert!(sixteen.ends_with("以尽量减少空间碎片对未来航天飞行的影响；"));
    // Full-width operative number and full-width digit.
    assert!(
        p(Kind::Operative, 2)
            .text
            .starts_with("同意委员会第六十五届会议")
    );
    assert!(p(Kind::Preamble, 1).text.contains("2011 年４月 7 日"));
    // Footnote text that wraps over several lines is whole, in order.
    let ten = &doc.footnote(10).unwrap().text;
    assert!(ten.starts_with("《关于各国探索和利用包括月球和其他天体在内外层空间活动的原则条约》(联合国，《条约汇编》，第 610 卷"));
    assert!(ten.ends_with("《条约汇编》，第 1363 卷，第 23002 号)。"));
}

/// No text is lost or duplicated: every Chinese character of the file is found once
/// in the title, a paragraph, a footnote or the closing formula.
#[test]
fn the_chinese_seed_loses_and_duplicates_no_character() {
    let text = std::fs::read_to_string(resolution("A-RES-76-76.zh.txt")).unwrap();
    let doc = read("A-RES-76-76.zh.txt").document;
    let tally = |s: &str, t: &mut BTreeMap<char, i64>, sign: i64| {
        for c in s.chars().filter(|c| is_cjk(*c)) {
            *t.entry(c).or_default() += sign;
        }
    };
    let mut t = BTreeMap::new();
    tally(&text, &mut t, 1);
    tally(&doc.title, &mut t, -1);
    tally("大会", &mut t, -1); // the chapeau
    tally("年月日", &mut t, -1); // the date of adoption
    tally(doc.meeting.as_deref().unwrap(), &mut t, -1);
    for p in &doc.paragraphs {
        tally(&p.text, &mut t, -1);
    }
    for f in &doc.footnotes {
        tally(&f.text, &mut t, -1);
    }
    let off: Vec<_> = t.into_iter().filter(|(_, n)| *n != 0).collect();
    assert!(
        off.is_empty(),
        "characters lost (+) or duplicated (-): {off:?}"
    );
}

#[test]
fn the_english_76_76_aligns_with_the_chinese_paragraph_by_paragraph() {
    let zh = read("A-RES-76-76.zh.txt").document;
    let en = read("A-RES-76-76.en.txt");
    assert!(en.warnings.is_empty(), "{:?}", en.warnings);
    let en = en.document;
    assert_eq!(counts(&en), (15, 45, 23));
    assert_eq!(en.symbol, "A/RES/76/76");
    assert_eq!(en.language, "en");
    assert_eq!(
        en.title,
        "International cooperation in the peaceful uses of outer space"
    );
    assert_eq!(en.date.as_deref(), Some("2021-12-09"));
    assert_eq!(en.meeting.as_deref(), Some("49th plenary meeting"));
    assert_consistent(&en);
    assert_eq!(zh.paragraphs.len(), en.paragraphs.len());
    for (a, b) in zh.paragraphs.iter().zip(&en.paragraphs) {
        assert_eq!((a.kind, a.number), (b.kind, b.number));
        assert_eq!(
            a.footnotes, b.footnotes,
            "{:?} {}: footnotes differ between zh and en",
            a.kind, a.number
        );
    }
}

#[test]
fn english_lines_rejoin_across_hyphens_page_breaks_and_footnote_blocks() {
    let en = read("A-RES-76-76.en.txt").document;
    let p = |kind, n| en.paragraph(kind, n).unwrap().text.clone();
    let eleven = p(Kind::Preamble, 11);
    assert!(eleven.contains("use of space-based services"), "{eleven}");
    assert!(
        eleven.contains("facilitating capacity-building and"),
        "{eleven}"
    );
    assert!(
        eleven.contains("impact of disasters, and desirous"),
        "{eleven}"
    );
    let thirteen = p(Kind::Preamble, 13);
    assert!(thirteen.contains("urging the international community to enhance the role of space-based solutions, in particular tele-epidemiology,"), "{thirteen}");
    assert!(p(Kind::Operative, 6).contains(
        "governing the uses of outer space to give consideration to ratifying or acceding"
    ));
    assert!(
        p(Kind::Operative, 15)
            .contains("Guidelines of the Inter-Agency Space Debris Coordination Committee")
    );
    assert!(p(Kind::Operative, 24).contains("since its establishment in 2006 with the valuable"));
    assert!(p(Kind::Preamble, 10).ends_with("the 2030 Agenda for Sustainable Development,"));
    assert!(p(Kind::Operative, 1).starts_with("Endorses the report"));
    assert!(p(Kind::Operative, 45).ends_with("respective regional groups."));
}

#[test]
fn the_other_english_resolutions_read_with_the_counts_their_texts_print() {
    // (file, recitals, operative paragraphs, footnotes), counted in the texts.
    let expected = [
        (
            "A-RES-74-82.en.txt",
            "A/RES/74/82",
            (15, 40, 21),
            "2019-12-13",
        ),
        ("A-RES-75-92.en.txt", "A/RES/75/92", (4, 7, 9), "2020-12-10"),
        (
            "A-RES-78-72.en.txt",
            "A/RES/78/72",
            (16, 46, 32),
            "2023-12-07",
        ),
        (
            "A-RES-76-22.en.txt",
            "A/RES/76/22",
            (21, 9, 4),
            "2021-12-06",
        ),
        (
            "A-RES-76-55.en.txt",
            "A/RES/76/55",
            (17, 12, 9),
            "2021-12-06",
        ),
        (
            "A-RES-76-231.en.txt",
            "A/RES/76/231",
            (19, 9, 4),
            "2021-12-24",
        ),
    ];
    for (file, symbol, count, date) in expected {
        let parsed = read(file);
        let doc = &parsed.document;
        assert_eq!(doc.symbol, symbol);
        assert_eq!(counts(doc), count, "{file}");
        assert_eq!(doc.date.as_deref(), Some(date), "{file}");
        assert!(
            doc.meeting
                .as_deref()
                .is_some_and(|m| m.ends_with("plenary meeting")),
            "{file}"
        );
        assert_consistent(doc);
    }
}

#[test]
fn a_footnote_cited_again_is_attached_to_both_paragraphs() {
    let doc = read("A-RES-74-82.en.txt").document;
    let citing = |n: u32| -> Vec<(Kind, u32)> {
        doc.paragraphs
            .iter()
            .filter(|p| p.footnotes.contains(&n))
            .map(|p| (p.kind, p.number))
            .collect()
    };
    assert_eq!(citing(5), vec![(Kind::Preamble, 15), (Kind::Operative, 1)]);
    assert_eq!(citing(2), vec![(Kind::Preamble, 10), (Kind::Operative, 22)]);
}

#[test]
fn sub_paragraphs_stay_inside_their_operative_paragraph() {
    let doc = read("A-RES-76-231.en.txt").document;
    let five = doc.paragraph(Kind::Operative, 5).unwrap();
    let lines: Vec<&str> = five.text.lines().collect();
    assert_eq!(lines.len(), 5, "{}", five.text);
    assert!(
        lines[0].starts_with("Decides to convene, beginning in 2022, an open-ended working group:")
    );
    for (line, letter) in lines[1..].iter().zip(["(a)", "(b)", "(c)", "(d)"]) {
        assert!(line.starts_with(letter), "{line}");
    }
    assert!(
        doc.paragraph(Kind::Operative, 6)
            .unwrap()
            .text
            .starts_with("Also decides that the open-ended working group")
    );
}

/// Every file of the default corpus (`data/`) is listed in its SHA256SUMS with the
/// sum it has, and is an unedited copy of a file of the source corpus (the same sum
/// as in `tests/corpus/SHA256SUMS`).
#[test]
fn the_default_corpus_is_a_copy_of_the_source_corpus() {
    use std::collections::HashSet;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sums = |path: &Path| -> Vec<(String, String)> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .filter_map(|l| l.split_once("  "))
            .map(|(sum, name)| (sum.to_owned(), name.trim_start_matches("./").to_owned()))
            .collect()
    };
    let source: HashSet<String> = sums(&corpus().join("SHA256SUMS"))
        .into_iter()
        .map(|(sum, _)| sum)
        .collect();
    let listed = sums(&root.join("data/SHA256SUMS"));
    let mut on_disk = 0;
    for entry in walk(&root.join("data")) {
        if entry.extension().is_some_and(|e| e == "txt" || e == "pdf") {
            on_disk += 1;
        }
    }
    assert_eq!(listed.len(), on_disk, "every document of data/ is listed");
    assert!(
        listed.len() >= 100,
        "the default corpus: {} files",
        listed.len()
    );
    for (sum, name) in &listed {
        let bytes = std::fs::read(root.join("data").join(name)).unwrap();
        assert_eq!(
            &sha256_hex(&bytes),
            sum,
            "data/{name} has the sum SHA256SUMS gives"
        );
        assert!(
            source.contains(sum),
            "data/{name} is a copy of a source-corpus file"
        );
    }
    // The seed resolution itself, in both languages.
    for name in ["A-RES-76-76.zh.txt", "A-RES-76-76.en.txt"] {
        let data = std::fs::read(root.join("data/resolutions").join(name)).unwrap();
        let shared = std::fs::read(corpus().join("resolutions").join(name)).unwrap();
        assert!(
            data == shared,
            "data/resolutions/{name} differs from the source corpus"
        );
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// SHA-256 of `bytes`, by the `sha256sum` tool (coreutils), so that the test does
/// not compute the sums the way the files were listed.
fn sha256_hex(bytes: &[u8]) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("sha256sum runs");
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn encodings_decode_to_the_same_document() {
    let text = std::fs::read_to_string(resolution("A-RES-76-76.zh.txt")).unwrap();
    let reference = read("A-RES-76-76.zh.txt").document;
    let dir = tempfile::tempdir().unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(text.as_bytes());
    let (gbk, _, unmappable) = encoding_rs::GB18030.encode(&text);
    assert!(!unmappable);
    for (name, bytes) in [
        ("bom.zh.txt", bom),
        ("utf16.zh.txt", utf16),
        ("gbk.zh.txt", gbk.into_owned()),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let doc = parse_file(&path).unwrap().document;
        assert_eq!(doc.paragraphs, reference.paragraphs, "{name}");
        assert_eq!(doc.footnotes, reference.footnotes, "{name}");
    }
}

#[test]
fn bad_input_is_refused_with_the_file_name_and_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8], &str); 4] = [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n\t\n", "empty"),
        (
            "scan.pdf",
            b"%PDF-1.7\n\x00\x01\x02\xff\xfe binary",
            "damaged or truncated PDF",
        ),
        (
            "latin1.txt",
            b"R\xe9solution adopt\xe9e par l'Assembl\xe9e g\xe9n\xe9rale \xab\xbb",
            "neither UTF-8",
        ),
    ];
    for (name, bytes, reason) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let err = format!("{:#}", parse_file(&path).unwrap_err());
        assert!(err.contains(name) && err.contains(reason), "{name}: {err}");
    }
    assert!(
        format!(
            "{:#}",
            parse_file(&dir.path().join("missing.txt")).unwrap_err()
        )
        .contains("missing.txt")
    );
}

#[test]
fn a_text_that_is_not_a_resolution_is_read_as_plain_paragraphs_with_a_warning() {
    let text = "Notes from the Legal Subcommittee\n\nThe Subcommittee discussed space debris\nand near-Earth objects.\n\nIt agreed to meet again in 2022.\n";
    let parsed = parse_text(text, Path::new("notes.en.txt"));
    let doc = &parsed.document;
    assert!(
        parsed
            .warnings
            .iter()
            .any(|w| w.contains("not recognised as a resolution")),
        "{:?}",
        parsed.warnings
    );
    assert!(doc.paragraphs.iter().all(|p| p.kind == Kind::Paragraph));
    let texts: Vec<&str> = doc.paragraphs.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(
        texts,
        vec![
            "Notes from the Legal Subcommittee",
            "The Subcommittee discussed space debris and near-Earth objects.",
            "It agreed to meet again in 2022."
        ]
    );
    assert_eq!(
        doc.paragraphs.iter().map(|p| p.number).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
}

/// No English word is lost or duplicated: the words of the body of the file, less
/// its page furniture, are the words of the paragraphs, footnotes and closing.
#[test]
fn the_english_76_76_loses_and_duplicates_no_word() {
    let text = std::fs::read_to_string(resolution("A-RES-76-76.en.txt")).unwrap();
    let doc = read("A-RES-76-76.en.txt").document;
    let page_number = regex::Regex::new(r"^\d+/\d+$").unwrap();
    let job_number = regex::Regex::new(r"^\d{2}-\d{5}").unwrap();
    let word = regex::Regex::new(r"[A-Za-z]+").unwrap();
    let mut tally: BTreeMap<String, i64> = BTreeMap::new();
    let body = text.split_once("The General Assembly,").unwrap().1;
    for line in body.lines().map(str::trim) {
        if page_number.is_match(line)
            || job_number.is_match(line)
            || line == doc.symbol
            || line == doc.title
        {
            continue;
        }
        for w in word.find_iter(line) {
            *tally.entry(w.as_str().to_owned()).or_default() += 1;
        }
    }
    let mut take = |s: &str| {
        for w in word.find_iter(s) {
            *tally.entry(w.as_str().to_owned()).or_default() -= 1;
        }
    };
    doc.paragraphs.iter().for_each(|p| take(&p.text));
    doc.footnotes.iter().for_each(|f| take(&f.text));
    take(doc.meeting.as_deref().unwrap());
    take("December"); // the date of adoption
    let off: Vec<_> = tally.into_iter().filter(|(_, n)| *n != 0).collect();
    assert!(off.is_empty(), "words lost (+) or duplicated (-): {off:?}");
}

#[test]
fn a_day_before_a_french_spanish_or_russian_month_is_a_date_not_a_note_marker() {
    // A handbook-style resolution whose heading prints its date: the day must not be
    // taken for the marker of note 1, which the recital cites.
    let cases = [
        (
            "A-RES-80-3.es.txt",
            "Resolución 80/3 de la Asamblea General, de 1 de diciembre de 2025",
            "La Asamblea General,",
            "Recordando el Convenio sobre Registro 1,",
            "Decide seguir examinando la cuestión.",
            "Naciones Unidas, Treaty Series, vol. 1023.",
        ),
        (
            "A-RES-80-4.fr.txt",
            "Résolution 80/4 du 1 décembre 2025",
            "L’Assemblée générale,",
            "Rappelant la Convention sur l’immatriculation 1,",
            "Décide de poursuivre l’examen de la question.",
            "Nations Unies, Recueil des Traités, vol. 1023.",
        ),
        (
            "A-RES-80-5.ru.txt",
            "Резолюция 80/5 от 1 декабря 2025 года",
            "Генеральная Ассамблея,",
            "ссылаясь на Конвенцию о регистрации 1,",
            "постановляет продолжить рассмотрение этого вопроса.",
            "Организация Объединенных Наций, Сборник договоров, т. 1023.",
        ),
    ];
    for (name, heading, chapeau, recital, operative, note) in cases {
        let text = format!(
            "{heading}\nTítulo\n{chapeau}\n{recital}\n1.\n{operative}\n\n__________________\n\n1\n{note}\n\u{c}"
        );
        let parsed = parse_text(&text, Path::new(name));
        let doc = &parsed.document;
        assert_eq!(
            doc.date.as_deref(),
            Some("2025-12-01"),
            "{name}: {:?}",
            parsed.warnings
        );
        let first = &doc.paragraphs[0];
        assert_eq!(first.kind, Kind::Preamble, "{name}");
        assert_eq!(first.footnotes, vec![1], "{name}: {:?}", doc.paragraphs);
        assert_eq!(doc.footnotes.len(), 1, "{name}");
    }
}

#[test]
fn the_newer_english_resolutions_read_with_the_counts_their_texts_print() {
    // (file, symbol, (recitals, operative paragraphs, footnotes), date), counted in the
    // texts: recitals open after a blank line with a capitalised participle, operative
    // numbers run 1..n, footnotes stand under the rules at the page feet.
    let expected = [
        (
            "A-RES-73-91.en.txt",
            "A/RES/73/91",
            (15, 40, 22),
            "2018-12-07",
        ),
        (
            "A-RES-75-36.en.txt",
            "A/RES/75/36",
            (16, 7, 2),
            "2020-12-07",
        ),
        (
            "A-RES-75-37.en.txt",
            "A/RES/75/37",
            (11, 6, 5),
            "2020-12-07",
        ),
        (
            "A-RES-75-69.en.txt",
            "A/RES/75/69",
            (16, 11, 8),
            "2020-12-07",
        ),
        (
            "A-RES-77-41.en.txt",
            "A/RES/77/41",
            (19, 3, 5),
            "2022-12-07",
        ),
    ];
    for (file, symbol, count, date) in expected {
        let doc = read(file).document;
        assert_eq!(doc.symbol, symbol);
        assert_eq!(counts(&doc), count, "{file}");
        assert_eq!(doc.date.as_deref(), Some(date), "{file}");
        assert!(
            doc.paragraphs.iter().all(|p| !p.r#ref.starts_with("annex")),
            "{file}"
        );
        assert_consistent(&doc);
    }
}

#[test]
fn a_footnote_marker_glued_to_a_year_is_taken_out_and_the_year_kept() {
    let doc = read("A-RES-73-91.en.txt").document;
    let p = doc
        .paragraphs
        .iter()
        .find(|p| {
            p.text
                .contains("since its establishment in 2006 with the valuable")
        })
        .expect("the paragraph with `200617`");
    assert!(p.footnotes.contains(&17), "{:?}", p.footnotes);
    assert!(!p.text.contains("200617"));
}

fn refs_of(doc: &Document) -> Vec<&str> {
    doc.paragraphs.iter().map(|p| p.r#ref.as_str()).collect()
}

#[test]
fn a_resolution_that_adopts_a_declaration_has_one_operative_paragraph_and_the_declaration_as_its_annex()
 {
    let parsed = read("A-RES-72-78.en.txt");
    let doc = &parsed.document;
    let own: Vec<&Paragraph> = doc
        .paragraphs
        .iter()
        .filter(|p| !p.r#ref.starts_with("annex/"))
        .collect();
    assert_eq!(own.len(), 1, "{:?}", refs_of(doc));
    assert_eq!(own[0].kind, Kind::Operative);
    assert_eq!(own[0].r#ref, "operative:1");
    assert_eq!(own[0].text, "Adopts the following declaration:");
    // The declaration: its title as the heading, its opening as its preamble, and
    // its own paragraphs numbered 1..18 as printed.
    let first = paragraph_at(doc, "annex/preamble:1").expect("the declaration's opening");
    assert!(
        first
            .text
            .starts_with("We, the States Members of the United Nations")
    );
    assert!(
        first.text.ends_with("Other Celestial Bodies,"),
        "{}",
        first.text
    );
    assert_eq!(first.footnotes, vec![1]);
    assert!(first.heading.as_deref().is_some_and(|h| h.starts_with(
        "Declaration on the fiftieth anniversary of the Treaty on Principles Governing"
    ) && h.ends_with("Other Celestial Bodies")));
    let numbered: Vec<String> = (1..=18).map(|n| format!("annex/para:{n}")).collect();
    assert_eq!(
        refs_of(doc)[2..],
        numbered.iter().map(String::as_str).collect::<Vec<_>>()[..]
    );
    assert!(
        paragraph_at(doc, "annex/para:1")
            .unwrap()
            .text
            .starts_with("Reiterate the importance")
    );
    assert!(
        paragraph_at(doc, "annex/para:18")
            .unwrap()
            .text
            .ends_with("with international space law.")
    );
    assert!(doc.paragraphs.iter().all(|p| p.kind != Kind::Preamble));
    assert_eq!(doc.meeting.as_deref(), Some("66th plenary meeting"));
}

#[test]
fn a_resolution_that_adopts_a_document_keeps_its_parts_sections_and_numbered_paragraphs_apart() {
    let doc = read("A-RES-76-3.en.txt").document;
    assert_eq!(counts(&doc), (1, 1, 11));
    assert_eq!(
        paragraph_at(&doc, "operative:1").unwrap().text,
        "Adopts the following document:"
    );
    let at =
        |r: &str| paragraph_at(&doc, r).unwrap_or_else(|| panic!("{r} in {:?}", refs_of(&doc)));
    // Paragraphs 1..30 run on across the parts and sections, which are headings.
    for n in 1..=30 {
        assert_eq!(at(&format!("annex/para:{n}")).kind, Kind::Paragraph);
    }
    let heading = |r: &str| at(r).heading.clone().unwrap_or_default();
    assert!(heading("annex/para:1").ends_with("Part A. Agenda — I. Introduction"));
    assert_eq!(heading("annex/para:7"), "II. Strategic vision");
    assert_eq!(heading("annex/para:19"), "III. Objectives");
    assert_eq!(heading("annex/para:20"), "Part B. Implementation plan");
    assert_eq!(heading("annex/para:21"), "I. Partnerships");
    assert_eq!(heading("annex/para:30"), "IV. Review of progress");
    // The decimal objectives under their headings, out of paragraph 19.
    let objectives = doc
        .paragraphs
        .iter()
        .filter(|p| p.r#ref.contains('.'))
        .count();
    assert_eq!(objectives, 8 + 8 + 10 + 10);
    assert!(
        heading("annex/para:2.1").starts_with("Overarching objective 2: Harness the potential")
    );
    assert!(
        at("annex/para:19")
            .text
            .ends_with("complementary and mutually reinforcing.")
    );
    assert!(
        at("annex/para:4.10")
            .text
            .ends_with("for sustainable development.")
    );
    // No heading glued to the end of the paragraph before it.
    assert!(
        at("annex/para:6")
            .text
            .ends_with("consistent with international law.")
    );
    assert!(
        at("annex/para:18")
            .text
            .ends_with("to everyone, everywhere.")
    );
    for p in &doc.paragraphs {
        for h in [
            "Strategic vision",
            "Implementation plan",
            "Review of progress",
            "Overarching objective",
        ] {
            assert!(
                !p.text.contains(h),
                "{} holds the heading {h}: {}",
                p.r#ref,
                p.text
            );
        }
    }
    // The (a)–(i) items stay inside their paragraph, with the notes they cite.
    let tools = at("annex/para:24");
    assert_eq!(tools.text.lines().filter(|l| l.starts_with('(')).count(), 9);
    assert_eq!(tools.footnotes, vec![4, 5, 6, 7, 8]);
    assert_consistent(&doc);
}

#[test]
fn a_resolution_with_an_annex_of_headed_guidelines_reads_the_annex_as_units_of_its_own() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/annex/A-RES-99-112.en.txt");
    let parsed = parse_file(&path).unwrap();
    let doc = &parsed.document;
    // The number alone on its line above the title.
    assert_eq!(doc.symbol, "A/RES/99/112");
    assert_eq!(doc.title, "Protection of the atmosphere");
    assert_eq!(doc.date.as_deref(), Some("2021-12-09"));
    assert_eq!(doc.meeting.as_deref(), Some("49th plenary meeting"));
    assert_eq!(counts(doc), (3, 3, 2));
    assert!(
        doc.paragraphs[0]
            .text
            .starts_with("Having considered chapter IV")
    );
    assert!(
        paragraph_at(doc, "operative:3")
            .unwrap()
            .text
            .ends_with("the practice of States.")
    );
    // The running title stays out of the footnotes.
    assert!(
        doc.footnotes
            .iter()
            .all(|f| !f.text.contains("Protection of the atmosphere"))
    );
    let annex: Vec<&str> = refs_of(doc)
        .into_iter()
        .filter(|r| r.starts_with("annex/"))
        .collect();
    let mut expected: Vec<String> = (1..=8).map(|n| format!("annex/preamble:{n}")).collect();
    for (g, paras) in [1, 4, 1, 1, 2, 1, 1, 3, 3, 2, 1, 1].into_iter().enumerate() {
        let g = g + 1;
        if paras == 1 {
            expected.push(format!("annex/guideline:{g}"));
        } else {
            expected.extend((1..=paras).map(|p| format!("annex/guideline:{g}/para:{p}")));
        }
    }
    assert_eq!(
        annex,
        expected.iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert_eq!(annex.len(), 29);
    let at = |r: &str| paragraph_at(doc, r).unwrap();
    assert_eq!(
        at("annex/preamble:1").heading.as_deref(),
        Some("Protection of the atmosphere — Preamble")
    );
    assert!(
        at("annex/preamble:7")
            .text
            .ends_with("quality of the atmosphere,")
    );
    assert_eq!(at("annex/preamble:7").footnotes, vec![2]);
    assert!(
        at("annex/preamble:8")
            .text
            .starts_with("Recalling that the present guidelines")
    );
    // Headings as headings, each guideline's label kept for its citation.
    let terms = at("annex/guideline:1");
    assert_eq!(terms.heading.as_deref(), Some("Use of terms"));
    assert_eq!(terms.label.as_deref(), Some("Guideline 1"));
    assert!(
        terms
            .text
            .starts_with("For the purposes of the present guidelines:\n(a) “atmosphere” means")
    );
    assert_eq!(terms.text.lines().count(), 4);
    assert_eq!(
        at("annex/guideline:2/para:1").heading.as_deref(),
        Some("Scope")
    );
    assert_eq!(at("annex/guideline:2/para:2").heading, None);
    // Notes cited again pages later, glued to a word and to a year.
    let again = at("annex/guideline:8/para:3");
    assert!(
        again
            .text
            .ends_with("as the Commission and the Convention of 1979 recall."),
        "{}",
        again.text
    );
    assert_eq!(again.footnotes, vec![1, 2]);
    assert_eq!(
        at("annex/guideline:12").heading.as_deref(),
        Some("Dispute settlement")
    );
    assert!(
        at("annex/guideline:12")
            .text
            .starts_with("Disputes between States")
    );
    for p in &doc.paragraphs {
        assert!(
            !p.text.contains("plenary meeting") && !p.text.contains("Guideline "),
            "{}",
            p.r#ref
        );
    }
    assert_eq!(
        unspace::model::citation::of_paragraph(doc, at("annex/guideline:9/para:2")),
        "resolution 99/112, annex, guideline 9, para. 2"
    );
    assert_consistent(doc);
}

/// The unit whose ref is exactly `r`.
fn paragraph_at<'a>(doc: &'a Document, r: &str) -> Option<&'a Paragraph> {
    doc.paragraphs.iter().find(|p| p.r#ref == r)
}
