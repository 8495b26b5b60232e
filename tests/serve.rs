//! `casefile serve`: incremental rebuilds through the library (which pages an edit
//! re-renders), then the real server on 127.0.0.1: live reload over server-sent events,
//! error overlays, and paths that must not leave the site.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use casefile::BuildOptions;
use casefile::{Change, Preview};
use common::Site;

fn incremental(site: &Site) -> Preview {
    Preview::new(BuildOptions {
        root: site.root.clone(),
        output: None,
        base_url: Some("http://127.0.0.1:1111/".into()),
        drafts: false,
    })
}

fn built(site: &Site) -> Preview {
    let mut inc = incremental(site);
    let first = inc.rebuild(Change::Content).expect("the fixture builds");
    assert!(first.full);
    inc
}

fn paths(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// Preview output must equal a fresh full build of the same files.
fn assert_same_as_full_build(site: &Site, inc: &Preview) {
    let fresh = built(site);
    assert!(
        *inc.files() == *fresh.files(),
        "incremental output differs from a full build in: {:?}",
        fresh
            .files()
            .iter()
            .filter(|(p, b)| inc.files().get(*p) != Some(*b))
            .map(|(p, _)| p.clone())
            .chain(
                inc.files()
                    .keys()
                    .filter(|p| !fresh.files().contains_key(*p))
                    .cloned()
            )
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_title_edit_rerenders_exactly_the_pages_that_show_the_entry() {
    let site = Site::copy("serve-site");
    let mut inc = built(&site);
    site.replace(
        "content/people/ada.md",
        "title: Ada Lovelace",
        "title: Ada King",
    );
    let rebuild = inc.rebuild(Change::Content).unwrap();
    assert!(!rebuild.full);
    assert!(rebuild.changed);
    assert_eq!(
        rebuild.rendered,
        paths(&[
            "about/index.html",         // links to ada in its text
            "events/index.html",        // meetup's card shows ada
            "events/meetup/index.html", // refers to ada
            "groups/chess/index.html",  // ada is a member
            "index.html",               // home: timeline and map
            "map/index.html",           // titles on the map
            "people/ada/index.html",    // the entry
            "people/bob/index.html",    // ada links to bob
            "people/index.html",        // her collection
            "tags/founders/index.html", // her tag
            "timeline/index.html",      // dated entries show ada
        ])
    );
    let page = String::from_utf8(inc.files()["people/bob/index.html"].to_vec()).unwrap();
    assert!(page.contains("Ada King"), "{page}");
    assert_same_as_full_build(&site, &inc);
}

#[test]
fn a_body_edit_rerenders_only_the_entry() {
    let site = Site::copy("serve-site");
    let mut inc = built(&site);
    site.replace(
        "content/people/bob.md",
        "Bob built engines.",
        "Bob built engines and looms.",
    );
    let rebuild = inc.rebuild(Change::Content).unwrap();
    assert_eq!(rebuild.rendered, paths(&["people/bob/index.html"]));
    assert_same_as_full_build(&site, &inc);
}

#[test]
fn a_new_link_in_text_rerenders_the_target_for_its_backlinks() {
    let site = Site::copy("serve-site");
    let mut inc = built(&site);
    site.replace(
        "content/people/cy.md",
        "not linked to anyone.",
        "a fan of [[bob]].",
    );
    let rebuild = inc.rebuild(Change::Content).unwrap();
    assert_eq!(
        rebuild.rendered,
        paths(&["people/bob/index.html", "people/cy/index.html"])
    );
    assert_same_as_full_build(&site, &inc);
}

#[test]
fn a_rebuild_without_changes_renders_nothing() {
    let site = Site::copy("serve-site");
    let mut inc = built(&site);
    let rebuild = inc.rebuild(Change::Content).unwrap();
    assert!(!rebuild.full && !rebuild.changed);
    assert!(rebuild.rendered.is_empty() && rebuild.removed.is_empty());
}

#[test]
fn tags_that_appear_and_disappear() {
    let site = Site::copy("serve-site");
    let mut inc = built(&site);
    site.replace(
        "content/people/cy.md",
        "role: Pitcher",
        "role: Pitcher\ntags: [baseball]",
    );
    let added = inc.rebuild(Change::Content).unwrap();
    // Exactly the pages that read cy's card or the tag list: cy is undated, so the
    // timeline and the home page's timeline are untouched, and the map shows no tags.
    assert_eq!(
        added.rendered,
        paths(&[
            "events/regatta/index.html", // shows cy's card
            "people/cy/index.html",
            "people/index.html",        // cy's collection lists the card
            "tags/baseball/index.html", // the new tag
            "tags/index.html",          // the tag list
        ])
    );
    assert!(inc.files().contains_key("tags/baseball/index.html"));
    assert_same_as_full_build(&site, &inc);

    site.replace("content/people/cy.md", "tags: [baseball]\n", "");
    let removed = inc.rebuild(Change::Content).unwrap();
    assert_eq!(
        removed.removed,
        paths(&["tags/baseball/index.html", "tags/baseball/atom.xml"])
    );
    assert!(!inc.files().contains_key("tags/baseball/index.html"));
    assert_same_as_full_build(&site, &inc);
}

#[test]
fn a_changed_ref_rerenders_old_and_new_targets() {
    let site = Site::copy("serve-site");
    let mut inc = built(&site);
    site.replace(
        "content/people/bob.md",
        "member_of: [chess]",
        "member_of: [rowing]",
    );
    let rebuild = inc.rebuild(Change::Content).unwrap();
    // Ada links to Bob, but her page shows only his title, which did not change.
    assert_eq!(
        rebuild.rendered,
        paths(&[
            "groups/chess/index.html",  // lost a member
            "groups/index.html",        // the groups' cards say who refers to them
            "groups/rowing/index.html", // gained one
            "index.html",               // the map on the home page
            "map/index.html",           // a line moved
            "people/bob/index.html",
            "people/index.html", // bob's card
        ])
    );
    assert_same_as_full_build(&site, &inc);
}

#[test]
fn templates_static_files_and_new_entries_rebuild_everything() {
    let site = Site::copy("serve-site");
    let mut inc = built(&site);
    let all = inc.files().keys().filter(|p| p.ends_with(".html")).count();
    site.write("static/extra.txt", "x");
    let rebuild = inc.rebuild(Change::Everything).unwrap();
    assert!(rebuild.full);
    assert_eq!(rebuild.rendered.len(), all);
    assert!(inc.files().contains_key("extra.txt"));

    site.write(
        "content/people/dee.md",
        "---\ntitle: Dee\nrole: Writer\n---\nNew.\n",
    );
    let rebuild = inc.rebuild(Change::Content).unwrap();
    assert!(
        rebuild.full,
        "a new entry changes every page's navigation counts"
    );
    assert!(inc.files().contains_key("people/dee/index.html"));
    assert_same_as_full_build(&site, &inc);
}

#[test]
fn a_failed_rebuild_keeps_the_last_good_site() {
    let site = Site::copy("serve-site");
    let mut inc = built(&site);
    let before = inc.files();
    site.replace(
        "content/people/ada.md",
        "member_of: [chess]",
        "member_of: [chesss]",
    );
    let errors = inc.rebuild(Change::Content).unwrap_err();
    assert_eq!(
        errors.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
        ["content/people/ada.md:6:13: error: `groups/chesss` does not exist\n  = help: did you mean `chess`?"]
    );
    assert!(*inc.files() == *before);
    // Fixing it and editing the title at once: compared with the last good build.
    site.replace(
        "content/people/ada.md",
        "member_of: [chesss]",
        "member_of: [chess]",
    );
    site.replace(
        "content/people/ada.md",
        "title: Ada Lovelace",
        "title: Ada King",
    );
    let rebuild = inc.rebuild(Change::Content).unwrap();
    assert!(rebuild
        .rendered
        .contains(&"people/bob/index.html".to_string()));
    assert_same_as_full_build(&site, &inc);
}

#[test]
fn a_file_saved_without_changes_renders_nothing() {
    let site = Site::copy("serve-site");
    let mut inc = built(&site);
    let text = site.read("content/people/bob.md");
    site.remove("content/people/bob.md");
    site.write("content/people/bob.md", &text);
    let rebuild = inc.rebuild(Change::Content).unwrap();
    assert!(!rebuild.full && !rebuild.changed, "{rebuild:?}");
    assert!(rebuild.rendered.is_empty(), "{:?}", rebuild.rendered);
    assert_same_as_full_build(&site, &inc);
}

#[test]
fn an_entry_that_turns_invalid_and_back_is_checked_each_time() {
    let site = Site::copy("serve-site");
    let mut inc = built(&site);
    let original = site.read("content/people/bob.md");
    let before = inc.files();
    // A schema problem (model stage), reported again on a rebuild with no further change.
    site.replace(
        "content/people/bob.md",
        "role: Engineer
",
        "",
    );
    for _ in 0..2 {
        let errors = inc.rebuild(Change::Content).unwrap_err();
        assert_eq!(
            errors.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
            ["content/people/bob.md:2:1: error: missing required field `role`"]
        );
    }
    // A YAML problem (load stage).
    site.replace(
        "content/people/bob.md",
        "member_of: [chess]",
        "member_of: [chess",
    );
    assert!(inc.rebuild(Change::Content).is_err());
    assert!(inc.rebuild(Change::Content).is_err());
    assert!(*inc.files() == *before);
    site.write("content/people/bob.md", &original);
    let rebuild = inc.rebuild(Change::Content).unwrap();
    assert!(!rebuild.full && !rebuild.changed, "{rebuild:?}");
    assert_same_as_full_build(&site, &inc);
    // Valid again, and edited.
    site.replace("content/people/bob.md", "role: Engineer", "role: Inventor");
    let rebuild = inc.rebuild(Change::Content).unwrap();
    assert!(rebuild.changed);
    assert_same_as_full_build(&site, &inc);
}

#[test]
fn entries_removed_drafted_and_restored_match_full_builds() {
    let site = Site::copy("serve-site");
    let mut inc = built(&site);
    let rowing = site.read("content/groups/rowing.md");
    site.remove("content/groups/rowing.md");
    let rebuild = inc.rebuild(Change::Content).unwrap();
    assert!(rebuild.full);
    assert!(!inc.files().contains_key("groups/rowing/index.html"));
    assert_same_as_full_build(&site, &inc);

    site.write("content/groups/rowing.md", &rowing);
    assert!(inc.rebuild(Change::Content).unwrap().full);
    assert!(inc.files().contains_key("groups/rowing/index.html"));
    assert_same_as_full_build(&site, &inc);

    site.replace(
        "content/groups/rowing.md",
        "kind: team",
        "kind: team
draft: true",
    );
    assert!(inc.rebuild(Change::Content).unwrap().full);
    assert!(!inc.files().contains_key("groups/rowing/index.html"));
    assert_same_as_full_build(&site, &inc);

    site.replace(
        "content/groups/rowing.md",
        "kind: team
draft: true",
        "kind: team",
    );
    inc.rebuild(Change::Content).unwrap();
    assert_same_as_full_build(&site, &inc);
}

#[test]
fn record_refs_and_dates_edited_match_full_builds() {
    let site = Site::copy("serve-site");
    let mut inc = built(&site);
    site.replace(
        "content/events/meetup.md",
        "people: [ada]",
        "people: [ada]\nnotes:\n  - { by: bob, text: \"Met [[cy]].\" }",
    );
    let rebuild = inc.rebuild(Change::Content).unwrap();
    assert!(!rebuild.full);
    for page in ["people/bob/index.html", "people/cy/index.html"] {
        assert!(rebuild.rendered.contains(&page.to_string()), "{page}");
    }
    assert_same_as_full_build(&site, &inc);

    site.replace("content/events/meetup.md", "by: bob", "by: cy");
    inc.rebuild(Change::Content).unwrap();
    assert_same_as_full_build(&site, &inc);

    // Dates order the timeline, the feed and the sitemap's last changes.
    site.replace(
        "content/events/meetup.md",
        "date: 2020-01",
        "date: 2022-03-04",
    );
    assert!(!inc.rebuild(Change::Content).unwrap().full);
    assert_same_as_full_build(&site, &inc);
    site.replace(
        "content/people/cy.md",
        "role: Pitcher",
        "role: Pitcher\nborn: 1867",
    );
    inc.rebuild(Change::Content).unwrap();
    assert_same_as_full_build(&site, &inc);

    // The feed and the timeline data show dated entries' titles, summaries and bodies.
    let timeline = inc.files()["timeline.json"].clone();
    site.replace(
        "content/events/regatta.md",
        "title: Regatta",
        "title: Boat race",
    );
    inc.rebuild(Change::Content).unwrap();
    assert!(inc.files()["timeline.json"] != timeline);
    assert_same_as_full_build(&site, &inc);
    // An entry dated to the year is not in the feed (Atom needs a day); to the day, it is.
    assert!(!String::from_utf8_lossy(&inc.files()["atom.xml"]).contains("Boat race"));
    site.replace(
        "content/events/regatta.md",
        "date: 2021",
        "date: 2021-06-12",
    );
    inc.rebuild(Change::Content).unwrap();
    assert!(String::from_utf8_lossy(&inc.files()["atom.xml"]).contains("Boat race"));
    assert_same_as_full_build(&site, &inc);
    let feed = inc.files()["atom.xml"].clone();
    site.replace("content/events/regatta.md", "A race.", "A long race.");
    inc.rebuild(Change::Content).unwrap();
    assert!(inc.files()["atom.xml"] != feed);
    assert_same_as_full_build(&site, &inc);
}

#[test]
fn static_files_keep_replacing_generated_ones_after_an_edit() {
    let site = Site::copy("serve-site");
    site.write("static/sitemap.xml", "<urlset/>");
    site.write("static/timeline.json", "{}");
    let mut inc = built(&site);
    site.replace(
        "content/events/meetup.md",
        "date: 2020-01",
        "date: 2023-01-05",
    );
    let rebuild = inc.rebuild(Change::Content).unwrap();
    assert!(!rebuild.full);
    assert_eq!(&inc.files()["sitemap.xml"][..], b"<urlset/>");
    assert_eq!(&inc.files()["timeline.json"][..], b"{}");
    let feed = String::from_utf8(inc.files()["atom.xml"].to_vec()).unwrap();
    assert!(
        feed.contains("<published>2023-01-05T00:00:00Z</published>"),
        "{feed}"
    );
    assert_same_as_full_build(&site, &inc);
}

/// The bundled explainer (content, theme and site.yaml of this repository) in a temporary
/// folder, so the page selection is checked against a full theme.
fn bundled_site() -> Site {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for folder in ["content", "themes", "templates", "static"] {
        if repo.join(folder).is_dir() {
            common::copy_dir(&repo.join(folder), &root.join(folder));
        }
    }
    std::fs::copy(repo.join("site.yaml"), root.join("site.yaml")).unwrap();
    Site { tmp, root }
}

fn bundled(site: &Site) -> Preview {
    let mut inc = incremental(site).without_search_index();
    inc.rebuild(Change::Content)
        .expect("the bundled site builds");
    inc
}

/// Rewrites the first line starting with `key: ` in a content file.
fn set_line(site: &Site, rel: &str, key: &str, value: &str) {
    let text = site.read(rel);
    let mut done = false;
    let out: Vec<String> = text
        .lines()
        .map(|l| {
            if !done && l.starts_with(&format!("{key}: ")) {
                done = true;
                format!("{key}: {value}")
            } else {
                l.to_string()
            }
        })
        .collect();
    assert!(done, "no `{key}:` line in {rel}");
    site.write(rel, out.join("\n") + "\n");
}

#[test]
fn incremental_rebuilds_of_the_bundled_site_match_full_builds() {
    let site = bundled_site();
    let mut inc = bundled(&site);
    let full = |site: &Site| bundled(site).files();
    let check = |inc: &Preview, what: &str| {
        let fresh = full(&site);
        let differ: Vec<&String> = fresh
            .iter()
            .filter(|(p, b)| inc.files().get(*p) != Some(*b))
            .map(|(p, _)| p)
            .collect();
        assert!(differ.is_empty(), "after {what}: {differ:?}");
        assert_eq!(inc.files().len(), fresh.len(), "after {what}");
    };
    let person = "content/people/han-dong.md";
    set_line(&site, person, "title", "Han Dong (edited)");
    let r = inc.rebuild(Change::Content).unwrap();
    assert!(!r.full && r.rendered.len() > 5, "{:?}", r.rendered);
    check(&inc, "a title edit");

    set_line(&site, person, "summary", "An edited summary.");
    inc.rebuild(Change::Content).unwrap();
    check(&inc, "a summary edit");

    let text = site.read(person);
    site.write(person, format!("{text}\nAn added paragraph.\n"));
    let r = inc.rebuild(Change::Content).unwrap();
    // The share card reads the page's values too: it is rendered again (its SVG is the
    // same, so its PNG comes from the cache).
    assert_eq!(
        r.rendered,
        paths(&[
            "people/han-dong/index.html",
            "share/people/han-dong/card.png"
        ])
    );
    check(&inc, "a body edit");

    set_line(&site, person, "tags", "[edited-tag]");
    inc.rebuild(Change::Content).unwrap();
    check(&inc, "a tag change");
}

#[test]
fn after_a_failed_full_rebuild_the_next_rebuild_is_full() {
    let site = Site::copy("serve-site");
    let mut inc = built(&site);
    // A template change and a content error at once: the full rebuild fails.
    site.replace(
        "themes/tiny/templates/entry.html",
        "<article>",
        "<article class=\"new\">",
    );
    site.replace(
        "content/people/ada.md",
        "member_of: [chess]",
        "member_of: [chesss]",
    );
    assert!(inc.rebuild(Change::Everything).is_err());
    // Fixing the content is a content change, but every page needs the new template.
    site.replace(
        "content/people/ada.md",
        "member_of: [chesss]",
        "member_of: [chess]",
    );
    let rebuild = inc.rebuild(Change::Content).unwrap();
    assert!(rebuild.full);
    let cy = String::from_utf8(inc.files()["people/cy/index.html"].to_vec()).unwrap();
    assert!(cy.contains("<article class=\"new\">"), "{cy}");

    // A broken site.yaml is reported until it is fixed, whatever changes meanwhile.
    site.replace("site.yaml", "language: en", "langauge: en");
    assert!(inc.rebuild(Change::Everything).is_err());
    site.replace(
        "content/people/bob.md",
        "Bob built engines.",
        "Bob built looms.",
    );
    assert!(inc.rebuild(Change::Content).is_err());
    site.replace("site.yaml", "langauge: en", "language: en");
    assert!(inc.rebuild(Change::Everything).unwrap().full);
    assert_same_as_full_build(&site, &inc);
}

// ---------------------------------------------------------------------------------------
// The real server.

/// A running `casefile serve`, killed when dropped.
struct Server {
    child: Child,
    port: u16,
    lines: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(root: &Path) -> Server {
        Server::start_with(root, &[])
    }

    /// `casefile serve` with more arguments.
    fn start_with(root: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_casefile"))
            .args(["serve", "--port", "0", "--bind", "127.0.0.1", "--root"])
            .arg(root)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("casefile serve starts");
        let (tx, lines) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        let tx2 = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx2.send(line);
            }
        });
        let mut server = Server {
            child,
            port: 0,
            lines,
        };
        let line = server.wait_for_line("serving http://127.0.0.1:");
        let port = line
            .trim_start_matches("serving http://127.0.0.1:")
            .trim_end_matches('/')
            .parse()
            .expect(&line);
        server.port = port;
        server
    }

    /// The next output line starting with `prefix` (other lines are skipped).
    fn wait_for_line(&mut self, prefix: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.starts_with(prefix) => return line,
                Ok(_) => continue,
                Err(_) => panic!("no line starting with `{prefix}` from casefile serve"),
            }
        }
    }

    /// Lines printed so far, without waiting.
    fn drain(&mut self) -> Vec<String> {
        self.lines.try_iter().collect()
    }

    fn get(&self, target: &str) -> Response {
        request(self.port, "GET", target)
    }

    fn events(&self) -> Events {
        Events::open(self.port)
    }
}

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request with the target sent as is (no client-side normalisation).
fn request(port: u16, method: &str, target: &str) -> Response {
    request_with(port, method, target, &format!("Host: 127.0.0.1:{port}\r\n"))
}

/// One request with these header lines (each ending in CRLF) besides `Connection: close`.
fn request_with(port: u16, method: &str, target: &str, headers: &str) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "{method} {target} HTTP/1.1\r\n{headers}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("a response");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("headers end");
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Response {
        status,
        headers,
        body: body.to_string(),
    }
}

/// A subscription to `/__casefile/events`.
struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    fn open(port: u16) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(
            stream,
            "GET /__casefile/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let mut reader = BufReader::new(stream);
        let mut status = String::new();
        reader.read_line(&mut status).unwrap();
        assert!(status.starts_with("HTTP/1.1 200"), "{status}");
        let mut saw_type = false;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line
                .to_ascii_lowercase()
                .starts_with("content-type: text/event-stream")
            {
                saw_type = true;
            }
            if line == "\r\n" {
                break;
            }
        }
        assert!(saw_type);
        Events { reader }
    }

    /// The next `data:` message, or `None` after `timeout` without one.
    fn next(&mut self, timeout: Duration) -> Option<serde_json::Value> {
        let deadline = Instant::now() + timeout;
        let mut data = None;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            self.reader.get_ref().set_read_timeout(Some(left)).unwrap();
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(_) => return None,
            }
            let line = line.trim_end_matches(['\r', '\n']);
            if let Some(json) = line.strip_prefix("data: ") {
                data = Some(serde_json::from_str(json).expect("JSON data"));
            } else if line.is_empty() {
                if let Some(value) = data.take() {
                    return Some(value);
                }
            }
        }
    }
}

const WAIT: Duration = Duration::from_secs(30);

/// Saves the way many editors do: write a temporary file, then rename it over the old one.
fn save_like_an_editor(site: &Site, rel: &str, text: &str) {
    let path = site.root.join(rel);
    let tmp = path.with_extension("md.tmp~");
    std::fs::write(&tmp, text).unwrap();
    std::fs::write(path.with_file_name(".ada.md.swp"), "swap").unwrap();
    std::fs::rename(&tmp, &path).unwrap();
}

#[test]
fn serve_reloads_open_pages_once_after_an_edit() {
    let site = Site::copy("serve-site");
    let mut server = Server::start(&site.root);
    let page = server.get("/people/ada/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<h1>Ada Lovelace</h1>"));
    assert!(
        page.body.contains("<script src=\"/__casefile/live.js\"")
            && page.body.find("/__casefile/live.js").unwrap() < page.body.rfind("</body>").unwrap(),
        "{}",
        page.body
    );
    let script = server.get("/__casefile/live.js");
    assert_eq!(
        script.header("Content-Type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(script.body.contains("EventSource"));

    let mut events = server.events();
    let first = events.next(WAIT).expect("the current state on connect");
    assert_eq!(first["errors"], serde_json::json!([]));
    server.drain();

    let text = site
        .read("content/people/ada.md")
        .replace("Ada Lovelace", "Ada King");
    save_like_an_editor(&site, "content/people/ada.md", &text);
    let event = events.next(WAIT).expect("a rebuild event");
    assert_ne!(event["build"], first["build"], "{event}");
    assert_eq!(event["rendered"], 11, "{event}");
    assert_eq!(event["errors"], serde_json::json!([]));
    let page = server.get("/people/ada/");
    assert!(page.body.contains("<h1>Ada King</h1>"), "{}", page.body);
    assert!(page.body.contains(&format!(
        "data-build=\"{}\"",
        event["build"].as_str().unwrap()
    )));
    // One save is one rebuild: no second event, one log line.
    assert_eq!(events.next(Duration::from_millis(1500)), None);
    let rebuilt: Vec<String> = server
        .drain()
        .into_iter()
        .filter(|l| l.starts_with("rebuilt") || l.starts_with("built"))
        .collect();
    assert_eq!(rebuilt.len(), 1, "{rebuilt:?}");
    assert!(
        rebuilt[0].starts_with("rebuilt: 11 pages re-rendered in "),
        "{rebuilt:?}"
    );

    // A new entry is picked up too.
    site.write(
        "content/people/dee.md",
        "---\ntitle: Dee\nrole: Writer\n---\nNew.\n",
    );
    let event = events.next(WAIT).expect("a rebuild event");
    assert_eq!(event["errors"], serde_json::json!([]));
    assert_eq!(server.get("/people/dee/").status, 200);
}

#[test]
fn serve_shows_errors_keeps_the_last_good_site_and_recovers() {
    let site = Site::copy("serve-site");
    let server = Server::start(&site.root);
    let mut events = server.events();
    let first = events.next(WAIT).unwrap();

    site.replace(
        "content/people/ada.md",
        "member_of: [chess]",
        "member_of: [\"<img src=x onerror=alert(1)>\"]",
    );
    let failed = events.next(WAIT).expect("an error event");
    assert_eq!(failed["build"], first["build"], "the site did not change");
    let errors = failed["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{failed}");
    assert_eq!(errors[0]["path"], "content/people/ada.md");
    assert_eq!(errors[0]["line"], 6);
    assert_eq!(errors[0]["column"], 13);
    assert_eq!(
        errors[0]["message"],
        "`<img src=x onerror=alert(1)>` is not a valid slug"
    );
    assert!(errors[0]["text"]
        .as_str()
        .unwrap()
        .starts_with("content/people/ada.md:6:13: error: "));
    // The last good site is still served.
    let page = server.get("/people/ada/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<h1>Ada Lovelace</h1>"));
    // The overlay builds its elements with textContent only.
    let script = server.get("/__casefile/live.js").body;
    assert!(!script.contains("innerHTML") && script.contains("textContent"));

    site.replace(
        "content/people/ada.md",
        "member_of: [\"<img src=x onerror=alert(1)>\"]",
        "member_of: [chess]",
    );
    let fixed = events.next(WAIT).expect("a recovery event");
    assert_eq!(fixed["errors"], serde_json::json!([]), "{fixed}");
}

#[test]
fn serve_without_a_good_build_serves_the_errors_escaped() {
    let site = Site::copy("serve-site");
    site.replace(
        "content/people/bob.md",
        "role: Engineer",
        "role: Engineer\nrank: \"<b>x</b>\"",
    );
    let server = Server::start(&site.root);
    let page = server.get("/");
    assert_eq!(page.status, 500);
    assert!(page.body.contains("unknown key `rank`"), "{}", page.body);
    assert!(
        page.body.contains("rank: &quot;&lt;b&gt;x&lt;/b&gt;&quot;"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("<b>x</b>"));
    assert!(page.body.contains("/__casefile/live.js"));
    let mut events = server.events();
    events.next(WAIT).unwrap();
    site.replace("content/people/bob.md", "\nrank: \"<b>x</b>\"", "");
    let fixed = events.next(WAIT).expect("a rebuild event");
    assert_eq!(fixed["errors"], serde_json::json!([]));
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn serve_only_serves_the_site() {
    let site = Site::copy("serve-site");
    let server = Server::start(&site.root);
    // A symbolic link in static/ that points outside the site is refused by the
    // rebuild, and the last good site, without it, stays up.
    #[cfg(unix)]
    {
        let mut events = server.events();
        events.next(WAIT).unwrap();
        std::os::unix::fs::symlink(
            site.root.join("site.yaml"),
            site.root.join("static/leak.yaml"),
        )
        .unwrap();
        let failed = events.next(WAIT).expect("a rebuild event");
        assert!(
            failed["errors"]
                .to_string()
                .contains("symbolic links are not followed"),
            "{failed}"
        );
    }
    let not_found = |target: &str| {
        let r = server.get(target);
        assert_eq!(r.status, 404, "{target}");
        assert!(r.body.contains("Not found here"), "{target}: {}", r.body);
        assert!(!r.body.contains("collections:"), "{target}");
    };
    for target in [
        "/../site.yaml",
        "/people/../../site.yaml",
        "/%2e%2e/site.yaml",
        "/%2E%2E%2Fsite.yaml",
        "/people%2f..%2f..%2fsite.yaml",
        "/..%5csite.yaml",
        "//etc/passwd",
        "/etc/passwd",
        "/leak.yaml",
        "/static/leak.yaml",
        "/content/people/ada.md",
        "/nope/",
        "/people/nobody",
    ] {
        not_found(target);
    }
    // An absolute-form or other odd target never reaches the file system either.
    assert_ne!(server.get("http://127.0.0.1/../site.yaml").status, 200);

    let folder = server.get("/people/ada");
    assert_eq!(folder.status, 301);
    assert_eq!(folder.header("Location"), Some("/people/ada/"));
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(server.get("/people/ada/?q=1").status, 200);
    assert_eq!(server.get("/people/ada/index.html").status, 200);
    let css = home
        .body
        .split("href=\"")
        .filter_map(|s| s.split('"').next())
        .find(|s| s.ends_with(".css"))
        .expect("a stylesheet link")
        .to_string();
    let style = server.get(&css);
    assert_eq!(style.status, 200);
    assert_eq!(
        style.header("Content-Type"),
        Some("text/css; charset=utf-8")
    );
    assert!(!style.body.contains("live.js"));
    assert_eq!(
        server.get("/logo.svg").header("Content-Type"),
        Some("image/svg+xml")
    );
    assert_eq!(
        server.get("/notes.txt").header("Content-Type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(request(server.port, "POST", "/").status, 405);
    let head = request(server.port, "HEAD", "/");
    assert_eq!(head.status, 200);
    assert_eq!(head.body, "");
}

// ---------------------------------------------------------------------------------------
// Who may ask, and how many: DNS rebinding, the connection cap, timeouts.

#[test]
fn serve_answers_only_requests_for_its_own_hosts() {
    let site = Site::copy("serve-site");
    let server = Server::start_with(&site.root, &["--allow-host", "Preview.Test"]);
    let port = server.port;
    let get = |target: &str, headers: &str| request_with(port, "GET", target, headers);
    // A page on evil.example whose name now points at 127.0.0.1 (DNS rebinding) reaches
    // nothing: not the pages, not the event stream with the errors, not the script.
    for target in [
        "/",
        "/people/ada/",
        "/__casefile/events",
        "/__casefile/live.js",
    ] {
        let refused = get(target, &format!("Host: evil.example:{port}\r\n"));
        assert_eq!(refused.status, 403, "{target}");
        assert_eq!(
            refused.header("Content-Type"),
            Some("text/plain; charset=utf-8")
        );
        assert!(
            refused.body.contains("--allow-host evil.example\n"),
            "{}",
            refused.body
        );
        assert!(!refused.body.contains("Ada"), "{}", refused.body);
    }
    // A right Host with a foreign Origin (a cross-site request) is refused too.
    let cross = get(
        "/__casefile/events",
        &format!("Host: 127.0.0.1:{port}\r\nOrigin: http://evil.example\r\n"),
    );
    assert_eq!(cross.status, 403);
    assert!(cross.body.contains("its Origin is `http://evil.example`"));
    // No Host at all, and a Host on another port, are not this server either.
    assert_eq!(get("/", "").status, 403);
    assert_eq!(get("/", "Host: localhost:1\r\n").status, 403);
    // The server's own names, with their port, and the allowed name.
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
        "preview.test".to_string(),
        "PREVIEW.test:8443".to_string(),
    ] {
        let page = get("/people/ada/", &format!("Host: {host}\r\n"));
        assert_eq!(page.status, 200, "{host}");
        assert!(page.body.contains("<h1>Ada Lovelace</h1>"), "{host}");
    }
    let same_origin = get(
        "/__casefile/live.js",
        &format!("Host: localhost:{port}\r\nOrigin: http://localhost:{port}\r\n"),
    );
    assert_eq!(same_origin.status, 200);
}

#[test]
fn serve_refuses_encoded_slashes() {
    let site = Site::copy("serve-site");
    let server = Server::start(&site.root);
    assert_eq!(server.get("/people/ada/index.html").status, 200);
    for target in [
        "/people%2fada%2findex.html",
        "/people%2Fada/",
        "/people/ada%2Findex.html",
    ] {
        let r = server.get(target);
        assert_eq!(r.status, 404, "{target}");
        assert!(r.body.contains("Not found here"), "{target}");
    }
}

#[test]
fn serve_keeps_connections_alive_and_caps_how_many_are_open() {
    let site = Site::copy("serve-site");
    let server = Server::start_with(&site.root, &["--max-connections", "3"]);
    let port = server.port;
    // Two requests on one connection: keep-alive works.
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    for _ in 0..2 {
        write!(
            stream,
            "GET /people/ada/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
        )
        .unwrap();
        let mut status = String::new();
        reader.read_line(&mut status).unwrap();
        assert!(status.starts_with("HTTP/1.1 200"), "{status}");
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if let Some(n) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = n.trim().parse().unwrap();
            }
            if line == "\r\n" {
                break;
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        assert!(String::from_utf8_lossy(&body).contains("Ada Lovelace"));
    }
    // That connection and two event streams fill the cap of 3.
    let first = server.events();
    let second = server.events();
    let refused = server.get("/");
    assert_eq!(refused.status, 503, "{}", refused.body);
    assert_eq!(refused.header("Retry-After"), Some("1"));
    assert!(
        refused.body.contains("--max-connections 3"),
        "{}",
        refused.body
    );
    // Closing connections makes room again (the server sees them go).
    drop((stream, reader, first, second));
    let deadline = Instant::now() + WAIT;
    loop {
        let status = server.get("/").status;
        if status == 200 {
            break;
        }
        assert_eq!(status, 503);
        assert!(
            Instant::now() < deadline,
            "the closed connections stay counted"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn serve_closes_sockets_that_send_headers_too_slowly_or_nothing() {
    let site = Site::copy("serve-site");
    let server = Server::start(&site.root);
    let port = server.port;
    let started = Instant::now();
    let silent = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut slow = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(slow, "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n").unwrap();
    slow.set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    // One header byte every half second (slowloris), until the server hangs up.
    let mut closed_after = None;
    for _ in 0..40 {
        let mut buf = [0u8; 512];
        match slow.read(&mut buf) {
            Ok(0) => {
                closed_after = Some(started.elapsed());
                break;
            }
            // A `408 Request Timeout` before closing is fine.
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => {
                closed_after = Some(started.elapsed());
                break;
            }
        }
        if slow.write_all(b"X").is_err() {
            closed_after = Some(started.elapsed());
            break;
        }
    }
    let closed_after = closed_after.expect("the slow socket is still open after 20 s");
    assert!(
        closed_after >= Duration::from_secs(4) && closed_after < Duration::from_secs(12),
        "{closed_after:?}"
    );
    // The silent socket is gone too, and the server still answers.
    let mut silent = silent;
    silent.set_read_timeout(Some(WAIT)).unwrap();
    let mut rest = Vec::new();
    let _ = silent.read_to_end(&mut rest);
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn serve_on_a_network_address_warns_that_drafts_and_errors_are_visible() {
    let site = Site::copy("serve-site");
    let mut child = Command::new(env!("CARGO_BIN_EXE_casefile"))
        .args([
            "serve", "--port", "0", "--bind", "0.0.0.0", "--quiet", "--root",
        ])
        .arg(&site.root)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let line = rx.recv_timeout(WAIT);
    let _ = child.kill();
    let _ = child.wait();
    let line = line.expect("a warning");
    assert!(line.starts_with("warning: serving on 0.0.0.0 "), "{line}");
    assert!(
        line.contains("drafts") && line.contains("build error"),
        "{line}"
    );
}

#[test]
fn serve_prints_warnings_once_counts_them_and_sends_them_to_open_pages() {
    let site = Site::copy("serve-site");
    let mut server = Server::start(&site.root);
    let mut events = server.events();
    let first = events.next(WAIT).expect("the current state on connect");
    assert_eq!(first["warnings"], serde_json::json!([]), "{first}");
    server.drain();

    // A file casefile does not read is a warning: the site still builds and is served.
    site.write("content/people/notes.txt", "call back on Tuesday\n");
    let event = events.next(WAIT).expect("a rebuild event");
    assert_eq!(event["errors"], serde_json::json!([]), "{event}");
    let warnings = event["warnings"].as_array().expect("warnings");
    assert_eq!(warnings.len(), 1, "{event}");
    assert_eq!(warnings[0]["path"], "content/people/notes.txt", "{event}");
    std::thread::sleep(Duration::from_millis(300));
    let lines = server.drain();
    let printed: Vec<&String> = lines.iter().filter(|l| l.contains(": warning:")).collect();
    assert_eq!(printed.len(), 1, "{lines:?}");
    assert!(
        printed[0].starts_with("content/people/notes.txt: warning:"),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains(" rendered in ") && l.ends_with(", 1 warning")),
        "{lines:?}"
    );

    // An edit elsewhere keeps the warning: counted again, not printed again.
    let text = site
        .read("content/people/ada.md")
        .replace("Ada Lovelace", "Ada King");
    save_like_an_editor(&site, "content/people/ada.md", &text);
    let event = events.next(WAIT).expect("a rebuild event");
    assert_eq!(
        event["warnings"].as_array().map(Vec::len),
        Some(1),
        "{event}"
    );
    std::thread::sleep(Duration::from_millis(300));
    let lines = server.drain();
    assert!(!lines.iter().any(|l| l.contains(": warning:")), "{lines:?}");
    assert!(
        lines.iter().any(|l| l.ends_with(", 1 warning")),
        "{lines:?}"
    );

    // Gone: open pages drop the box.
    std::fs::remove_file(site.root.join("content/people/notes.txt")).unwrap();
    let event = events.next(WAIT).expect("a rebuild event");
    assert_eq!(event["warnings"], serde_json::json!([]), "{event}");
}

#[test]
fn serve_publishes_an_alias_as_it_is_added_and_drops_it_when_removed() {
    let site = Site::copy("serve-site");
    let server = Server::start(&site.root);
    let mut events = server.events();
    events.next(WAIT).expect("the current state on connect");
    assert_eq!(server.get("/people/ada-lovelace/").status, 404);

    let original = site.read("content/people/ada.md");
    let with_alias = original.replacen("---\n", "---\naliases: [ada-lovelace]\n", 1);
    save_like_an_editor(&site, "content/people/ada.md", &with_alias);
    let event = events.next(WAIT).expect("a rebuild event");
    assert_eq!(event["errors"], serde_json::json!([]), "{event}");
    let old = server.get("/people/ada-lovelace/");
    assert_eq!(old.status, 200);
    assert!(old.body.contains("url=/people/ada/"), "{}", old.body);
    let rules = server.get("/_redirects");
    assert_eq!(rules.status, 200);
    assert!(
        rules
            .body
            .contains("/people/ada-lovelace/ /people/ada/ 301"),
        "{}",
        rules.body
    );

    save_like_an_editor(&site, "content/people/ada.md", &original);
    events.next(WAIT).expect("a rebuild event");
    assert_eq!(server.get("/people/ada-lovelace/").status, 404);
    assert_eq!(server.get("/_redirects").status, 404);
}

/// The pages of a listing among the pages a rebuild rendered: `notes/` and
/// `notes/page/<n>/`, or a tag's.
fn listing_pages<'a>(rendered: &'a [String], listing: &str) -> Vec<&'a str> {
    rendered
        .iter()
        .map(String::as_str)
        .filter(|p| {
            p.strip_prefix(listing).is_some_and(|rest| {
                rest == "index.html"
                    || rest
                        .strip_prefix("page/")
                        .and_then(|r| r.strip_suffix("/index.html"))
                        .is_some_and(|n| n.parse::<usize>().is_ok())
            })
        })
        .collect()
}

#[test]
fn edits_to_a_paginated_listing_rerender_its_pages_as_a_full_build_would() {
    // Seven notes, two a page, oldest first: notes 1-2, 3-4, 5-6, 7; notes 1 to 4 tagged.
    let site = Site::copy("serve-paged");
    let mut inc = built(&site);
    assert!(inc.files().contains_key("notes/page/4/index.html"));
    assert!(inc.files().contains_key("tags/harbour/page/2/index.html"));

    // A new title shows on the page that lists the note (and in the feeds), not on the
    // listing's other pages.
    site.replace(
        "content/notes/note-3.md",
        "title: Note 3",
        "title: Note three",
    );
    let retitled = inc.rebuild(Change::Content).unwrap();
    assert!(!retitled.full);
    assert_eq!(
        listing_pages(&retitled.rendered, "notes/"),
        ["notes/page/2/index.html"]
    );
    assert_eq!(
        listing_pages(&retitled.rendered, "tags/harbour/"),
        ["tags/harbour/page/2/index.html"]
    );
    for feed in ["atom.xml", "notes/atom.xml", "tags/harbour/atom.xml"] {
        assert!(
            String::from_utf8_lossy(&inc.files()[feed]).contains("Note three"),
            "{feed}"
        );
    }
    assert_same_as_full_build(&site, &inc);

    // A new date moves the note from page 2 to the last page: the pages between shift.
    site.replace(
        "content/notes/note-3.md",
        "date: 2024-01-03",
        "date: 2024-01-09",
    );
    let moved = inc.rebuild(Change::Content).unwrap();
    assert!(!moved.full);
    // The order changed, so every page of the listing is rendered again.
    assert_eq!(listing_pages(&moved.rendered, "notes/").len(), 4);
    assert_same_as_full_build(&site, &inc);

    // A fifth tagged note gives the tag a third page.
    site.replace(
        "content/notes/note-6.md",
        "summary: The note of day 6.\n",
        "summary: The note of day 6.\ntags: [harbour]\n",
    );
    inc.rebuild(Change::Content).unwrap();
    assert!(inc.files().contains_key("tags/harbour/page/3/index.html"));
    assert_same_as_full_build(&site, &inc);

    // Two added notes make a fifth page; a removed one takes it away again. The set of
    // pages changes, so serve renders everything, as a full build would.
    for n in [8, 9] {
        site.write(
            &format!("content/notes/note-{n}.md"),
            format!("---\ntitle: Note {n}\ndate: 2024-02-0{n}\n---\nDay {n}.\n"),
        );
    }
    let added = inc.rebuild(Change::Content).unwrap();
    assert!(inc.files().contains_key("notes/page/5/index.html"));
    assert!(listing_pages(&added.rendered, "notes/").len() == 5);
    assert_same_as_full_build(&site, &inc);
    site.remove("content/notes/note-1.md");
    let removed = inc.rebuild(Change::Content).unwrap();
    assert!(!inc.files().contains_key("notes/page/5/index.html"));
    assert!(removed
        .removed
        .contains(&"notes/page/5/index.html".to_string()));
    assert_same_as_full_build(&site, &inc);
}

#[test]
fn a_component_template_edit_redraws_the_texts_that_use_it() {
    let site = Site::copy("serve-site");
    site.replace(
        "content/people/ada.md",
        "\n---\n",
        "\n---\n> [!NOTE]\n> Kept for the test.\n\n",
    );
    let mut inc = built(&site);
    let page =
        |inc: &Preview| String::from_utf8_lossy(&inc.files()["people/ada/index.html"]).into_owned();
    assert!(page(&inc).contains("<p class=\"callout-title\">Note</p>"));
    // An edit to the content keeps the templates read at the first build...
    site.replace(
        "content/people/ada.md",
        "Kept for the test.",
        "Kept, edited.",
    );
    inc.rebuild(Change::Content).unwrap();
    assert!(page(&inc).contains("Kept, edited."));
    // ...and a template edit is read again, as every change outside content/ starts over.
    site.write(
        "templates/components/callout.html",
        "<aside class=\"{{ kind }}\"><b>{{ title }}</b>{{ body }}</aside>\n",
    );
    assert!(inc.rebuild(Change::Everything).unwrap().full);
    assert!(
        page(&inc).contains("<aside class=\"note\"><b>Note</b>"),
        "{}",
        page(&inc)
    );
    assert_same_as_full_build(&site, &inc);
}
