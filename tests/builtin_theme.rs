//! The built-in theme, through the binary, in temporary folders that hold no copy of the
//! repository: a site without `themes/` builds with it, site files override single
//! theme files, and `casefile theme copy` writes it out once.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn casefile(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_casefile"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("casefile runs")
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A small site with no theme folder: one collection, two entries that link.
fn minimal_site(root: &Path, theme: Option<&str>) {
    let theme = theme.map(|t| format!("theme: {t}\n")).unwrap_or_default();
    write(
        root,
        "site.yaml",
        &format!(
            "title: Newsroom\nbase_url: https://example.org/\n{theme}collections:\n  people:\n    title: People\n    singular: Person\n    fields:\n      role: {{ type: string }}\n"
        ),
    );
    write(
        root,
        "content/_index.md",
        "---\ntitle: Home\nsummary: A small site.\n---\nSee [[ada]].\n",
    );
    write(
        root,
        "content/people/ada.md",
        "---\ntitle: Ada\nsummary: A person.\nrole: Editor\n---\nWorks with [[bob]].\n",
    );
    write(
        root,
        "content/people/bob.md",
        "---\ntitle: Bob\nsummary: Another person.\n---\nWorks with [[ada]].\n",
    );
}

fn files_under(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walk(dir)
        .into_iter()
        .map(|p| p.strip_prefix(dir).unwrap().display().to_string())
        .collect();
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn a_site_without_a_theme_folder_builds_with_the_built_in_theme() {
    for theme in [None, Some("default")] {
        let tmp = tempfile::tempdir().unwrap();
        minimal_site(tmp.path(), theme);
        let o = casefile(tmp.path(), &["build", "--quiet"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let files = files_under(&tmp.path().join("public"));
        assert!(
            files.contains(&"people/ada/index.html".to_string()),
            "{files:?}"
        );
        assert!(files.contains(&"favicon.svg".to_string()), "{files:?}");
        let css = files
            .iter()
            .find(|f| f.starts_with("style.") && f.ends_with(".css"))
            .expect("the theme's stylesheet is published");
        let page = fs::read_to_string(tmp.path().join("public/people/ada/index.html")).unwrap();
        assert!(page.contains(&format!("/{css}")), "{page}");
        assert!(page.contains("href=\"/people/bob/\""), "{page}");
        assert!(!tmp.path().join("themes").exists());
    }
}

#[test]
fn site_templates_and_static_files_override_single_built_in_files() {
    let tmp = tempfile::tempdir().unwrap();
    minimal_site(tmp.path(), None);
    write(
        tmp.path(),
        "templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<h1>Gone from the newsroom</h1>{% endblock %}",
    );
    write(tmp.path(), "static/favicon.svg", "<svg id=\"ours\"/>");
    let o = casefile(tmp.path(), &["build", "--quiet"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let public = tmp.path().join("public");
    let not_found = fs::read_to_string(public.join("404.html")).unwrap();
    assert!(not_found.contains("Gone from the newsroom"), "{not_found}");
    assert_eq!(
        fs::read_to_string(public.join("favicon.svg")).unwrap(),
        "<svg id=\"ours\"/>"
    );
    // Every other page still comes from the built-in theme.
    let page = fs::read_to_string(public.join("people/ada/index.html")).unwrap();
    assert!(page.contains("<h1"), "{page}");
}

#[test]
fn another_theme_name_without_a_folder_is_a_config_error() {
    let tmp = tempfile::tempdir().unwrap();
    minimal_site(tmp.path(), Some("fancy"));
    let o = casefile(tmp.path(), &["build"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("site.yaml:3:8: error: theme `fancy` not found"),
        "{err}"
    );
    assert!(err.contains("`casefile theme copy fancy`"), "{err}");
}

#[test]
fn theme_copy_writes_the_built_in_theme_once_and_the_copy_is_used() {
    let tmp = tempfile::tempdir().unwrap();
    minimal_site(tmp.path(), None);
    let built_in = casefile(tmp.path(), &["build", "--quiet", "--output", "a"]);
    assert!(built_in.status.success());

    let o = casefile(tmp.path(), &["theme", "copy"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let copied = files_under(&tmp.path().join("themes/default"));
    assert!(
        copied.contains(&"templates/base.html".to_string()),
        "{copied:?}"
    );
    assert!(copied.contains(&"templates/allegations/entry.html".to_string()));
    assert!(copied.contains(&"static/style.css".to_string()));

    // The copy builds the same site, byte for byte; a change to it shows.
    let o = casefile(tmp.path(), &["build", "--quiet", "--output", "b"]);
    assert!(o.status.success());
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for file in files_under(&a) {
        assert_eq!(
            fs::read(a.join(&file)).unwrap(),
            fs::read(b.join(&file)).unwrap(),
            "{file}"
        );
    }
    let base = tmp.path().join("themes/default/templates/base.html");
    let text = fs::read_to_string(&base).unwrap();
    fs::write(&base, text.replacen("<body", "<body data-restyled", 1)).unwrap();
    let o = casefile(tmp.path(), &["build", "--quiet", "--output", "c"]);
    assert!(o.status.success());
    let page = fs::read_to_string(tmp.path().join("c/people/ada/index.html")).unwrap();
    assert!(page.contains("data-restyled"), "{page}");

    // A second copy refuses, and changes nothing.
    let o = casefile(tmp.path(), &["theme", "copy"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("already exists"));
    assert!(fs::read_to_string(&base).unwrap().contains("data-restyled"));

    // A named copy goes to its own folder; a path is not a name.
    let o = casefile(tmp.path(), &["theme", "copy", "newsroom"]);
    assert!(o.status.success());
    assert!(tmp
        .path()
        .join("themes/newsroom/templates/base.html")
        .is_file());
    let o = casefile(tmp.path(), &["theme", "copy", "../escape"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!tmp.path().join("escape").exists());
}
