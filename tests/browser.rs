//! The pages in a real browser: Debian's headless Chromium (`chromium`), driven
//! through the DevTools protocol over a pipe (`--remote-debugging-pipe`: JSON
//! messages ended by a NUL byte, commands on file descriptor 3, answers on 4), so
//! that no WebSocket client is needed. A query is typed into the search box and
//! the hits come, marked, with the query in the address and links that export
//! them; a bookmarked search runs on load; the unit page shows the languages side
//! by side (one under the other at phone width) and the history with its diff; the
//! document page links to its export; document text stays text. Screenshots
//! at 1280 and 390 px are written to the test's temporary folder.
//!
//! Chromium is required: without it the test fails, it never skips (`.ci/run`
//! installs it).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use common::{Workspace, corpus, resolution};

/// How long a page may take to reach a state (a debug build, a busy machine): a
/// hang is a failure, not a stuck test run.
const WAIT: Duration = Duration::from_secs(60);

/// The browser, found on PATH.
fn chromium() -> PathBuf {
    for name in ["chromium", "chromium-browser"] {
        for dir in std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()) {
            let path = dir.join(name);
            if path.is_file() {
                return path;
            }
        }
    }
    panic!("the browser test needs Chromium: `apt-get install -y chromium` (.ci/run installs it)");
}

/// `unspace serve` on a free loopback port; killed when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(ws: &Workspace) -> Server {
        let mut child = ws
            .command(&["serve", "--addr", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start unspace serve");
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let mut server = Server {
            child,
            url: String::new(),
        };
        reader.read_line(&mut server.url).expect("the URL");
        std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
        server.url = server.url.trim().trim_end_matches('/').to_owned();
        assert!(
            server.url.starts_with("http://127.0.0.1:"),
            "{}",
            server.url
        );
        // Ready once the index is built.
        let addr = server.url.trim_start_matches("http://").to_owned();
        let started = Instant::now();
        loop {
            let mut stream = TcpStream::connect(&addr).expect("connect");
            write!(
                stream,
                "GET /api/documents HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
            )
            .unwrap();
            let mut reply = String::new();
            let _ = stream.read_to_string(&mut reply);
            if reply.starts_with("HTTP/1.1 200") {
                return server;
            }
            assert!(started.elapsed() < WAIT * 5, "no index: {reply}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// Headless Chromium with one page, driven over the DevTools pipe; killed when
/// dropped.
struct Browser {
    child: Child,
    commands: std::io::PipeWriter,
    answers: Receiver<Value>,
    next: u64,
    session: String,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    fn launch() -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let (command_reader, commands) = std::io::pipe().unwrap();
        let (answer_reader, answer_writer) = std::io::pipe().unwrap();
        let (read_fd, write_fd) = (command_reader.as_raw_fd(), answer_writer.as_raw_fd());
        let mut cmd = Command::new(chromium());
        cmd.args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--remote-debugging-pipe",
            "--hide-scrollbars",
            "--window-size=1280,900",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("about:blank")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        // SAFETY: between fork and exec only async-signal-safe calls (fcntl, dup2)
        // are made, on descriptors that stay open in the parent until spawn returns.
        unsafe {
            cmd.pre_exec(move || {
                // Out of the way first, in case either already is 3 or 4.
                let r = libc::fcntl(read_fd, libc::F_DUPFD, 10);
                let w = libc::fcntl(write_fd, libc::F_DUPFD, 10);
                if r < 0 || w < 0 || libc::dup2(r, 3) < 0 || libc::dup2(w, 4) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("start chromium");
        drop(command_reader);
        drop(answer_writer);
        let (tx, answers) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(answer_reader);
            let mut message = Vec::new();
            while reader.read_until(0, &mut message).is_ok_and(|n| n > 0) {
                if message.last() == Some(&0) {
                    message.pop();
                }
                if let Ok(value) = serde_json::from_slice::<Value>(&message)
                    && tx.send(value).is_err()
                {
                    return;
                }
                message.clear();
            }
        });
        let mut browser = Browser {
            child,
            commands,
            answers,
            next: 0,
            session: String::new(),
            _profile: profile,
        };
        let target = browser.call("Target.createTarget", json!({ "url": "about:blank" }));
        let attached = browser.call(
            "Target.attachToTarget",
            json!({ "targetId": target["targetId"], "flatten": true }),
        );
        browser.session = attached["sessionId"].as_str().unwrap().to_owned();
        browser.page("Page.enable", json!({}));
        browser
    }

    /// Sends a command (to the page's session when `session`) and waits for its
    /// answer.
    fn send(&mut self, method: &str, params: Value, session: bool) -> Value {
        self.next += 1;
        let id = self.next;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if session {
            message["sessionId"] = json!(self.session);
        }
        let mut bytes = serde_json::to_vec(&message).unwrap();
        bytes.push(0);
        self.commands.write_all(&bytes).expect("send to chromium");
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.answers.recv_timeout(left) {
                Ok(answer) if answer["id"] == json!(id) => {
                    if let Some(error) = answer.get("error") {
                        panic!("{method}: {error}");
                    }
                    return answer["result"].clone();
                }
                Ok(_event) => {}
                Err(RecvTimeoutError::Timeout) => panic!("{method}: no answer in {WAIT:?}"),
                Err(RecvTimeoutError::Disconnected) => panic!("{method}: chromium went away"),
            }
        }
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        self.send(method, params, false)
    }

    fn page(&mut self, method: &str, params: Value) -> Value {
        self.send(method, params, true)
    }

    /// The value of a JavaScript expression in the page.
    fn eval(&mut self, expression: &str) -> Value {
        let answer = self.page(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
        );
        if let Some(exception) = answer.get("exceptionDetails") {
            panic!("{expression}: {exception}");
        }
        answer["result"]["value"].clone()
    }

    /// Waits until `expression` is true in the page.
    fn wait_for(&mut self, expression: &str) {
        let started = Instant::now();
        while self.eval(expression) != json!(true) {
            assert!(
                started.elapsed() < WAIT,
                "never true: {expression}\n{}",
                self.eval("document.body ? document.body.innerText : ''")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The viewport's size, as a phone (narrow) or a desktop would have it.
    fn size(&mut self, width: u32, height: u32) {
        self.page(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600 }),
        );
    }

    /// Opens `url` and waits for the page and its script.
    fn open(&mut self, url: &str) {
        self.page("Page.navigate", json!({ "url": url }));
        self.wait_for(&format!(
            "location.href === {} && document.readyState === 'complete'",
            json!(url)
        ));
    }

    /// Types text into the focused element, as a keyboard would.
    fn type_text(&mut self, text: &str) {
        self.page("Input.insertText", json!({ "text": text }));
    }

    fn key(&mut self, key: &str) {
        for kind in ["keyDown", "keyUp"] {
            self.page(
                "Input.dispatchKeyEvent",
                json!({ "type": kind, "key": key, "text": if kind == "keyDown" { key } else { "" } }),
            );
        }
    }

    /// A screenshot of the whole page, as PNG, written to `name`.
    fn screenshot(&mut self, name: &str) -> PathBuf {
        let shot = self.page(
            "Page.captureScreenshot",
            json!({ "format": "png", "captureBeyondViewport": true }),
        );
        let png = base64(shot["data"].as_str().unwrap());
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
        let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
        std::fs::write(&path, png).unwrap();
        eprintln!("screenshot: {}", path.display());
        path
    }
}

fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let digits: Vec<u8> = text.bytes().filter(|&c| c != b'=').map(value).collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &d)| n | u32::from(d) << (18 - 6 * i));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

/// Resolution 76/76 in Chinese and English (the English with a script and an image
/// written into its first recital), two resolutions that repeat its wording, and the
/// Outer Space Treaty.
fn workspace() -> Workspace {
    let ws = Workspace::with_resolutions(&[
        "A-RES-76-76.zh.txt",
        "A-RES-73-91.en.txt",
        "A-RES-78-72.en.txt",
    ]);
    let text = std::fs::read_to_string(resolution("A-RES-76-76.en.txt")).unwrap();
    ws.write(
        "A-RES-76-76.en.txt",
        text.replacen(
            "Recalling its resolutions 51/122",
            "Recalling <script>document.title='pwned'</script> <img src=x onerror=\"document.title='pwned'\"> its resolutions 51/122",
            1,
        ),
    );
    let instruments = corpus().join("handbook/instruments");
    for name in ["outer-space-treaty.zh.txt", "outer-space-treaty.en.txt"] {
        ws.copy(&instruments.join(name), name);
    }
    ws
}

/// No part of the page is wider than the window (nothing to scroll sideways).
const FITS: &str = "document.documentElement.scrollWidth <= window.innerWidth";

#[test]
fn a_query_typed_into_the_search_page_shows_the_hits_marked() {
    let ws = workspace();
    let server = Server::start(&ws);
    let mut browser = Browser::launch();
    browser.size(1280, 900);
    browser.open(&format!("{}/", server.url));

    // The search box has the focus; typing searches (debounced), with no button.
    browser.wait_for("document.activeElement && document.activeElement.id === 'q'");
    browser.type_text("空间碎片");
    browser.wait_for(
        "document.getElementById('hits').getAttribute('data-query') === '空间碎片' && document.querySelectorAll('#hits .hit').length > 0",
    );
    browser.wait_for("/paragraphs? match/.test(document.getElementById('status').textContent)");
    assert_eq!(
        browser.eval(
            "Array.from(document.querySelectorAll('#hits .hit mark')).every(m => m.textContent === '空间碎片')"
        ),
        json!(true)
    );
    assert_eq!(
        browser.eval("document.querySelectorAll('#hits .hit mark').length > 3"),
        json!(true)
    );
    // The query is in the address, for a bookmark.
    assert_eq!(
        browser.eval("new URLSearchParams(location.search).get('q')"),
        json!("空间碎片")
    );
    // Each hit: its citation linking to the unit page, a copy button, its text in
    // its language, and the footnotes it cites.
    let first = browser.eval(
        "(() => { const hit = document.querySelector('#hits .hit');
           return { cite: hit.querySelector('a.cite').textContent,
                    href: hit.querySelector('a.cite').getAttribute('href'),
                    copy: hit.querySelector('button.copy').getAttribute('data-copy'),
                    lang: hit.querySelector('.version').getAttribute('lang') }; })()",
    );
    assert!(first["cite"].as_str().unwrap().contains("76/76"), "{first}");
    assert!(
        first["href"].as_str().unwrap().starts_with("/unit?doc="),
        "{first}"
    );
    assert_eq!(first["copy"], first["cite"]);
    assert_eq!(first["lang"], json!("zh"));
    assert_eq!(
        browser.eval("document.querySelectorAll('#hits .notes li').length > 0"),
        json!(true)
    );
    // The units found can be downloaded for a translation tool, in the hits'
    // language and English.
    let export = browser.eval(
        "(() => { const e = document.getElementById('export');
           return { hidden: e.hidden, text: e.textContent,
                    links: Array.from(e.querySelectorAll('a')).map(a => [a.textContent, a.getAttribute('href')]) }; })()",
    );
    let q = "q=%E7%A9%BA%E9%97%B4%E7%A2%8E%E7%89%87";
    assert_eq!(
        export,
        json!({
            "hidden": false,
            "text": "Export these units (every match, in 中文 and English): TMX · CSV",
            "links": [
                ["TMX", format!("/api/export?format=tmx&lang=zh%2Cen&{q}")],
                ["CSV", format!("/api/export?format=csv&lang=zh%2Cen&{q}")],
            ],
        })
    );
    assert_eq!(
        browser.eval(
            "fetch(document.querySelector('#export a').href).then(r => [r.status, r.headers.get('content-type'), r.headers.get('content-disposition')])"
        ),
        json!([200, "application/x-tmx+xml", "attachment; filename=\"unspace-search-zh-en.tmx\""])
    );
    browser.screenshot("search-1280.png");

    // A filter: English only; the address follows.
    browser.eval(
        "(() => { const q = document.getElementById('q'); q.value = '';
           const lang = document.getElementById('lang'); lang.value = 'en';
           q.focus(); })()",
    );
    browser.type_text("space debris");
    browser.wait_for(
        "document.getElementById('hits').getAttribute('data-query') === 'space debris' && document.querySelectorAll('#hits .hit').length > 0 && Array.from(document.querySelectorAll('#hits .hit > .version')).every(v => v.lang === 'en')",
    );
    assert_eq!(
        browser.eval("new URLSearchParams(location.search).get('lang')"),
        json!("en")
    );
    // The switch shows each hit in the other languages, side by side.
    browser.eval("document.getElementById('parallel').click()");
    browser.wait_for(
        "document.querySelector('#hits .hit .columns .version[lang=zh]') !== null && new URLSearchParams(location.search).get('parallel') === 'all'",
    );
    let side_by_side = browser.eval(
        "(() => { const c = document.querySelector('#hits .hit .columns');
           const [a, b] = c.querySelectorAll('.version');
           return a.getBoundingClientRect().top === b.getBoundingClientRect().top
               && a.getBoundingClientRect().left !== b.getBoundingClientRect().left; })()",
    );
    assert_eq!(side_by_side, json!(true));

    // Document text is text: a script or an image written into a document is shown,
    // never run.
    browser.eval(
        "(() => { const q = document.getElementById('q'); q.value = '';
           document.getElementById('lang').value = ''; q.focus(); })()",
    );
    browser.type_text("pwned");
    browser.wait_for(
        "document.getElementById('hits').getAttribute('data-query') === 'pwned' && document.querySelectorAll('#hits .hit').length > 0",
    );
    let hostile = browser.eval(
        "({ text: document.querySelector('#hits .hit .text').textContent,
            elements: document.querySelectorAll('#hits script, #hits img').length,
            title: document.title })",
    );
    assert!(
        hostile["text"]
            .as_str()
            .unwrap()
            .contains("<script>document.title='pwned'</script>"),
        "{hostile}"
    );
    assert_eq!(hostile["elements"], json!(0), "{hostile}");
    assert_eq!(hostile["title"], json!("pwned · unspace"), "{hostile}");

    // A bookmarked search runs as the page loads, and '/' brings the focus back to
    // the search box.
    browser.open(&format!(
        "{}/?q=%E7%A9%BA%E9%97%B4%E7%A2%8E%E7%89%87&lang=zh",
        server.url
    ));
    browser.wait_for("document.querySelectorAll('#hits .hit mark').length > 0");
    assert_eq!(
        browser.eval("[document.getElementById('q').value, document.getElementById('lang').value]"),
        json!(["空间碎片", "zh"])
    );
    browser.eval("document.activeElement.blur()");
    browser.key("/");
    browser.wait_for("document.activeElement.id === 'q'");

    // At phone width nothing runs off the side.
    browser.size(390, 844);
    browser.open(&format!(
        "{}/?q=%E7%A9%BA%E9%97%B4%E7%A2%8E%E7%89%87",
        server.url
    ));
    browser.wait_for("document.querySelectorAll('#hits .hit').length > 0");
    assert_eq!(browser.eval(FITS), json!(true));
    browser.screenshot("search-390.png");
}

#[test]
fn the_unit_page_shows_every_language_side_by_side_and_the_history() {
    let ws = workspace();
    let server = Server::start(&ws);
    let mut browser = Browser::launch();
    browser.size(1280, 900);
    let unit = format!(
        "{}/unit?doc=A%2FRES%2F76%2F76&ref=operative%3A16",
        server.url
    );
    browser.open(&unit);
    let page = browser.eval(
        "(() => { const zh = document.querySelector('.columns .version[lang=zh]');
           const en = document.querySelector('.columns .version[lang=en]');
           const z = zh.getBoundingClientRect(), e = en.getBoundingClientRect();
           return { zh: zh.querySelector('.text').textContent,
                    en: en.querySelector('.text').textContent,
                    side_by_side: z.top === e.top && z.right <= e.left,
                    steps: Array.from(document.querySelectorAll('.history li time')).map(t => t.textContent),
                    changes: document.querySelectorAll('.history del, .history ins').length,
                    traced: document.querySelectorAll('.history li.traced').length }; })()",
    );
    assert!(page["zh"].as_str().unwrap().contains("空间碎片"), "{page}");
    assert!(
        page["en"].as_str().unwrap().contains("space debris"),
        "{page}"
    );
    assert_eq!(page["side_by_side"], json!(true), "{page}");
    let steps: Vec<&str> = page["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(steps.len() >= 3, "{page}");
    assert!(
        steps.windows(2).all(|w| w[0] <= w[1]),
        "in date order: {steps:?}"
    );
    assert!(
        page["changes"].as_u64().unwrap() > 0,
        "a coloured diff: {page}"
    );
    assert_eq!(page["traced"], json!(1), "{page}");
    browser.screenshot("unit-1280.png");

    // At phone width the columns stack.
    browser.size(390, 844);
    browser.open(&unit);
    let stacked = browser.eval(
        "(() => { const z = document.querySelector('.columns .version[lang=zh]').getBoundingClientRect();
           const e = document.querySelector('.columns .version[lang=en]').getBoundingClientRect();
           return e.top >= z.bottom; })()",
    );
    assert_eq!(stacked, json!(true));
    assert_eq!(browser.eval(FITS), json!(true));
    browser.screenshot("unit-390.png");

    // From the unit to the whole document, which has an anchor per unit, and from
    // there to the list of documents.
    browser.size(1280, 900);
    browser.open(&format!(
        "{}/doc?id=outer-space-treaty&lang=en#article:4",
        server.url
    ));
    assert_eq!(
        browser.eval(
            "(() => { const s = document.getElementById('article:4');
               return s !== null && s.lang === 'en' && s.querySelector('.text').textContent.includes('nuclear weapons'); })()"
        ),
        json!(true)
    );
    // It can be downloaded whole for a translation tool, in all its languages (the
    // page's first), by plain links.
    assert_eq!(
        browser.eval(
            "Array.from(document.querySelectorAll('p.download a')).map(a => [a.textContent, a.getAttribute('href'), a.tabIndex])"
        ),
        json!([
            ["TMX", "/api/export?doc=outer-space-treaty&lang=en%2Czh&format=tmx", 0],
            ["CSV", "/api/export?doc=outer-space-treaty&lang=en%2Czh&format=csv", 0],
        ])
    );
    browser.eval("document.querySelector('.top nav a[href=\"/documents\"]').click()");
    browser.wait_for("location.pathname === '/documents' && document.readyState === 'complete'");
    assert_eq!(
        browser.eval(
            "Array.from(document.querySelectorAll('.doclist a.title')).map(a => a.getAttribute('href')).some(h => h.startsWith('/doc?id=outer-space-treaty'))"
        ),
        json!(true)
    );
    assert_eq!(
        browser.eval("document.querySelector('.top nav a[aria-current=page]').textContent"),
        json!("Documents")
    );
}

#[test]
fn a_query_that_finds_nothing_offers_the_nearest_one_as_a_link() {
    let ws = workspace();
    let server = Server::start(&ws);
    let mut browser = Browser::launch();
    browser.size(1280, 900);
    browser.open(&format!(
        "{}/?q=%E7%A9%BA%E9%97%B4%E9%9A%8F%E7%89%87",
        server.url
    ));
    browser.wait_for("/Did you mean/.test(document.getElementById('status').textContent)");
    assert_eq!(
        browser.eval("document.querySelector('#status a.suggestion').textContent"),
        json!("空间碎片")
    );
    assert_eq!(
        browser.eval("document.querySelectorAll('#hits .hit').length"),
        json!(0)
    );
    // Followed, it searches for the suggestion.
    browser.eval("document.querySelector('#status a.suggestion').click()");
    browser.wait_for(
        "document.getElementById('hits').getAttribute('data-query') === '空间碎片' && document.querySelectorAll('#hits .hit').length > 0",
    );
}
