//! Output folders as deploys use them, through the binary: modes and groups that must
//! survive a build, a umask that must not make the site unreadable, and output folders
//! that are mount points or are mounted elsewhere (bind mounts, container volumes).

#![cfg(unix)]

mod common;

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::Site;

/// `casefile build --root <site> --output <output>`, run by `sh` after `umask <umask>`.
fn build_with_umask(site: &Site, output: &Path, umask: &str) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_casefile"))
        .args(["build", "--root"])
        .arg(&site.root)
        .arg("--output")
        .arg(output)
        .output()
        .expect("casefile runs")
}

fn build(site: &Site, output: &Path) -> String {
    let out = build_with_umask(site, output, "022");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

/// Every file and folder below `dir`, with its mode.
fn modes_below(dir: &Path) -> Vec<(PathBuf, u32)> {
    common::files(dir)
        .into_iter()
        .flat_map(|rel| {
            let path = dir.join(&rel);
            let folders: Vec<PathBuf> = Path::new(&rel)
                .ancestors()
                .skip(1)
                .filter(|a| !a.as_os_str().is_empty())
                .map(|a| dir.join(a))
                .collect();
            std::iter::once(path).chain(folders)
        })
        .map(|p| {
            let m = mode(&p);
            (p, m)
        })
        .collect()
}

#[test]
fn a_umask_of_077_still_gives_a_site_others_can_read() {
    let site = Site::copy("serve-site");
    let output = site.out("public");
    let out = build_with_umask(&site, &output, "077");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let modes = modes_below(&output);
    assert!(modes.len() > 10, "{modes:?}");
    for (path, m) in modes {
        let want = if path.is_dir() { 0o755 } else { 0o644 };
        assert_eq!(m, want, "{}", path.display());
    }
    assert_eq!(mode(&output), 0o755);
}

#[test]
fn the_output_folder_keeps_its_mode_and_group_across_builds() {
    let site = Site::copy("serve-site");
    let output = site.out("public");
    build(&site, &output);
    fs::set_permissions(&output, fs::Permissions::from_mode(0o750)).unwrap();
    // Root can give the folder any group; others only one of their own.
    let gid = 4243;
    let group_set = std::os::unix::fs::chown(&output, None, Some(gid)).is_ok();
    if !group_set {
        eprintln!("skipped the group check: only root can give the folder another group");
    }
    let before = fs::metadata(&output).unwrap();
    build(&site, &output);
    let after = fs::metadata(&output).unwrap();
    assert_eq!(mode(&output), 0o750);
    assert_eq!(after.uid(), before.uid());
    assert_eq!(after.gid(), before.gid());
    if group_set {
        assert_eq!(after.gid(), gid);
    }
}

/// A bind mount, unmounted when dropped.
struct BindMount(PathBuf);

impl BindMount {
    /// `mount --bind from to`, or why the machine does not allow it.
    fn new(from: &Path, to: &Path) -> Result<BindMount, String> {
        let out = Command::new("mount")
            .arg("--bind")
            .arg(from)
            .arg(to)
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        match out.status.success() {
            true => Ok(BindMount(to.to_path_buf())),
            false => Err(String::from_utf8_lossy(&out.stderr).trim().to_string()),
        }
    }
}

impl Drop for BindMount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
fn an_output_folder_that_is_a_mount_point_is_updated_in_place() {
    let site = Site::copy("serve-site");
    let (store, output) = (site.out("store"), site.out("public"));
    fs::create_dir_all(&store).unwrap();
    fs::create_dir_all(&output).unwrap();
    fs::write(store.join(".nojekyll"), "").unwrap();
    let _mount = match BindMount::new(&store, &output) {
        Ok(m) => m,
        Err(why) => {
            eprintln!("skipped: this machine does not allow `mount --bind` ({why})");
            return;
        }
    };
    fs::write(output.join("stale.html"), "old").unwrap();
    let line = build(&site, &output);
    assert!(
        line.contains(
            "(updated in place, file by file, not atomically: the output folder is a mount point)"
        ),
        "{line}"
    );
    // The mounted folder holds the site (there was no swap: `Device or resource busy`).
    assert!(store.join("people/ada/index.html").is_file());
    assert!(
        !store.join("stale.html").exists(),
        "stale files are removed"
    );
    assert!(store.join(".nojekyll").exists(), "dotfiles are kept");
    // And stays correct when the site changes.
    site.remove("content/people/bob.md");
    site.replace("content/people/ada.md", "[[bob]]", "Bob");
    let out = build_with_umask(&site, &output, "022");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!store.join("people/bob").exists());
    assert!(store.join("people/ada/index.html").is_file());
}

#[test]
fn an_output_folder_mounted_elsewhere_too_keeps_its_folder() {
    let site = Site::copy("serve-site");
    let (output, elsewhere) = (site.out("public"), site.out("web-root"));
    build(&site, &output);
    fs::create_dir_all(&elsewhere).unwrap();
    // As a web server container would see it through a volume.
    let _mount = match BindMount::new(&output, &elsewhere) {
        Ok(m) => m,
        Err(why) => {
            eprintln!("skipped: this machine does not allow `mount --bind` ({why})");
            return;
        }
    };
    site.replace("content/people/ada.md", "Ada Lovelace", "Ada King");
    let line = build(&site, &output);
    assert!(
        line.contains("not atomically: the output folder is also mounted at `"),
        "{line}"
    );
    let page = fs::read_to_string(elsewhere.join("people/ada/index.html")).unwrap();
    assert!(
        page.contains("Ada King"),
        "the other mount sees the new build"
    );
}
