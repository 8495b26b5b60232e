//! `casefile init`, through the binary, in temporary folders that hold no copy of the
//! repository: the starter site builds and checks clean at once, its editorial rule
//! holds, `--bare` writes two files, and a folder that already holds a site is refused
//! with nothing changed.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn casefile(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_casefile"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("casefile runs")
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\n{}\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Every file and folder below `dir`, with a file's bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(Result::unwrap)
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_path_buf();
            let bytes = e.file_type().is_file().then(|| fs::read(e.path()).unwrap());
            (rel, bytes)
        })
        .collect()
}

/// The files below `dir`.
fn names(dir: &Path) -> Vec<String> {
    tree(dir)
        .into_iter()
        .filter(|(_, bytes)| bytes.is_some())
        .map(|(p, _)| p.display().to_string())
        .collect()
}

#[test]
fn the_starter_site_builds_and_checks_clean_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let out = ok(&casefile(tmp.path(), &["init", "newsroom"]));
    assert!(out.contains("wrote 10 files to newsroom"), "{out}");
    let site = tmp.path().join("newsroom");
    assert_eq!(
        names(&site),
        [
            ".github/workflows/pages.yml",
            ".gitignore",
            "content/_index.md",
            "content/about.md",
            "content/claims/contract-claim.md",
            "content/organisations/city-ledger.md",
            "content/organisations/harbour-works.md",
            "content/people/alex-moreau.md",
            "content/people/jordan-lee.md",
            "site.yaml",
        ]
    );
    assert!(fs::read_to_string(site.join(".gitignore"))
        .unwrap()
        .lines()
        .any(|l| l == "/public/"));
    let workflow = fs::read_to_string(site.join(".github/workflows/pages.yml")).unwrap();
    assert!(workflow.contains("actions/deploy-pages"), "{workflow}");
    assert!(workflow.contains("casefile build --base-url"), "{workflow}");

    let check = casefile(&site, &["check"]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(check.status.success(), "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");

    let built = ok(&casefile(&site, &["build"]));
    assert!(built.contains("5 entries"), "{built}");
    let public = site.join("public");
    // The entries link each other both ways: the claim links the people and the
    // organisation, and their pages list it back.
    let claim = fs::read_to_string(public.join("claims/contract-claim/index.html")).unwrap();
    for target in [
        "/people/jordan-lee/",
        "/people/alex-moreau/",
        "/organisations/city-ledger/",
    ] {
        assert!(claim.contains(&format!("href=\"{target}\"")), "{target}");
    }
    let person = fs::read_to_string(public.join("people/alex-moreau/index.html")).unwrap();
    assert!(person.contains("Claims about Alex Moreau"), "{person}");
    assert!(person.contains("href=\"/organisations/harbour-works/\""));
    assert!(public.join("about/index.html").is_file());
    let home = fs::read_to_string(public.join("index.html")).unwrap();
    assert!(home.contains("href=\"/about/\""), "{home}");

    // `casefile new` works on the starter's collections.
    ok(&casefile(&site, &["new", "people", "sam-ortiz"]));
    assert!(site.join("content/people/sam-ortiz.md").is_file());
}

#[test]
fn the_starter_editorial_rule_refuses_a_claim_without_a_response() {
    let tmp = tempfile::tempdir().unwrap();
    ok(&casefile(tmp.path(), &["init"]));
    let claim = tmp.path().join("content/claims/contract-claim.md");
    let text = fs::read_to_string(&claim).unwrap();
    fs::write(
        &claim,
        text.replace("about: [alex-moreau]", "about: [alex-moreau, jordan-lee]"),
    )
    .unwrap();
    let o = casefile(tmp.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("content/claims/contract-claim.md:")
            && err.contains("every person a claim is about needs a response"),
        "{err}"
    );
}

#[test]
fn bare_writes_only_the_settings_and_the_home_page() {
    let tmp = tempfile::tempdir().unwrap();
    ok(&casefile(tmp.path(), &["init", "--bare", "site"]));
    let site = tmp.path().join("site");
    assert_eq!(names(&site), ["content/_index.md", "site.yaml"]);
    let check = casefile(&site, &["check"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    ok(&casefile(&site, &["build", "--quiet"]));
    assert!(site.join("public/index.html").is_file());
}

#[test]
fn a_folder_that_holds_a_site_or_content_is_refused_and_left_unchanged() {
    for (existing, mentioned) in [
        ("site.yaml", "site.yaml"),
        ("content/notes.md", "content"),
        (".github/workflows/pages.yml", ".github/workflows/pages.yml"),
    ] {
        for bare in [false, true] {
            if bare && existing.starts_with(".github") {
                continue;
            }
            let tmp = tempfile::tempdir().unwrap();
            let path = tmp.path().join(existing);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, "mine\n").unwrap();
            fs::write(tmp.path().join("README.md"), "mine\n").unwrap();
            let before = tree(tmp.path());
            let mut args = vec!["init"];
            if bare {
                args.push("--bare");
            }
            let o = casefile(tmp.path(), &args);
            assert_eq!(o.status.code(), Some(2), "{existing} bare={bare}");
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(
                err.contains(&format!("error: `./{mentioned}` already exists")),
                "{err}"
            );
            assert_eq!(tree(tmp.path()), before, "{existing} bare={bare}");
        }
    }
}

#[test]
fn an_existing_gitignore_is_kept_and_made_to_ignore_the_output() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join(".gitignore"), "/target\n").unwrap();
    let out = ok(&casefile(tmp.path(), &["init"]));
    assert!(out.contains("kept your .gitignore"), "{out}");
    assert_eq!(
        fs::read_to_string(tmp.path().join(".gitignore")).unwrap(),
        "/target\n/public/\n"
    );
    ok(&casefile(tmp.path(), &["build", "--quiet"]));
}
