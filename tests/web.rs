//! The web face: the real binary's `serve`, started on a free port in a workspace of
//! its own and driven over HTTP/1.1 (a few lines of client below, no dependency):
//! the API answers with the command line's JSON; bad requests get 400 or 404 with a
//! JSON error, never a 5xx; no path of the file system is served; document text is
//! escaped in the pages; searches keep answering while a document is added, which
//! becomes searchable. The server is killed at the end of each test, failed or not.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use common::{Workspace, corpus, resolution, stderr, stdout};

/// How long the first build of a test's index may take (a debug build, a busy
/// machine): a hang is a failure, not a stuck test run.
const READY: Duration = Duration::from_secs(300);

/// `unspace serve` running; killed when dropped.
struct Server {
    child: Child,
    /// `127.0.0.1:PORT`, as printed.
    addr: String,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `unspace serve --addr ADDR` in the workspace and reads the URL it
    /// prints.
    fn start(ws: &Workspace, addr: &str) -> Server {
        let log = ws.dir.path().join("serve.log");
        let mut child = ws
            .command(&["serve", "--addr", addr])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("start unspace serve");
        let out = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(out);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = tx.send(line);
            // Whatever else comes is read, so that the server never writes to a
            // closed pipe.
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        let mut server = Server {
            child,
            addr: String::new(),
            log,
        };
        let line = rx
            .recv_timeout(READY)
            .unwrap_or_else(|_| panic!("serve printed no URL: {}", server.log()));
        server.addr = line
            .trim()
            .strip_prefix("http://")
            .and_then(|rest| rest.strip_suffix('/'))
            .unwrap_or_else(|| panic!("serve printed `{line}`, not its URL: {}", server.log()))
            .to_owned();
        assert!(
            !server.addr.ends_with(":0"),
            "the URL names the port bound: {line}"
        );
        server
    }

    /// Starts the server on a free loopback port and waits for its index.
    fn ready(ws: &Workspace) -> Server {
        let server = Server::start(ws, "127.0.0.1:0");
        server.wait_for_index();
        server
    }

    fn wait_for_index(&self) {
        let started = Instant::now();
        loop {
            let r = self.get("/api/documents");
            match r.status {
                200 => return,
                503 => {}
                other => panic!("/api/documents: {other} {}", r.text()),
            }
            assert!(
                started.elapsed() < READY,
                "no index after {READY:?}: {}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn get(&self, target: &str) -> Reply {
        self.send(
            format!(
                "GET {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                self.addr
            )
            .as_bytes(),
        )
    }

    /// Sends raw bytes and reads the reply to the end.
    fn send(&self, request: &[u8]) -> Reply {
        let mut stream = TcpStream::connect(&self.addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(120)))
            .unwrap();
        stream.write_all(request).expect("send");
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).expect("read the reply");
        Reply::parse(&bytes)
    }

    /// A JSON answer that must be 200.
    fn json(&self, target: &str) -> Value {
        let r = self.get(target);
        assert_eq!(r.status, 200, "{target}: {}", r.text());
        assert_eq!(
            r.header("content-type"),
            Some("application/json; charset=utf-8"),
            "{target}"
        );
        serde_json::from_slice(&r.body).unwrap_or_else(|e| panic!("{target}: {e}"))
    }
}

/// An HTTP reply.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn parse(bytes: &[u8]) -> Reply {
        let end = bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no header in {:?}", String::from_utf8_lossy(bytes)));
        let head = std::str::from_utf8(&bytes[..end]).expect("ASCII header");
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .expect("status line");
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let mut body = bytes[end + 4..].to_vec();
        if headers
            .iter()
            .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"))
        {
            body = dechunk(&body);
        }
        Reply {
            status,
            headers,
            body,
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The `error` of a JSON error body (which must be one).
    fn error(&self) -> String {
        assert_eq!(
            self.header("content-type"),
            Some("application/json; charset=utf-8"),
            "{}",
            self.text()
        );
        let v: Value = serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()));
        let message = v["error"].as_str().expect("an error message").to_owned();
        assert!(!message.is_empty());
        message
    }
}

fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size");
        let size = usize::from_str_radix(
            std::str::from_utf8(&rest[..line])
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .trim(),
            16,
        )
        .expect("hex size");
        rest = &rest[line + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}

/// A value for a query string, percent-encoded.
fn enc(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A workspace with resolution 76/76 in Chinese and English, two resolutions that
/// repeat its wording, and the Outer Space Treaty in Chinese and English.
fn workspace() -> Workspace {
    let ws = Workspace::with_resolutions(&[
        "A-RES-76-76.zh.txt",
        "A-RES-76-76.en.txt",
        "A-RES-73-91.en.txt",
        "A-RES-78-72.en.txt",
    ]);
    let instruments = corpus().join("handbook/instruments");
    for name in ["outer-space-treaty.zh.txt", "outer-space-treaty.en.txt"] {
        ws.copy(&instruments.join(name), name);
    }
    ws
}

/// The command line's JSON for `args` (exit 0, or 1 for nothing found).
fn cli_json(ws: &Workspace, args: &[&str]) -> Value {
    let out = ws.run(args);
    let code = out.status.code();
    assert!(
        code == Some(0) || code == Some(1),
        "{args:?}: exit {code:?}: {}",
        stderr(&out)
    );
    serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

#[test]
fn the_api_answers_with_the_command_lines_json() {
    let ws = workspace();
    let server = Server::ready(&ws);
    let cases: &[(&[&str], String)] = &[
        (
            &["search", "空间碎片", "--json", "--no-refresh"],
            format!("/api/search?q={}", enc("空间碎片")),
        ),
        (
            &[
                "search",
                "space debris",
                "--lang",
                "en",
                "--limit",
                "3",
                "--parallel",
                "all",
                "--json",
                "--no-refresh",
            ],
            "/api/search?q=space+debris&lang=en&limit=3&parallel=all".to_owned(),
        ),
        (
            &[
                "search",
                "outer space",
                "--kind",
                "article",
                "--kind",
                "preamble",
                "--limit",
                "50",
                "--json",
                "--no-refresh",
            ],
            "/api/search?q=outer%20space&kind=article&kind=preamble&limit=50".to_owned(),
        ),
        (
            &[
                "search",
                "space debris",
                "--doc",
                "A/RES/76/76",
                "--year",
                "2021",
                "--json",
                "--no-refresh",
            ],
            format!(
                "/api/search?q=space+debris&doc={}&year=2021",
                enc("A/RES/76/76")
            ),
        ),
        (
            &[
                "search",
                "nothing-like-this-anywhere",
                "--json",
                "--no-refresh",
            ],
            "/api/search?q=nothing-like-this-anywhere".to_owned(),
        ),
        (
            &["show", "A/RES/76/76", "16", "--json"],
            format!("/api/show?doc={}&ref=16", enc("A/RES/76/76")),
        ),
        (
            &["show", "A/RES/76/76", "16", "--lang", "all", "--json"],
            format!("/api/show?doc={}&ref=16&lang=all", enc("A/RES/76/76")),
        ),
        (
            &[
                "show",
                "outer-space-treaty",
                "art. IV",
                "--lang",
                "zh,en",
                "--json",
            ],
            format!(
                "/api/show?doc=outer-space-treaty&ref={}&lang={}",
                enc("art. IV"),
                enc("zh,en")
            ),
        ),
        (
            &["show", "A/RES/76/76", "--lang", "en", "--json"],
            format!("/api/show?doc={}&lang=en", enc("A/RES/76/76")),
        ),
        (
            &["show", "outer-space-treaty", "--lang", "all", "--json"],
            "/api/show?doc=outer-space-treaty&lang=all".to_owned(),
        ),
        (
            &["trace", "A/RES/76/76", "16", "--json"],
            format!("/api/trace?doc={}&ref=16", enc("A/RES/76/76")),
        ),
        (
            &[
                "trace",
                "A/RES/76/76",
                "16",
                "--lang",
                "en",
                "-n",
                "1",
                "--json",
            ],
            format!(
                "/api/trace?doc={}&ref=16&lang=en&limit=1",
                enc("A/RES/76/76")
            ),
        ),
        (
            &["list", "--json", "--no-refresh"],
            "/api/documents".to_owned(),
        ),
        (
            &[
                "list",
                "--lang",
                "en",
                "--year",
                "2021",
                "--json",
                "--no-refresh",
            ],
            "/api/documents?lang=en&year=2021".to_owned(),
        ),
    ];
    for (args, target) in cases {
        let cli = cli_json(&ws, args);
        let web = server.json(target);
        assert_eq!(web, cli, "{target} answers as unspace {args:?}");
    }

    // Every hit carries its citation, date and both kinds of highlight.
    let v = server.json(&format!("/api/search?q={}&limit=3", enc("空间碎片")));
    assert!(v["total"].as_u64().unwrap() >= 3, "{v}");
    for hit in v["hits"].as_array().unwrap() {
        assert!(hit["citation"].as_str().unwrap().contains("76/76"), "{hit}");
        assert!(hit["date"].is_string(), "{hit}");
        assert!(!hit["highlights"].as_array().unwrap().is_empty(), "{hit}");
        assert!(
            !hit["highlights_chars"].as_array().unwrap().is_empty(),
            "{hit}"
        );
    }
    // The trace holds the history, in date order.
    let t = server.json(&format!("/api/trace?doc={}&ref=16", enc("A/RES/76/76")));
    let dates: Vec<&str> = t["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["date"].as_str().unwrap())
        .collect();
    assert!(dates.len() >= 3, "{t}");
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
}

#[test]
fn bad_requests_get_a_json_error_and_no_file_is_ever_served() {
    let ws = workspace();
    let server = Server::ready(&ws);
    let res = enc("A/RES/76/76");
    let long = "x".repeat(1001);
    let bad = [
        "/api/search".to_owned(),
        "/api/search?q=".to_owned(),
        "/api/search?q=%22unclosed".to_owned(),
        "/api/search?q=debris+OR".to_owned(),
        "/api/search?q=debris&lang=xx".to_owned(),
        "/api/search?q=debris&parallel=klingon".to_owned(),
        "/api/search?q=debris&limit=501".to_owned(),
        "/api/search?q=debris&limit=ten".to_owned(),
        "/api/search?q=debris&limit=-1".to_owned(),
        format!("/api/search?q={long}"),
        "/api/search?q=debris&kind=chapter".to_owned(),
        "/api/search?q=debris&year=later".to_owned(),
        "/api/search?q=debris&year=1066".to_owned(),
        "/api/search?q=debris&q=space".to_owned(),
        "/api/search?q=debris&colour=red".to_owned(),
        format!("/api/show?doc={res}&lang=xx"),
        format!("/api/show?doc={res}&ref=%3F%3F"),
        "/api/show".to_owned(),
        format!("/api/trace?doc={res}"),
        format!("/api/trace?doc={res}&ref=16&limit=100000"),
        "/api/documents?lang=xx".to_owned(),
        "/api/documents?year=soon".to_owned(),
    ];
    for target in &bad {
        let r = server.get(target);
        assert_eq!(r.status, 400, "{target}: {}", r.text());
        r.error();
    }
    let missing = [
        "/api/show?doc=A%2FRES%2F1%2F1".to_owned(),
        format!("/api/show?doc={res}&ref=99"),
        format!("/api/show?doc={res}&lang=fr"),
        "/api/trace?doc=nothing&ref=1".to_owned(),
        format!("/api/trace?doc={res}&ref=99"),
        "/api/nothing".to_owned(),
        "/api/".to_owned(),
    ];
    for target in &missing {
        let r = server.get(target);
        assert_eq!(r.status, 404, "{target}: {}", r.text());
        r.error();
    }
    // The unknown document's error says which documents there are.
    let r = server.get("/api/show?doc=A%2FRES%2F1%2F1");
    assert!(r.error().contains("A/RES/76/76"), "{}", r.text());

    // Nothing of the file system: every path outside the pages, the assets and the
    // API is a 404, however it is spelled.
    let secret = ws.dir.path().join("data").join("secret.txt");
    std::fs::write(&secret, "root:x:0:0 [package]").unwrap();
    for target in [
        "/../etc/passwd",
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc%2fpasswd",
        "/assets/../Cargo.toml",
        "/assets/..%2f..%2fCargo.toml",
        "/assets/%2e%2e/%2e%2e/Cargo.toml",
        "/assets/",
        "/assets/app.js/../../Cargo.toml",
        "//etc/passwd",
        "/etc/passwd",
        "/Cargo.toml",
        "/src/web/mod.rs",
        "/data/secret.txt",
        "/secret.txt",
        "/index",
        "/api/../data/secret.txt",
    ] {
        let r = server.get(target);
        assert_eq!(r.status, 404, "{target}: {}", r.text());
        let body = r.text();
        assert!(
            !body.contains("root:") && !body.contains("[package]"),
            "{target}: {body}"
        );
    }
    // A request target longer than 8 KB is refused.
    let r = server.get(&format!("/api/search?q={}", "x".repeat(9000)));
    assert_eq!(r.status, 414, "{}", r.text());
    r.error();
    // A page of another site, reached through a name rebound to 127.0.0.1.
    let r = server
        .send(b"GET /api/documents HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
    assert_eq!(r.status, 403, "{}", r.text());
    r.error();
    let r =
        server.send(b"GET /api/documents HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    assert_eq!(r.status, 200, "{}", r.text());
    // Other methods, garbage and half a request: never a 5xx, and the server goes on.
    let r = server.send(b"POST /api/search?q=debris HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    assert_eq!(r.status, 405);
    let mut garbage = TcpStream::connect(&server.addr).unwrap();
    garbage
        .write_all(b"\x00\xff GARBAGE / HTTP/9\r\n\r\n")
        .unwrap();
    let mut half = TcpStream::connect(&server.addr).unwrap();
    half.write_all(b"GET /api/search?q=deb").unwrap();
    drop(half);
    let mut sink = Vec::new();
    let _ = garbage.read_to_end(&mut sink);
    assert!(!String::from_utf8_lossy(&sink).starts_with("HTTP/1.1 5"));
    let v = server.json(&format!("/api/search?q={}", enc("空间碎片")));
    assert!(v["total"].as_u64().unwrap() > 0);

    // The pages say what is wrong in a page of their own, with the status.
    let r = server.get("/doc?id=nothing");
    assert_eq!(r.status, 404);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert_eq!(server.get("/unit?doc=A%2FRES%2F76%2F76").status, 400);
    assert_eq!(server.get("/unit?doc=A%2FRES%2F76%2F76&ref=99").status, 404);
    assert_eq!(server.get("/doc?id=A%2FRES%2F76%2F76&lang=fr").status, 404);
    assert_eq!(server.get("/doc?id=A%2FRES%2F76%2F76&lang=xx").status, 400);
    assert_eq!(server.get("/documents?year=soon").status, 400);
    for page in ["/", "/documents", "/assets/style.css", "/assets/app.js"] {
        assert_eq!(server.get(page).status, 200, "{page}");
    }
}

/// A TMX file without its header's `creationdate="…"` (the moment it was written).
fn without_creation_date(tmx: &str) -> String {
    let start = tmx
        .find(" creationdate=\"")
        .unwrap_or_else(|| panic!("no creationdate: {tmx}"));
    let end = start
        + " creationdate=\"".len()
        + tmx[start + " creationdate=\"".len()..]
            .find('"')
            .expect("the date's closing quote")
        + 1;
    format!("{}{}", &tmx[..start], &tmx[end..])
}

#[test]
fn the_export_downloads_what_the_command_line_writes() {
    let ws = workspace();
    let server = Server::ready(&ws);
    let res = enc("A/RES/76/76");
    // (command line, request, content type, file name)
    let cases: &[(&[&str], String, &str, &str)] = &[
        (
            &[
                "--format",
                "tmx",
                "--lang",
                "en,zh",
                "--doc",
                "outer-space-treaty",
            ],
            "/api/export?doc=outer-space-treaty&lang=en,zh&format=tmx".to_owned(),
            "application/x-tmx+xml",
            "unspace-outer-space-treaty-en-zh.tmx",
        ),
        (
            &[
                "--format",
                "csv",
                "--lang",
                "en,zh",
                "--doc",
                "outer-space-treaty",
            ],
            format!(
                "/api/export?doc=outer-space-treaty&lang={}&format=csv",
                enc("en,zh")
            ),
            "text/csv; charset=utf-8",
            "unspace-outer-space-treaty-en-zh.csv",
        ),
        (
            &[
                "--format",
                "jsonl",
                "--lang",
                "zh,en",
                "--doc",
                "A/RES/76/76",
            ],
            format!("/api/export?doc={res}&lang=zh,en&format=jsonl"),
            "application/x-ndjson",
            "unspace-A-RES-76-76-zh-en.jsonl",
        ),
        (
            &[
                "--lang",
                "zh,en",
                "--query",
                "空间碎片",
                "--kind",
                "operative",
                "--kind",
                "preamble",
                "--year",
                "2021",
            ],
            format!(
                "/api/export?lang=zh,en&q={}&kind=operative&kind=preamble&year=2021",
                enc("空间碎片")
            ),
            "application/x-tmx+xml",
            "unspace-search-zh-en.tmx",
        ),
        (
            &["--format", "csv", "--lang", "all", "--kind", "article"],
            "/api/export?lang=all&kind=article&format=csv".to_owned(),
            "text/csv; charset=utf-8",
            "unspace-all-zh-en.csv",
        ),
    ];
    for (args, target, content_type, file) in cases {
        let mut command = vec!["export", "--no-refresh"];
        command.extend_from_slice(args);
        let out = ws.run(&command);
        assert_eq!(out.status.code(), Some(0), "{command:?}: {}", stderr(&out));
        let cli = stdout(&out);
        let r = server.get(target);
        assert_eq!(r.status, 200, "{target}: {}", r.text());
        assert_eq!(r.header("content-type"), Some(*content_type), "{target}");
        assert_eq!(
            r.header("content-disposition"),
            Some(format!("attachment; filename=\"{file}\"").as_str()),
            "{target}"
        );
        let web = String::from_utf8(r.body.clone()).expect("UTF-8");
        assert!(web.lines().count() > 2, "{target}: {web}");
        if content_type.contains("tmx") {
            assert_eq!(
                without_creation_date(&web),
                without_creation_date(&cli),
                "{target} answers as unspace {command:?}"
            );
        } else {
            assert_eq!(web, cli, "{target} answers as unspace {command:?}");
        }
    }
    // The pairs are the texts': OST art. IV in English and Chinese.
    let tmx = server
        .get("/api/export?doc=outer-space-treaty&lang=en,zh")
        .text();
    let article = &tmx[tmx
        .find("tuid=\"outer-space-treaty/article:4\"")
        .expect("art. IV")..];
    let article = &article[..article.find("</tu>").unwrap()];
    assert!(article.contains("nuclear weapons"), "{article}");
    assert!(article.contains("核武器"), "{article}");

    // The document page links to it, and the link works (without a script).
    let page = server.get("/doc?id=outer-space-treaty&lang=en").text();
    for (format, kind) in [
        ("tmx", "application/x-tmx+xml"),
        ("csv", "text/csv; charset=utf-8"),
    ] {
        let href =
            format!("/api/export?doc=outer-space-treaty&amp;lang=en%2Czh&amp;format={format}");
        assert!(page.contains(&format!("href=\"{href}\"")), "{page}");
        let r = server.get(&href.replace("&amp;", "&"));
        assert_eq!(r.status, 200, "{href}: {}", r.text());
        assert_eq!(r.header("content-type"), Some(kind));
    }
    // A document held in one language has nothing to align: no link.
    let page = server
        .get(&format!("/doc?id={}", enc("A/RES/73/91")))
        .text();
    assert!(!page.contains("/api/export?"), "{page}");

    let long = "x".repeat(1001);
    for target in [
        "/api/export".to_owned(),
        "/api/export?format=csv".to_owned(),
        "/api/export?doc=outer-space-treaty&lang=en".to_owned(),
        "/api/export?doc=outer-space-treaty&lang=en,xx".to_owned(),
        "/api/export?doc=outer-space-treaty&lang=klingon,en".to_owned(),
        "/api/export?lang=en,zh&format=pdf".to_owned(),
        "/api/export?lang=en,zh&format=tmx&format=csv".to_owned(),
        "/api/export?lang=en,zh&kind=chapter".to_owned(),
        "/api/export?lang=en,zh&year=soon".to_owned(),
        "/api/export?lang=en,zh&q=%22unclosed".to_owned(),
        format!("/api/export?lang=en,zh&q={long}"),
        "/api/export?lang=en,zh&colour=red".to_owned(),
        format!("/api/export?doc={res}&ref=16&lang=en,zh"),
    ] {
        let r = server.get(&target);
        assert_eq!(r.status, 400, "{target}: {}", r.text());
        r.error();
    }
    for (target, why) in [
        (
            "/api/export?doc=nothing&lang=en,zh".to_owned(),
            "outer-space-treaty",
        ),
        (
            format!("/api/export?doc={}&lang=en,zh", enc("A/RES/73/91")),
            "held in two of en, zh (it is in: en)",
        ),
        ("/api/export?lang=fr,es".to_owned(), "held in two of fr, es"),
        (
            "/api/export?lang=en,zh&q=nothing-like-this-anywhere".to_owned(),
            "the query found nothing",
        ),
        (
            "/api/export?doc=outer-space-treaty&lang=en,zh&year=1999".to_owned(),
            "not of 1999",
        ),
    ] {
        let r = server.get(&target);
        assert_eq!(r.status, 404, "{target}: {}", r.text());
        assert!(r.error().contains(why), "{target}: {}", r.text());
    }
}

#[test]
fn document_text_is_escaped_in_every_page() {
    let ws = Workspace::new();
    ws.copy(&resolution("A-RES-76-76.zh.txt"), "A-RES-76-76.zh.txt");
    let text = std::fs::read_to_string(resolution("A-RES-76-76.en.txt")).unwrap();
    let hostile = text.replacen(
        "Recalling its resolutions 51/122",
        "Recalling <script>alert(1)</script> and <img src=x onerror=alert(2)> its resolutions 51/122",
        1,
    );
    assert_ne!(hostile, text);
    ws.write("A-RES-76-76.en.txt", hostile);
    let server = Server::ready(&ws);

    // The API gives the text as it is (JSON strings are data).
    let v = server.json(&format!(
        "/api/show?doc={}&ref=p1&lang=en",
        enc("A/RES/76/76")
    ));
    assert!(
        v["paragraphs"][0]["text"]
            .as_str()
            .unwrap()
            .contains("<script>alert(1)</script>"),
        "{v}"
    );
    // The pages show it as text.
    for target in [
        format!("/doc?id={}&lang=en", enc("A/RES/76/76")),
        format!("/unit?doc={}&ref=p1", enc("A/RES/76/76")),
        format!("/unit?doc={}&ref=p1&lang=en", enc("A/RES/76/76")),
        format!("/doc?id={}", enc("<script>alert(1)</script>")),
        format!("/unit?doc={}&ref=1", enc("<img src=x onerror=alert(2)>")),
    ] {
        let r = server.get(&target);
        let page = r.text();
        assert!(r.header("content-type").unwrap().starts_with("text/html"));
        assert!(
            !page.contains("<script>alert") && !page.contains("<img"),
            "{target}: {page}"
        );
        assert!(
            page.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                || page.contains("&lt;img src=x onerror=alert(2)&gt;"),
            "{target}: {page}"
        );
        // And the browser is told to run no script but the page's own.
        let policy = r.header("content-security-policy").unwrap();
        assert!(policy.contains("script-src 'self'"), "{policy}");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    }
}

#[test]
fn searches_keep_answering_while_a_document_is_added_which_becomes_searchable() {
    let ws = Workspace::with_resolutions(&["A-RES-76-76.zh.txt", "A-RES-76-76.en.txt"]);
    let server = Server::ready(&ws);
    let added = enc("A/RES/75/92");
    let r = server.get(&format!("/api/search?q=space&doc={added}"));
    assert_eq!(r.status, 404, "not there yet: {}", r.text());
    let queries = [
        enc("空间碎片"),
        "space+debris".to_owned(),
        "outer+space&lang=en&limit=5".to_owned(),
        format!("{}&parallel=all", enc("空间碎片")),
    ];
    let failures: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..8)
            .map(|t| {
                let server = &server;
                let queries = &queries;
                scope.spawn(move || {
                    let mut failures = Vec::new();
                    for i in 0..20 {
                        let target = format!("/api/search?q={}", queries[(t + i) % queries.len()]);
                        let r = server.get(&target);
                        let json = serde_json::from_slice::<Value>(&r.body);
                        let total = json.as_ref().ok().and_then(|v| v["total"].as_u64());
                        if r.status != 200 || total.unwrap_or(0) == 0 {
                            failures.push(format!("{target}: {} {}", r.status, r.text()));
                        }
                    }
                    failures
                })
            })
            .collect();
        // Meanwhile a document arrives, whole (written under a hidden name, then
        // renamed into place, as a download or an editor does).
        std::thread::sleep(Duration::from_millis(200));
        let hidden = ws.data().join(".A-RES-75-92.en.txt.part");
        std::fs::copy(resolution("A-RES-75-92.en.txt"), &hidden).unwrap();
        std::fs::rename(&hidden, ws.data().join("A-RES-75-92.en.txt")).unwrap();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("a worker"))
            .collect()
    });
    assert!(failures.is_empty(), "{failures:#?}\n{}", server.log());

    // The server takes the new document in by itself.
    let started = Instant::now();
    loop {
        let r = server.get(&format!("/api/search?q=space&doc={added}"));
        if r.status == 200 {
            let v: Value = serde_json::from_slice(&r.body).unwrap();
            assert!(v["total"].as_u64().unwrap() > 0, "{v}");
            break;
        }
        assert_eq!(r.status, 404, "{}", r.text());
        assert!(
            started.elapsed() < READY,
            "A/RES/75/92 never became searchable: {}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let list = server.json("/api/documents");
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|d| d["id"] == "A/RES/75/92"),
        "{list}"
    );
    assert!(
        server.log().contains("updating the index"),
        "{}",
        server.log()
    );
}

#[test]
fn the_server_says_where_it_listens_and_warns_off_loopback() {
    let ws = Workspace::with_resolutions(&["A-RES-76-76.zh.txt"]);
    let server = Server::start(&ws, "0.0.0.0:0");
    assert!(
        server.addr.starts_with("127.0.0.1:"),
        "reached through loopback: {}",
        server.addr
    );
    let log = server.log();
    assert!(
        log.contains("warning: listening on 0.0.0.0:") && log.contains("no password"),
        "{log}"
    );
    server.wait_for_index();
    // Bound to every address, it answers whatever host name it is reached by.
    let r = server.send(
        b"GET /api/documents HTTP/1.1\r\nHost: unspace.example:80\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(r.status, 200, "{}", r.text());
    drop(server);

    // On loopback, no warning.
    let server = Server::start(&ws, "127.0.0.1:0");
    server.wait_for_index();
    assert!(
        !server.log().contains("warning: listening"),
        "{}",
        server.log()
    );
    // An address that cannot be listened on is an error, exit 2.
    let out = ws.run(&["serve", "--addr", "not an address"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot listen on not an address"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn while_there_is_no_index_the_api_says_503() {
    // An index folder that cannot be made (its parent is a file): the server runs,
    // says why on stderr, and the API answers 503, never a 5xx page of its own.
    let ws = Workspace::with_resolutions(&["A-RES-76-76.zh.txt"]);
    let blocker = ws.dir.path().join("not-a-folder");
    std::fs::write(&blocker, "").unwrap();
    let index = blocker.join("index");
    let data = ws.data();
    let mut cmd = ws.command(&[
        "--data",
        data.to_str().unwrap(),
        "--index",
        index.to_str().unwrap(),
        "serve",
        "--addr",
        "127.0.0.1:0",
    ]);
    let log = ws.dir.path().join("serve.log");
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let mut server = Server {
        child,
        addr: String::new(),
        log,
    };
    let mut line = String::new();
    BufReader::new(server.child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    server.addr = line
        .trim()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let r = server.get(&format!("/api/search?q={}", enc("空间碎片")));
    assert_eq!(r.status, 503, "{}", r.text());
    assert!(r.error().contains("index"));
    assert_eq!(r.header("retry-after"), Some("2"));
    // The search page itself is served, and says so once its script asks.
    assert_eq!(server.get("/").status, 200);
}
