//! Rebuilds the binary when a file is added to or removed from `themes/default/`, which
//! `src/theme.rs` compiles in: `include_dir!` tracks the files it read, not new ones.

fn main() {
    println!("cargo:rerun-if-changed=themes/default");
}
