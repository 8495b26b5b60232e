//! `casefile schema`, through the binary, validated with a real JSON Schema validator
//! (python3-jsonschema, Draft 2020-12, through scripts/check-front-matter.py): the schema
//! is a valid 2020-12 schema, accepts every content file of the bundled site, and rejects
//! what the build rejects for shape, in a temporary folder that holds no copy of the
//! repository.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn casefile(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_casefile"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("casefile runs")
}

/// Runs the validator script; panics with how to install it when python3-jsonschema is
/// missing (the check must not pass for want of a validator).
fn validate(schema: &Path, files: &[&Path]) -> Output {
    let o = Command::new("python3")
        .arg(repo().join("scripts/check-front-matter.py"))
        .arg(schema)
        .args(files)
        .output()
        .expect("python3 runs");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !err.contains("ModuleNotFoundError"),
        "install python3-jsonschema and python3-yaml (apt-get install python3-jsonschema python3-yaml): {err}"
    );
    o
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn markdown_files(dir: &Path) -> Vec<std::path::PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect()
}

#[test]
fn the_schema_accepts_every_file_of_the_bundled_site() {
    let tmp = tempfile::tempdir().unwrap();
    // Reads only site.yaml of the repository; writes the schema in the temporary folder.
    let o = casefile(tmp.path(), &["schema", "--root", repo().to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let schema = tmp.path().join("site.schema.json");
    fs::write(&schema, &o.stdout).unwrap();
    let value: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        value["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    for name in ["people", "bodies", "allegations", "page"] {
        assert!(value["$defs"][name].is_object(), "{name}");
    }
    let files = markdown_files(&repo().join("content"));
    assert!(files.len() > 20, "{}", files.len());
    let paths: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    let v = validate(&schema, &paths);
    assert!(
        v.status.success(),
        "{}{}",
        String::from_utf8_lossy(&v.stdout),
        String::from_utf8_lossy(&v.stderr)
    );
}

#[test]
fn the_schema_rejects_what_the_build_rejects_for_shape() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(
        root,
        "site.yaml",
        "title: Desk\ndescription: The desk.\nbase_url: https://example.org/\ncollections:\n  people:\n    title: People\n    fields:\n      role: { type: string, required: true }\n      desk: { type: ref, to: desks }\n      status: { type: enum, values: [staff, freelance] }\n      site: { type: url }\n  desks:\n    title: Desks\n",
    );
    write(
        root,
        "content/_index.md",
        "---\ntitle: Home\n---\nThe desk.\n",
    );
    write(
        root,
        "content/desks/news.md",
        "---\ntitle: News\nsummary: The news desk.\n---\n",
    );
    let good = "---\ntitle: Ada\nsummary: Editor.\ndate: 2023-03\nrole: Editor\ndesk: news\nstatus: staff\nsite: tel:+15550100\ntags: [editors]\n---\n";
    write(root, "content/people/ada.md", good);
    let o = casefile(root, &["build", "--quiet"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let o = casefile(root, &["schema", "people"]);
    assert!(o.status.success());
    let schema = root.join("people.schema.json");
    fs::write(&schema, &o.stdout).unwrap();
    let ada = root.join("content/people/ada.md");
    assert!(validate(&schema, &[&ada]).status.success());

    for (bad, expected_by_build) in [
        (
            good.replace("role: Editor\n", "role: Editor\nrloe: typo\n"),
            "unknown key `rloe`",
        ),
        (
            good.replace("title: Ada\n", ""),
            "missing required field `title`",
        ),
        (
            good.replace("role: Editor\n", ""),
            "missing required field `role`",
        ),
        (good.replace("status: staff", "status: boss"), "`boss`"),
        (
            good.replace("desk: news", "desk: News Desk"),
            "is not a valid slug",
        ),
        (good.replace("date: 2023-03", "date: 2023-13"), "date"),
        (
            good.replace("site: tel:+15550100", "site: javascript:alert(1)"),
            "`site`",
        ),
        (good.replace("tags: [editors]", "tags: editors"), "tags"),
    ] {
        write(root, "content/people/ada.md", &bad);
        let build = casefile(root, &["build", "--quiet"]);
        let err = String::from_utf8_lossy(&build.stderr);
        assert_eq!(build.status.code(), Some(1), "{bad}\n{err}");
        assert!(err.contains(expected_by_build), "{bad}\n{err}");
        let v = validate(&schema, &[&ada]);
        assert_eq!(
            v.status.code(),
            Some(1),
            "the schema accepted what the build refused:\n{bad}"
        );
    }

    let o = casefile(root, &["schema", "poeple"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no collection `poeple`"));
}
