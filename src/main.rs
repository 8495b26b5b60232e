//! The `casefile` command line: parse arguments, call the library, print diagnostics,
//! exit with 0 (success), 1 (content or template errors) or 2 (usage or config errors).

use std::io::IsTerminal;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use casefile::{BuildOptions, Diagnostics, Printer, Progress, Report, ServeError, ServeOptions};

#[derive(Parser)]
#[command(
    name = "casefile",
    version,
    about = "Builds cross-linked explainer sites from Markdown and YAML"
)]
struct Cli {
    /// When to colour diagnostics: `auto` colours them on a terminal unless `NO_COLOR` is set.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether diagnostics on stderr get colours.
    fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stderr().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
            }
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (replaced only when the build succeeds).
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Output folder [default: <root>/public].
        #[arg(long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Override `base_url` from site.yaml (for preview deploys).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Include entries marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Print nothing on success.
        #[arg(long, short)]
        quiet: bool,
        #[command(flatten)]
        deny: DenyArgs,
    },
    /// Check everything a build checks, rendering in memory and writing nothing.
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// Include entries marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// List the external URLs the site links to, with the pages that use them.
        #[arg(long)]
        external: bool,
        #[command(flatten)]
        deny: DenyArgs,
    },
    /// Serve the site from memory on localhost, rebuild on every change and reload open pages.
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// Port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on. Another than 127.0.0.1 or ::1 lets other machines read the site and its build errors.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
        bind: IpAddr,
        /// Also answer requests for this host name (a proxy or tunnel in front); repeatable.
        /// localhost and IP addresses are always answered.
        #[arg(long = "allow-host", value_name = "NAME", value_parser = casefile::allowed_host_name)]
        allow_hosts: Vec<String>,
        /// Open connections answered (event streams included); past it, new ones get 503.
        #[arg(long, value_name = "N", default_value_t = casefile::MAX_CONNECTIONS as u32, value_parser = clap::value_parser!(u32).range(1..=65536))]
        max_connections: u32,
        /// Open the site in a browser.
        #[arg(long)]
        open: bool,
        /// Include entries marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Print only the address and problems.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Create `content/<collection>/<slug>.md` with every field of the collection's schema.
    New {
        /// The collection, as declared in site.yaml (e.g. `people`).
        collection: String,
        /// The new entry's slug: lowercase letters, digits and single hyphens.
        slug: String,
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Start a new site in DIR: settings, collections, linked example entries, CI workflow.
    Init {
        /// The new site's folder (created if missing) [default: the current folder].
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Write only site.yaml and content/_index.md.
        #[arg(long)]
        bare: bool,
    },
    /// Print a JSON Schema (draft 2020-12) of the front matter of COLLECTION's entries, or
    /// of every collection and page, for editors, CMS forms and pre-commit checks.
    Schema {
        /// One collection, as declared in site.yaml [default: all, under `$defs`].
        collection: Option<String>,
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Work with the built-in theme.
    Theme {
        #[command(subcommand)]
        action: ThemeAction,
    },
}

#[derive(Subcommand)]
enum ThemeAction {
    /// Write the built-in theme to `themes/NAME/` to restyle it (set `theme: NAME` in site.yaml).
    Copy {
        /// The new theme folder's name.
        #[arg(default_value = "default")]
        name: String,
        #[command(flatten)]
        site: SiteArgs,
    },
}

#[derive(Args)]
struct DenyArgs {
    /// `--deny warnings` makes warnings fail the run (exit 1), as errors do: for CI.
    #[arg(long, value_enum, value_name = "WHAT")]
    deny: Vec<Denied>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Denied {
    Warnings,
}

impl DenyArgs {
    fn warnings(&self) -> bool {
        self.deny.contains(&Denied::Warnings)
    }
}

#[derive(Args)]
struct SiteArgs {
    /// The site folder, holding site.yaml.
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match std::panic::catch_unwind(|| run(cli)) {
        Ok(code) => code,
        Err(_) => {
            eprintln!("error: internal error in casefile (this is a bug); the output folder was not changed");
            ExitCode::from(70)
        }
    }
}

fn run(cli: Cli) -> ExitCode {
    let color = cli.color.enabled();
    match cli.command {
        Command::Build {
            site,
            output,
            base_url,
            drafts,
            quiet,
            deny,
        } => {
            let root = site.root.clone();
            let options = BuildOptions {
                root: site.root,
                output,
                base_url,
                drafts,
            };
            let mut config = match casefile::load_config(&options) {
                Ok(config) => config,
                Err(diagnostics) => return fail(&diagnostics, &root, color),
            };
            config.deny_warnings = deny.warnings();
            let progress = ProgressDisplay::start(!quiet);
            let result = casefile::build_with(&config, &|p| progress.update(p));
            progress.finish();
            match result {
                Ok(report) => {
                    warn(&report, &root, color);
                    if !quiet {
                        println!("{}", summary("built", &report, Some(&config.output)));
                    }
                    ExitCode::SUCCESS
                }
                Err(diagnostics) => fail(&diagnostics, &root, color),
            }
        }
        Command::Check {
            site,
            drafts,
            external,
            deny,
        } => {
            let root = site.root.clone();
            let options = BuildOptions {
                root: site.root,
                drafts,
                ..BuildOptions::default()
            };
            let mut config = match casefile::load_config(&options) {
                Ok(config) => config,
                Err(diagnostics) => return fail(&diagnostics, &root, color),
            };
            config.deny_warnings = deny.warnings();
            let progress = ProgressDisplay::start(true);
            let result = casefile::check_with(&config, &|p| progress.update(p));
            progress.finish();
            match result {
                Ok((report, links)) => {
                    warn(&report, &root, color);
                    println!("{}", summary("checked", &report, None));
                    println!(
                        "checked {} internal links and assets on {} pages: all resolve",
                        links.links, links.pages
                    );
                    if external {
                        println!(
                            "{} external URLs (listed, not fetched: casefile does not go on the network):",
                            links.external.len()
                        );
                        for (url, pages) in &links.external {
                            let pages: Vec<&str> = pages.iter().map(String::as_str).collect();
                            println!("{url}\n    used on: {}", pages.join(", "));
                        }
                    }
                    ExitCode::SUCCESS
                }
                Err(diagnostics) => fail(&diagnostics, &root, color),
            }
        }
        Command::Serve {
            site,
            port,
            bind,
            allow_hosts,
            max_connections,
            open,
            drafts,
            quiet,
        } => {
            let options = ServeOptions {
                root: site.root,
                bind,
                port,
                open,
                drafts,
                color,
                quiet,
                allow_hosts,
                max_connections: max_connections as usize,
            };
            match casefile::serve(options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    let (code, hint) = match e {
                        ServeError::Bind { .. } => (
                            2,
                            Some(
                                "pick another port with `--port N`, or `--port 0` for any free one",
                            ),
                        ),
                        _ => (1, None),
                    };
                    usage_error(&e.to_string(), hint, color);
                    ExitCode::from(code)
                }
            }
        }
        Command::New {
            collection,
            slug,
            site,
        } => {
            let root = site.root.clone();
            let options = BuildOptions {
                root: site.root,
                ..BuildOptions::default()
            };
            let config = match casefile::load_config(&options) {
                Ok(config) => config,
                Err(diagnostics) => return fail(&diagnostics, &root, color),
            };
            match casefile::new_entry(&config, &collection, &slug) {
                Ok(created) => {
                    println!(
                        "created {}; fill in {}",
                        created.path.display(),
                        created
                            .required
                            .iter()
                            .map(|f| format!("`{f}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                    if !created.shared_with.is_empty() {
                        println!(
                            "note: `{slug}` is also a slug in {}; link to this entry as `[[{collection}/{slug}]]`",
                            created
                                .shared_with
                                .iter()
                                .map(|c| format!("`{c}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(refused) => {
                    usage_error(&refused.error.to_string(), refused.hint.as_deref(), color);
                    ExitCode::from(2)
                }
            }
        }
        Command::Schema { collection, site } => {
            let root = site.root.clone();
            let options = BuildOptions {
                root: site.root,
                ..BuildOptions::default()
            };
            let config = match casefile::load_config(&options) {
                Ok(config) => config,
                Err(diagnostics) => return fail(&diagnostics, &root, color),
            };
            let schema = match &collection {
                None => casefile::site_schema(&config),
                Some(name) => match casefile::collection_schema(&config, name) {
                    Some(schema) => schema,
                    None => {
                        let known: Vec<String> = config
                            .collections
                            .iter()
                            .map(|c| format!("`{}`", c.name))
                            .collect();
                        usage_error(
                            &format!("there is no collection `{name}` in site.yaml"),
                            Some(&format!("collections: {}", known.join(", "))),
                            color,
                        );
                        return ExitCode::from(2);
                    }
                },
            };
            println!(
                "{}",
                serde_json::to_string_pretty(&schema).expect("a schema serialises")
            );
            ExitCode::SUCCESS
        }
        Command::Init { dir, bare } => match casefile::init_site(&dir, bare) {
            Ok(done) => {
                println!("wrote {} files to {}", done.written.len(), dir.display());
                if done.gitignore_appended {
                    println!("kept your .gitignore and made it ignore public/");
                }
                let cd = if dir == Path::new(".") {
                    String::new()
                } else {
                    format!("cd {} && ", dir.display())
                };
                println!("next: {cd}casefile serve --open   (casefile build writes public/)");
                if !bare {
                    println!(
                        "to publish with GitHub Pages, set the casefile address in .github/workflows/pages.yml"
                    );
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                usage_error(&e.to_string(), e.hint(), color);
                ExitCode::from(2)
            }
        },
        Command::Theme {
            action: ThemeAction::Copy { name, site },
        } => match casefile::copy_builtin_theme(&site.root, &name) {
            Ok((folder, count)) => {
                println!("wrote {count} files to {}", folder.display());
                if name != "default" {
                    println!("set `theme: {name}` in site.yaml to use it");
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                usage_error(&e.to_string(), None, color);
                ExitCode::from(2)
            }
        },
    }
}

/// Prints the diagnostics with source lines and carets, and returns their exit code.
/// The warnings of a run that succeeded, on stderr.
fn warn(report: &Report, root: &Path, color: bool) {
    eprint!(
        "{}",
        Printer::new(root, color).format_each(&report.warnings)
    );
}

fn fail(diagnostics: &Diagnostics, root: &Path, color: bool) -> ExitCode {
    eprint!("{}", Printer::new(root, color).format_all(diagnostics));
    ExitCode::from(diagnostics.exit_code() as u8)
}

/// `error: message` and an optional `  = help: hint`, for problems with the command itself.
fn usage_error(message: &str, hint: Option<&str>, color: bool) {
    let (red, cyan) = if color {
        (
            anstyle::AnsiColor::Red.on_default().bold(),
            anstyle::AnsiColor::Cyan.on_default().bold(),
        )
    } else {
        (anstyle::Style::new(), anstyle::Style::new())
    };
    eprintln!("{}error{}: {message}", red.render(), red.render_reset());
    if let Some(hint) = hint {
        eprintln!("  = {}help{}: {hint}", cyan.render(), cyan.render_reset());
    }
}

/// A progress bar on stderr for runs that take more than a moment: hidden for the first
/// 300 ms, and never drawn when stderr is not a terminal or output is quiet.
struct ProgressDisplay {
    bar: ProgressBar,
    done: Arc<AtomicBool>,
}

impl ProgressDisplay {
    const DELAY: Duration = Duration::from_millis(300);

    fn start(enabled: bool) -> Self {
        let bar = ProgressBar::hidden();
        let done = Arc::new(AtomicBool::new(false));
        if enabled && std::io::stderr().is_terminal() {
            let bar = bar.clone();
            let done = Arc::clone(&done);
            std::thread::spawn(move || {
                std::thread::sleep(Self::DELAY);
                if !done.load(Ordering::SeqCst) {
                    bar.set_draw_target(ProgressDrawTarget::stderr());
                    bar.enable_steady_tick(Duration::from_millis(100));
                }
            });
        }
        bar.set_style(Self::spinner());
        ProgressDisplay { bar, done }
    }

    fn spinner() -> ProgressStyle {
        ProgressStyle::with_template("{spinner} {msg}").expect("valid template")
    }

    fn update(&self, progress: Progress) {
        match progress {
            Progress::Stage(stage) => {
                self.bar.set_style(Self::spinner());
                self.bar.set_message(stage);
            }
            Progress::Pages(n) => {
                self.bar.set_length(n as u64);
                self.bar.set_position(0);
                self.bar.set_style(
                    ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} pages")
                        .expect("valid template")
                        .progress_chars("=> "),
                );
            }
            Progress::Page => {
                if self.bar.position() < self.bar.length().unwrap_or(0) {
                    self.bar.inc(1);
                }
            }
        }
    }

    fn finish(self) {
        self.done.store(true, Ordering::SeqCst);
        self.bar.finish_and_clear();
    }
}

fn summary(verb: &str, report: &Report, output: Option<&PathBuf>) -> String {
    let entries: Vec<String> = report
        .entries
        .iter()
        .map(|(c, n)| format!("{c}: {n}"))
        .collect();
    let entries = if entries.is_empty() {
        String::new()
    } else {
        format!(" ({})", entries.join(", "))
    };
    let total: usize = report.entries.iter().map(|(_, n)| n).sum();
    let place = output
        .map(|o| format!(" into {}", o.display()))
        .unwrap_or_default();
    let how = report
        .in_place
        .as_ref()
        .map(|why| format!(" (updated in place, file by file, not atomically: {why})"))
        .unwrap_or_default();
    let media = match report.encoded + report.reused {
        0 => String::new(),
        n => format!(
            " ({}: {} encoded, {} from the cache)",
            counted(n, "image or share card", "images and share cards"),
            report.encoded,
            report.reused
        ),
    };
    let warnings = match report.warnings.len() {
        0 => String::new(),
        1 => " (1 warning)".into(),
        n => format!(" ({n} warnings)"),
    };
    format!(
        "{verb} {} from {}{entries} and {}, {}{media}, {:.1} KB{place} in {:.2} s{how}{warnings}",
        counted(report.rendered, "page", "pages"),
        counted(total, "entry", "entries"),
        counted(report.pages, "standalone page", "standalone pages"),
        counted(report.files, "file", "files"),
        report.bytes as f64 / 1024.0,
        report.elapsed.as_secs_f64()
    )
}

/// `1 entry`, `2 entries`: the summary line counts in words that agree with the number.
fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_in_words_that_agree_with_the_number() {
        let mut report = Report::default();
        report.entries = vec![("people".into(), 1), ("claims".into(), 0)];
        (report.pages, report.rendered, report.files, report.encoded) = (1, 1, 1, 1);
        let line = summary("built", &report, None);
        assert!(
            line.starts_with(
                "built 1 page from 1 entry (people: 1, claims: 0) and 1 standalone page, 1 file \
                 (1 image or share card: 1 encoded, 0 from the cache)"
            ),
            "{line}"
        );
    }
}
