//! Loading the theme's and the site's tera templates, and locating template errors.
//!
//! Site templates (`templates/`) override the theme's (`themes/<name>/templates/`, or
//! the built-in theme's when the site has no such folder) of the same name. Every
//! template error is turned into a diagnostic naming the template *file*, its line and
//! column, so an editor can open the right file.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use tera::{ErrorKind, Tera};
use thiserror::Error;

use super::reads::{Aggregate, Reads, ReadsOf};
use super::site_folder::{files_in, FolderKind};
use crate::config::Config;
use crate::diagnostic::{relative_to, Diagnostic, Diagnostics, Location, Place, Span, Stage};
use crate::markdown::{component_template, ComponentTemplates, COMPONENTS};
use crate::text_file::{self, FileError};
use crate::theme::{self, ThemeSource};

/// Templates larger than this are refused.
pub(super) const MAX_TEMPLATE_BYTES: u64 = 8 * 1024 * 1024;

/// Problems with templates.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub(crate) enum TemplateError {
    /// A file that could not be read.
    #[error("cannot read template: {0}")]
    Unreadable(String),
    /// A named pipe, a socket or a device where a template should be.
    #[error("this is {0}, not a file: templates must be regular files")]
    NotAFile(&'static str),
    /// Larger than [`MAX_TEMPLATE_BYTES`].
    #[error("template is {size} bytes; templates are limited to {limit} bytes")]
    TooLarge {
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// Not UTF-8.
    #[error("template is not valid UTF-8 text")]
    NotUtf8,
    /// A syntax or rendering error reported by tera.
    #[error("{0}")]
    Tera(String),
    /// No template for a kind of page.
    #[error("no template for {what}: add one of {names}")]
    Missing {
        /// What needed a template.
        what: String,
        /// The names looked up, in order.
        names: String,
    },
}

/// The loaded templates and the file each name came from.
pub(crate) struct Templates {
    /// The tera instance, functions registered by the caller.
    pub tera: Tera,
    files: HashMap<String, PathBuf>,
    /// What each template (with its parents and includes) can read of the site.
    reads: HashMap<String, Reads>,
}

impl Templates {
    /// The lists of entries the template `name` can read.
    pub(crate) fn reads(&self, name: &str) -> &[Aggregate] {
        self.reads
            .get(name)
            .map(Vec::as_slice)
            .unwrap_or(&Aggregate::ALL)
    }

    /// The first of `names` that exists.
    pub(crate) fn pick<'n>(&self, names: &'n [String]) -> Option<&'n str> {
        names
            .iter()
            .map(String::as_str)
            .find(|n| self.tera.contains_template(n))
    }

    /// The site-relative file of a template name.
    pub(crate) fn file(&self, name: &str) -> PathBuf {
        self.files
            .get(name)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(name))
    }

    /// Diagnostics for a load-time error: one per report when tera joined several.
    pub(crate) fn diagnostics(&self, error: &tera::Error, template: &str) -> Vec<Diagnostic> {
        if let ErrorKind::Msg(text) = error.kind() {
            let reports = parse_reports(text);
            if !reports.is_empty() {
                return reports
                    .into_iter()
                    .map(|(name, message, at)| {
                        Diagnostic::new(
                            Stage::Render,
                            self.file(&name),
                            TemplateError::Tera(message),
                        )
                        .at(Some(at))
                    })
                    .collect();
            }
        }
        vec![self.diagnostic(error, template, None)]
    }

    /// A diagnostic for a tera error, located in the template file that caused it.
    pub(crate) fn diagnostic(
        &self,
        error: &tera::Error,
        template: &str,
        rendering: Option<&str>,
    ) -> Diagnostic {
        let context = rendering
            .map(|url| format!(" (while rendering `{url}`)"))
            .unwrap_or_default();
        match error.kind() {
            ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
                let span = report.span();
                let file = if report.filename().is_empty() {
                    template
                } else {
                    report.filename()
                };
                let mut message = report.message().to_string();
                if let Some(source) = std::error::Error::source(error) {
                    message.push_str(&format!(": {source}"));
                }
                let place = Place {
                    location: Location::new(span.start_line.max(1), span.start_col + 1),
                    span: Some(Span::new(span.range.start, span.range.end)),
                };
                Diagnostic::new(
                    Stage::Render,
                    self.file(file),
                    TemplateError::Tera(format!("{message}{context}")),
                )
                .at(Some(place))
            }
            _ => {
                let mut message = error.to_string();
                if let Some(source) = std::error::Error::source(error) {
                    message.push_str(&format!(": {source}"));
                }
                Diagnostic::new(
                    Stage::Render,
                    self.file(template),
                    TemplateError::Tera(format!("{message}{context}")),
                )
            }
        }
    }
}

/// Templates that any theme without its own gets from the built-in theme: pages that
/// carry no design of the theme's (a redirect page only sends readers on).
const ENGINE_TEMPLATES: [&str; 1] = ["redirect.html"];

/// The theme's templates, then the site's over them: name to text, name to the file it
/// came from, and the files that could not be read.
fn template_sources(
    config: &Config,
) -> (
    BTreeMap<String, String>,
    HashMap<String, PathBuf>,
    Diagnostics,
) {
    let mut problems = Vec::new();
    let kind = FolderKind {
        folder: "templates",
        files: "templates",
    };
    let mut sources: BTreeMap<String, String> = BTreeMap::new();
    let mut files = HashMap::new();
    let mut diagnostics = Diagnostics::new();
    let mut dirs = vec![config.root.join("templates")];
    match ThemeSource::of(&config.root, &config.site.theme) {
        Some(ThemeSource::Folder(dir)) => dirs.insert(0, dir.join("templates")),
        Some(ThemeSource::Builtin) | None => {
            for (name, bytes) in theme::builtin_files("templates") {
                let text = String::from_utf8_lossy(bytes).into_owned();
                files.insert(
                    name.clone(),
                    Path::new(theme::BUILTIN_LABEL)
                        .join("templates")
                        .join(&name),
                );
                sources.insert(name, text);
            }
        }
    }
    // The site's templates replace the theme's of the same name.
    let found: BTreeMap<String, (PathBuf, PathBuf)> = dirs
        .iter()
        .flat_map(|dir| files_in(dir, &config.root, kind, &mut problems))
        .map(|(name, path)| {
            let rel = relative_to(&path, &config.root);
            (name, (path, rel))
        })
        .collect();
    diagnostics.extend(problems);
    // A page the engine added after a theme was copied has its built-in template, so an
    // older copy keeps building when an editor first renames an entry.
    for name in ENGINE_TEMPLATES {
        if !sources.contains_key(name) && !found.contains_key(name) {
            if let Some((_, bytes)) = theme::builtin_files("templates")
                .into_iter()
                .find(|(n, _)| n == name)
            {
                let path = Path::new(theme::BUILTIN_LABEL).join("templates").join(name);
                files.insert(name.to_string(), path);
                sources.insert(
                    name.to_string(),
                    String::from_utf8_lossy(bytes).into_owned(),
                );
            }
        }
    }

    for (name, (abs, rel)) in found {
        match text_file::read_text(&abs, MAX_TEMPLATE_BYTES) {
            Ok(text) => {
                sources.insert(name.clone(), text);
                files.insert(name, rel);
            }
            Err(e) => {
                let (error, at) = match e {
                    FileError::Unreadable(message) => (TemplateError::Unreadable(message), None),
                    FileError::NotAFile(what) => (TemplateError::NotAFile(what), None),
                    FileError::TooLarge { size, limit } => {
                        (TemplateError::TooLarge { size, limit }, None)
                    }
                    FileError::NotUtf8(at) => (TemplateError::NotUtf8, Some(at)),
                };
                diagnostics.push(Diagnostic::new(Stage::Render, rel, error).at(at));
            }
        }
    }
    (sources, files, diagnostics)
}

/// The templates that draw Markdown components and callouts (`components/<name>.html`),
/// the site's over the theme's. Markdown is rendered before pages, so these are loaded on
/// their own, with the functions and filters that need no page
/// ([`super::register_text_functions`]); one that cannot be loaded so is an error naming
/// its file. Files that cannot be read are reported by [`load_templates`].
pub(crate) fn component_templates(config: &Config) -> Result<ComponentTemplates, Diagnostics> {
    let (sources, files, _) = template_sources(config);
    let mut found: Vec<(String, String, String)> = Vec::new();
    for name in COMPONENTS.iter().map(|name| component_template(name)) {
        if let (Some(text), Some(file)) = (sources.get(&name), files.get(&name)) {
            let shown = file.to_string_lossy().into_owned();
            found.push((name, text.clone(), shown));
        }
    }
    let mut tera = Tera::new();
    super::register_text_functions(&mut tera, config);
    ComponentTemplates::new(tera, &found).map_err(|problems| {
        // Placed like any template error: at the file, line and column tera names.
        let located = Templates {
            tera: Tera::new(),
            files,
            reads: HashMap::new(),
        };
        let hint = "a component template sees its arguments, `word()` and the filters that \
                    need no page (`humanize`, `human_date`): not `site`, `page`, `url_for`, \
                    `components.html`, `{% extends %}` or `{% include %}`";
        let mut diagnostics = Diagnostics::new();
        for (name, error) in problems {
            for d in located.diagnostics(&error, &name) {
                diagnostics.push(d.with_hint(Some(hint.to_string())));
            }
        }
        diagnostics
    })
}

/// Loads the theme's templates, then the site's over them, into `tera` (which must
/// already have the site's functions and filters: tera checks every name at load time).
pub(crate) fn load_templates(config: &Config, tera: Tera) -> Result<Templates, Diagnostics> {
    let (sources, files, mut diagnostics) = template_sources(config);
    let mut templates = Templates {
        tera,
        files,
        reads: HashMap::new(),
    };
    // tera stops at the first bad template of a batch; parse each alone first so that
    // every syntax error is reported in one run.
    for (name, text) in &sources {
        let mut alone = Tera::new();
        alone.register_from(&templates.tera);
        if let Err(e) = alone.add_raw_template(name, text) {
            if matches!(e.kind(), ErrorKind::SyntaxError(_)) {
                diagnostics.push(templates.diagnostic(&e, name, None));
            }
        }
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics.sorted());
    }
    if let Err(e) = templates
        .tera
        .add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
    {
        let name = match e.kind() {
            ErrorKind::MissingParent { current, .. }
            | ErrorKind::CircularExtend { tpl: current, .. }
            | ErrorKind::CircularInclude { tpl: current, .. } => current.clone(),
            _ => String::new(),
        };
        diagnostics.extend(templates.diagnostics(&e, &name));
        return Err(diagnostics.sorted());
    }
    let mut analysis = ReadsOf::new(&sources);
    templates.reads = sources
        .keys()
        .map(|name| (name.clone(), analysis.of(name)))
        .collect();
    Ok(templates)
}

/// tera reports unknown filters, functions and templates as one message made of several
/// reports (`error: ...` then `--> name:line:col`); this splits them into diagnostics.
fn parse_reports(text: &str) -> Vec<(String, String, Location)> {
    let mut out = Vec::new();
    let mut message: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let Some(m) = trimmed.strip_prefix("error: ") {
            message = Some(m.trim_start_matches("error: ").to_string());
        } else if let Some(place) = trimmed.strip_prefix("--> ") {
            let mut parts = place.rsplitn(3, ':');
            let col = parts.next().and_then(|c| c.parse().ok());
            let line_no = parts.next().and_then(|l| l.parse().ok());
            if let (Some(col), Some(line_no), Some(name), Some(m)) =
                (col, line_no, parts.next(), message.take())
            {
                out.push((name.to_string(), m, Location::new(line_no, col)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_joined_reports() {
        let text = "error: Unknown filter `x`\n  --> entry.html:3:7\n   |\n\nerror: Unknown function `y`\n --> base.html:11:27\n";
        let reports = parse_reports(text);
        assert_eq!(
            reports,
            vec![
                (
                    "entry.html".to_string(),
                    "Unknown filter `x`".to_string(),
                    Location::new(3, 7)
                ),
                (
                    "base.html".to_string(),
                    "Unknown function `y`".to_string(),
                    Location::new(11, 27)
                ),
            ]
        );
    }
}
