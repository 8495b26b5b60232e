//! The `casefile` command line: parse arguments, call the library, print diagnostics,
//! exit with 0 (success), 1 (content or template errors) or 2 (usage or config errors).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use casefile::{BuildOptions, Diagnostics, Report};

#[derive(Parser)]
#[command(
    name = "casefile",
    version,
    about = "Builds cross-linked explainer sites from Markdown and YAML"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
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
    },
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
    match cli.command {
        Command::Build {
            site,
            output,
            base_url,
            drafts,
            quiet,
        } => {
            let options = BuildOptions {
                root: site.root,
                output,
                base_url,
                drafts,
            };
            let config = match casefile::load_config(&options) {
                Ok(config) => config,
                Err(diagnostics) => return fail(&diagnostics),
            };
            match casefile::build(&config) {
                Ok(report) => {
                    if !quiet {
                        println!("{}", summary("built", &report, Some(&config.output)));
                    }
                    ExitCode::SUCCESS
                }
                Err(diagnostics) => fail(&diagnostics),
            }
        }
        Command::Check {
            site,
            drafts,
            external,
        } => {
            let options = BuildOptions {
                root: site.root,
                drafts,
                ..BuildOptions::default()
            };
            let config = match casefile::load_config(&options) {
                Ok(config) => config,
                Err(diagnostics) => return fail(&diagnostics),
            };
            match casefile::check(&config) {
                Ok((report, links)) => {
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
                Err(diagnostics) => fail(&diagnostics),
            }
        }
    }
}

fn fail(diagnostics: &Diagnostics) -> ExitCode {
    eprintln!("{diagnostics}");
    ExitCode::from(diagnostics.exit_code() as u8)
}

fn summary(verb: &str, report: &Report, output: Option<&PathBuf>) -> String {
    let entries: Vec<String> = report
        .entries
        .iter()
        .map(|(c, n)| format!("{n} {c}"))
        .collect();
    let total: usize = report.entries.iter().map(|(_, n)| n).sum();
    let place = output
        .map(|o| format!(" into {}", o.display()))
        .unwrap_or_default();
    format!(
        "{verb} {} pages from {total} entries ({}) and {} standalone page{}, {} files, {:.1} KB{place} in {:.2} s",
        report.rendered,
        entries.join(", "),
        report.pages,
        if report.pages == 1 { "" } else { "s" },
        report.files,
        report.bytes as f64 / 1024.0,
        report.elapsed.as_secs_f64()
    )
}
