//! `site.yaml` into a validated [`Config`]: site settings and the collection schemas.
//!
//! Collections are data, not Rust types: each one declares its fields and their types
//! here, and the later stages check entries against that. This stage reads only
//! `site.yaml` and the command-line overrides; it must not read content or templates.
//! Every problem is a config diagnostic (exit code 2), located in `site.yaml`.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_yaml::{Mapping, Value};
use thiserror::Error;

use crate::diagnostic::{did_you_mean, Diagnostic, Diagnostics, Location};
use crate::routes::slug::is_name;
pub use crate::routes::BaseUrl;
use crate::yaml_spans::{self, LimitError, PathSegment, SpanIndex};

/// Keys every entry has, whatever its collection.
pub const COMMON_KEYS: [&str; 6] = ["title", "summary", "date", "updated", "tags", "draft"];

/// The configuration of the site at `root` with default options; for unit tests of the
/// stages, which build small sites in temporary folders.
#[cfg(test)]
pub(crate) fn test_config(root: &std::path::Path) -> Config {
    load_config(&BuildOptions {
        root: root.to_path_buf(),
        ..BuildOptions::default()
    })
    .unwrap_or_else(|e| panic!("{e}"))
}

/// `site.yaml` files larger than this are refused.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// What the command line asks of a build, before `site.yaml` is read.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site folder (holding `site.yaml`).
    pub root: PathBuf,
    /// Where to write; default `<root>/public`.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` from `site.yaml` (preview deploys).
    pub base_url: Option<String>,
    /// Include entries marked `draft: true`.
    pub drafts: bool,
}

/// A validated site configuration: everything later stages need to know up front.
#[derive(Debug, Clone)]
pub struct Config {
    /// The site folder.
    pub root: PathBuf,
    /// The output folder.
    pub output: PathBuf,
    /// Whether drafts are built.
    pub drafts: bool,
    /// Site-wide settings.
    pub site: SiteSettings,
    /// The declared collections, in declaration order.
    pub collections: Vec<Collection>,
}

/// Site-wide settings from `site.yaml`.
#[derive(Debug, Clone)]
pub struct SiteSettings {
    /// The site's name.
    pub title: String,
    /// One or two sentences about the site.
    pub description: String,
    /// Where the site is deployed.
    pub base_url: BaseUrl,
    /// BCP 47 language tag, e.g. `en`.
    pub language: String,
    /// Theme folder name under `themes/`.
    pub theme: String,
    /// Raw HTML inside Markdown is passed through only when this is on.
    pub unsafe_html: bool,
    /// Free-form values for templates.
    pub extra: serde_json::Value,
    /// Top-level names in the output folder that builds keep (besides dotfiles), e.g. `CNAME`.
    pub keep: Vec<String>,
    /// schema.org type of the home page and standalone pages (default `WebPage`).
    pub schema_org: String,
    /// Whether to build the full-text search index.
    pub search: bool,
}

/// One declared collection.
#[derive(Debug, Clone)]
pub struct Collection {
    /// The key in `site.yaml` and the URL segment: `people`.
    pub name: String,
    /// Plural display name: `People`.
    pub title: String,
    /// Singular display name: `Person`.
    pub singular: String,
    /// schema.org type for structured data, e.g. `Person`.
    pub schema_org: Option<String>,
    /// How the collection's index orders entries.
    pub sort: SortOrder,
    /// Declared fields, in declaration order.
    pub fields: Vec<FieldSpec>,
    /// Editorial rules checked on every entry.
    pub checks: Vec<Check>,
}

impl Collection {
    /// The declared field called `name`.
    pub fn field(&self, name: &str) -> Option<&FieldSpec> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// Order of a collection's index page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    /// Alphabetical by title.
    Title,
    /// By date, oldest first; undated entries last.
    Date,
}

/// A declared field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSpec {
    /// The front-matter key.
    pub name: String,
    /// The value's type.
    pub kind: FieldKind,
    /// Whether an entry must give it.
    pub required: bool,
    /// Display label (default: the name, humanised).
    pub label: String,
    /// Heading for the backlink group on the referenced entry (ref fields only).
    pub backlink: Option<String>,
}

/// The type of a field's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldKind {
    /// Plain text.
    String,
    /// Inline Markdown rendered to HTML.
    Markdown,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    Date,
    /// One of the listed values.
    Enum(Vec<String>),
    /// An absolute `http(s)` or `mailto` URL.
    Url,
    /// `true` or `false`.
    Bool,
    /// A whole number.
    Integer,
    /// A list of plain strings.
    Strings,
    /// The slug of one entry of the named collection.
    Ref(String),
    /// A list of slugs of the named collection.
    Refs(String),
    /// A list of records whose fields are typed the same way.
    Records(Vec<FieldSpec>),
}

impl FieldKind {
    /// The name used in `site.yaml`.
    pub fn type_name(&self) -> &'static str {
        match self {
            FieldKind::String => "string",
            FieldKind::Markdown => "markdown",
            FieldKind::Date => "date",
            FieldKind::Enum(_) => "enum",
            FieldKind::Url => "url",
            FieldKind::Bool => "bool",
            FieldKind::Integer => "integer",
            FieldKind::Strings => "strings",
            FieldKind::Ref(_) => "ref",
            FieldKind::Refs(_) => "refs",
            FieldKind::Records(_) => "records",
        }
    }

    /// The target collection of a ref or refs field.
    pub fn target(&self) -> Option<&str> {
        match self {
            FieldKind::Ref(to) | FieldKind::Refs(to) => Some(to),
            _ => None,
        }
    }
}

const TYPE_NAMES: [&str; 11] = [
    "string", "markdown", "date", "enum", "url", "bool", "integer", "strings", "ref", "refs",
    "records",
];

/// An editorial rule declared on a collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// Every value of the refs `field` must appear as `key` in some record of `records`
    /// (e.g. every subject of an allegation has a response).
    EachHasRecord {
        /// A refs field.
        field: String,
        /// A records field.
        records: String,
        /// A ref field of those records.
        key: String,
        /// What the editor is told when the rule fails.
        message: String,
    },
}

/// What can be wrong in `site.yaml`.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// No `site.yaml` in the site folder.
    #[error("cannot read `site.yaml`: {0}")]
    Unreadable(String),
    /// Not valid YAML.
    #[error("invalid YAML: {0}")]
    Syntax(String),
    /// Not UTF-8 text.
    #[error("`site.yaml` is not valid UTF-8 text")]
    NotUtf8,
    /// Larger than [`MAX_CONFIG_BYTES`].
    #[error("`site.yaml` is {0} bytes; it is limited to {MAX_CONFIG_BYTES} bytes")]
    TooLarge(u64),
    /// A character YAML reads as a line break but editors do not show as one.
    #[error("`site.yaml` contains U+{:04X}, which YAML reads as a line break: remove it, or write it as `\\u{:04X}` in double quotes", *.0 as u32, *.0 as u32)]
    HiddenLineBreak(char),
    /// Passes one of the YAML limits.
    #[error("{0}")]
    Limit(LimitError),
    /// The same key twice in one mapping.
    #[error("duplicate key `{0}`")]
    DuplicateKey(String),
    /// A key the engine does not know.
    #[error("unknown key `{0}`")]
    UnknownKey(String),
    /// A required key is absent.
    #[error("missing required key `{0}`")]
    MissingKey(String),
    /// A value of the wrong shape.
    #[error("`{key}` must be {expected}")]
    WrongType {
        /// The key.
        key: String,
        /// What it must be.
        expected: &'static str,
    },
    /// An unusable base URL.
    #[error("`base_url` must be an absolute http(s) URL such as `https://example.org/explainer/`, not `{0}`")]
    BadBaseUrl(String),
    /// A field type that does not exist.
    #[error("unknown field type `{0}`")]
    UnknownType(String),
    /// A ref field pointing to an undeclared collection.
    #[error("field `{field}` refers to collection `{to}`, which is not declared")]
    UnknownCollection {
        /// The field.
        field: String,
        /// The collection it names.
        to: String,
    },
    /// A collection or field name that cannot be used.
    #[error("`{0}` is not a valid name: use lowercase letters, digits, `-` and `_`")]
    BadName(String),
    /// A collection name the engine uses itself.
    #[error("`{0}` is reserved for the engine's own pages")]
    ReservedName(String),
    /// A field that shadows a key every entry has.
    #[error("field `{0}` is built in; every entry already has it")]
    BuiltinField(String),
    /// A malformed editorial check.
    #[error("check: {0}")]
    BadCheck(String),
    /// A missing theme.
    #[error("theme `{0}` not found in `themes/`")]
    MissingTheme(String),
}

impl ConfigError {
    fn hint(&self, index_keys: &[&str]) -> Option<String> {
        match self {
            ConfigError::UnknownKey(key) => did_you_mean(key, index_keys.iter().copied()),
            ConfigError::UnknownType(name) => did_you_mean(name, TYPE_NAMES),
            ConfigError::UnknownCollection { to, .. } => {
                did_you_mean(to, index_keys.iter().copied())
            }
            ConfigError::Limit(limit) => limit.hint(),
            ConfigError::NotUtf8 => Some("save the file as UTF-8".into()),
            _ => None,
        }
    }
}

/// Reads and validates `<root>/site.yaml` with the command-line overrides.
pub fn load_config(options: &BuildOptions) -> Result<Config, Diagnostics> {
    let text = read_site_yaml(&options.root.join("site.yaml"))?;
    let mut reader = ConfigReader::new(&text)?;
    let config = reader.read(options);
    reader.diagnostics.into_result(config?)
}

/// The text of `site.yaml`: at most [`MAX_CONFIG_BYTES`], UTF-8, without a byte-order
/// mark and with LF line ends (what editors write is read as the plain form).
fn read_site_yaml(path: &std::path::Path) -> Result<String, Diagnostic> {
    use std::io::Read;
    let fail = |e: ConfigError, at: Option<Location>| {
        let hint = e.hint(&[]);
        Diagnostic::config("site.yaml", at, e).with_hint(hint)
    };
    let unreadable = |e: std::io::Error| fail(ConfigError::Unreadable(e.to_string()), None);
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        let size = std::fs::metadata(path).map_or(bytes.len() as u64, |m| m.len());
        return Err(fail(ConfigError::TooLarge(size), None));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
        fail(
            ConfigError::NotUtf8,
            Some(Location::of_offset(&prefix, valid)),
        )
    })?;
    let text = crate::load::normalise(text);
    if let Some((offset, c)) = yaml_spans::hidden_line_break(&text) {
        let at = Location::of_offset(&text, offset);
        return Err(fail(ConfigError::HiddenLineBreak(c), Some(at)));
    }
    Ok(text)
}

struct ConfigReader {
    spans: SpanIndex,
    root: Value,
    diagnostics: Diagnostics,
}

impl ConfigReader {
    fn new(text: &str) -> Result<ConfigReader, Diagnostics> {
        let spans = SpanIndex::scan(text).map_err(|limit| {
            let error = ConfigError::Limit(limit.error);
            let hint = error.hint(&[]);
            Diagnostic::config("site.yaml", Some(limit.at), error).with_hint(hint)
        })?;
        if !spans.duplicate_keys().is_empty() {
            let mut diagnostics = Diagnostics::new();
            for (name, at) in spans.duplicate_keys() {
                diagnostics.push(Diagnostic::config(
                    "site.yaml",
                    Some(*at),
                    ConfigError::DuplicateKey(name.clone()),
                ));
            }
            return Err(diagnostics.sorted());
        }
        let root: Value = yaml_spans::parse_value(text).map_err(|e| {
            let location = e.location().map(|l| Location::new(l.line(), l.column()));
            Diagnostic::config(
                "site.yaml",
                location,
                ConfigError::Syntax(yaml_spans::describe(&e)),
            )
        })?;
        Ok(ConfigReader {
            spans,
            root,
            diagnostics: Diagnostics::new(),
        })
    }

    fn error(&mut self, path: &[PathSegment], error: ConfigError, known: &[&str]) {
        let hint = error.hint(known);
        let location = match &error {
            ConfigError::UnknownKey(_)
            | ConfigError::BadName(_)
            | ConfigError::ReservedName(_)
            | ConfigError::BuiltinField(_) => {
                self.spans.key(path).or_else(|| self.spans.best(path))
            }
            _ => self.spans.best(path),
        };
        self.diagnostics
            .push(Diagnostic::config("site.yaml", location, error).with_hint(hint));
    }

    fn read(&mut self, options: &BuildOptions) -> Result<Config, Diagnostics> {
        let root = self.root.clone();
        let Some(map) = root.as_mapping() else {
            self.error(
                &[],
                ConfigError::WrongType {
                    key: "site.yaml".into(),
                    expected: "a mapping",
                },
                &[],
            );
            return Err(std::mem::take(&mut self.diagnostics).sorted());
        };
        const TOP: [&str; 11] = [
            "title",
            "description",
            "base_url",
            "language",
            "theme",
            "extra",
            "markdown",
            "collections",
            "keep",
            "schema_org",
            "search",
        ];
        self.unknown_keys(map, &[], &TOP);

        let title = self.string(map, &[], "title", true).unwrap_or_default();
        let description = self
            .string(map, &[], "description", false)
            .unwrap_or_default();
        let language = self
            .string(map, &[], "language", false)
            .unwrap_or_else(|| "en".into());
        let theme = self
            .string(map, &[], "theme", false)
            .unwrap_or_else(|| "default".into());
        let raw_base = options
            .base_url
            .clone()
            .or_else(|| self.string(map, &[], "base_url", true))
            .unwrap_or_else(|| "http://localhost/".into());
        let base_url = match BaseUrl::parse(&raw_base) {
            Ok(url) => url,
            Err(e) => {
                let e = ConfigError::BadBaseUrl(e.0);
                if options.base_url.is_some() {
                    self.diagnostics
                        .push(Diagnostic::config("--base-url", None, e));
                } else {
                    self.error(&[key("base_url")], e, &[]);
                }
                BaseUrl::parse("http://localhost/").expect("literal URL parses")
            }
        };
        let extra = match map.get("extra") {
            Some(value) => serde_json::to_value(value).unwrap_or(serde_json::Value::Null),
            None => serde_json::Value::Object(Default::default()),
        };
        let mut unsafe_html = false;
        if let Some(markdown) = map.get("markdown") {
            let path = [key("markdown")];
            match markdown.as_mapping() {
                Some(m) => {
                    self.unknown_keys(m, &path, &["unsafe_html"]);
                    unsafe_html = self.boolean(m, &path, "unsafe_html").unwrap_or(false);
                }
                None => self.error(
                    &path,
                    ConfigError::WrongType {
                        key: "markdown".into(),
                        expected: "a mapping",
                    },
                    &[],
                ),
            }
        }
        if !options.root.join("themes").join(&theme).is_dir() {
            self.error(
                &[key("theme")],
                ConfigError::MissingTheme(theme.clone()),
                &[],
            );
        }

        let keep = self.string_list(map, &[], "keep");
        for (i, name) in keep.iter().enumerate() {
            if name.is_empty() || name.contains(['/', '\\']) || name == ".." || name == "." {
                self.error(
                    &[key("keep"), PathSegment::Index(i)],
                    ConfigError::WrongType {
                        key: "keep".into(),
                        expected:
                            "a list of file or folder names directly inside the output folder",
                    },
                    &[],
                );
            }
        }
        let schema_org = self
            .string(map, &[], "schema_org", false)
            .unwrap_or_else(|| "WebPage".into());
        let search = self.boolean(map, &[], "search").unwrap_or(true);
        let collections = self.collections(map);
        let output = options
            .output
            .clone()
            .unwrap_or_else(|| options.root.join("public"));
        Ok(Config {
            root: options.root.clone(),
            output,
            drafts: options.drafts,
            site: SiteSettings {
                title,
                description,
                base_url,
                language,
                theme,
                unsafe_html,
                extra,
                keep,
                schema_org,
                search,
            },
            collections,
        })
    }

    fn collections(&mut self, map: &Mapping) -> Vec<Collection> {
        let Some(value) = map.get("collections") else {
            return Vec::new();
        };
        let Some(collections) = value.as_mapping() else {
            self.error(
                &[key("collections")],
                ConfigError::WrongType {
                    key: "collections".into(),
                    expected: "a mapping of collection names to schemas",
                },
                &[],
            );
            return Vec::new();
        };
        let declared: BTreeSet<String> = collections
            .keys()
            .filter_map(|k| k.as_str().map(String::from))
            .collect();
        let mut out = Vec::new();
        for (name, spec) in collections {
            let Some(name) = name.as_str() else { continue };
            let path = vec![key("collections"), key(name)];
            if !is_name(name) {
                self.error(&path, ConfigError::BadName(name.into()), &[]);
                continue;
            }
            if crate::routes::is_reserved_collection(name) {
                self.error(&path, ConfigError::ReservedName(name.into()), &[]);
                continue;
            }
            let Some(spec) = spec.as_mapping() else {
                self.error(
                    &path,
                    ConfigError::WrongType {
                        key: name.into(),
                        expected: "a mapping with `title` and `fields`",
                    },
                    &[],
                );
                continue;
            };
            self.unknown_keys(
                spec,
                &path,
                &[
                    "title",
                    "singular",
                    "schema_org",
                    "sort",
                    "fields",
                    "checks",
                ],
            );
            let title = self
                .string(spec, &path, "title", false)
                .unwrap_or_else(|| humanise(name));
            let singular = self
                .string(spec, &path, "singular", false)
                .unwrap_or_else(|| title.clone());
            let schema_org = self.string(spec, &path, "schema_org", false);
            let sort = match self.string(spec, &path, "sort", false).as_deref() {
                None | Some("title") => SortOrder::Title,
                Some("date") => SortOrder::Date,
                Some(other) => {
                    let mut p = path.clone();
                    p.push(key("sort"));
                    self.error(
                        &p,
                        ConfigError::WrongType {
                            key: format!("sort: {other}"),
                            expected: "`title` or `date`",
                        },
                        &[],
                    );
                    SortOrder::Title
                }
            };
            let mut fields_path = path.clone();
            fields_path.push(key("fields"));
            let fields = match spec.get("fields") {
                None => Vec::new(),
                Some(f) => self.fields(f, &fields_path, &declared),
            };
            let mut checks_path = path.clone();
            checks_path.push(key("checks"));
            let checks = match spec.get("checks") {
                None => Vec::new(),
                Some(c) => self.checks(c, &checks_path, &fields),
            };
            out.push(Collection {
                name: name.to_string(),
                title,
                singular,
                schema_org,
                sort,
                fields,
                checks,
            });
        }
        out
    }

    fn fields(
        &mut self,
        value: &Value,
        path: &[PathSegment],
        declared: &BTreeSet<String>,
    ) -> Vec<FieldSpec> {
        let Some(map) = value.as_mapping() else {
            self.error(
                path,
                ConfigError::WrongType {
                    key: "fields".into(),
                    expected: "a mapping of field names to types",
                },
                &[],
            );
            return Vec::new();
        };
        let mut fields = Vec::new();
        for (name, spec) in map {
            let Some(name) = name.as_str() else { continue };
            let mut fpath = path.to_vec();
            fpath.push(key(name));
            if !is_name(name) {
                self.error(&fpath, ConfigError::BadName(name.into()), &[]);
                continue;
            }
            let top_level = path.len() == 3;
            if top_level && COMMON_KEYS.contains(&name) {
                self.error(&fpath, ConfigError::BuiltinField(name.into()), &[]);
                continue;
            }
            let Some(spec) = spec.as_mapping() else {
                self.error(
                    &fpath,
                    ConfigError::WrongType {
                        key: name.into(),
                        expected: "a mapping such as `{ type: string }`",
                    },
                    &[],
                );
                continue;
            };
            self.unknown_keys(
                spec,
                &fpath,
                &[
                    "type", "required", "label", "backlink", "values", "to", "fields",
                ],
            );
            let Some(type_name) = self.string(spec, &fpath, "type", true) else {
                continue;
            };
            let mut tpath = fpath.clone();
            tpath.push(key("type"));
            let kind = match type_name.as_str() {
                "string" => FieldKind::String,
                "markdown" => FieldKind::Markdown,
                "date" => FieldKind::Date,
                "url" => FieldKind::Url,
                "bool" => FieldKind::Bool,
                "integer" => FieldKind::Integer,
                "strings" => FieldKind::Strings,
                "enum" => {
                    let values = self.string_list(spec, &fpath, "values");
                    if values.is_empty() {
                        self.error(&fpath, ConfigError::MissingKey("values".into()), &[]);
                    }
                    FieldKind::Enum(values)
                }
                "ref" | "refs" => {
                    let Some(to) = self.string(spec, &fpath, "to", true) else {
                        continue;
                    };
                    if !declared.contains(&to) {
                        let mut p = fpath.clone();
                        p.push(key("to"));
                        let known: Vec<&str> = declared.iter().map(String::as_str).collect();
                        self.error(
                            &p,
                            ConfigError::UnknownCollection {
                                field: name.into(),
                                to: to.clone(),
                            },
                            &known,
                        );
                    }
                    if type_name == "ref" {
                        FieldKind::Ref(to)
                    } else {
                        FieldKind::Refs(to)
                    }
                }
                "records" => {
                    let mut p = fpath.clone();
                    p.push(key("fields"));
                    match spec.get("fields") {
                        Some(inner) => FieldKind::Records(self.fields(inner, &p, declared)),
                        None => {
                            self.error(&fpath, ConfigError::MissingKey("fields".into()), &[]);
                            FieldKind::Records(Vec::new())
                        }
                    }
                }
                other => {
                    self.error(&tpath, ConfigError::UnknownType(other.into()), &[]);
                    continue;
                }
            };
            let required = self.boolean(spec, &fpath, "required").unwrap_or(false);
            let label = self
                .string(spec, &fpath, "label", false)
                .unwrap_or_else(|| humanise(name));
            let backlink = self.string(spec, &fpath, "backlink", false);
            fields.push(FieldSpec {
                name: name.to_string(),
                kind,
                required,
                label,
                backlink,
            });
        }
        fields
    }

    fn checks(&mut self, value: &Value, path: &[PathSegment], fields: &[FieldSpec]) -> Vec<Check> {
        let Some(list) = value.as_sequence() else {
            self.error(
                path,
                ConfigError::WrongType {
                    key: "checks".into(),
                    expected: "a list",
                },
                &[],
            );
            return Vec::new();
        };
        let mut checks = Vec::new();
        for (i, item) in list.iter().enumerate() {
            let mut cpath = path.to_vec();
            cpath.push(PathSegment::Index(i));
            let Some(map) = item.as_mapping() else {
                self.error(
                    &cpath,
                    ConfigError::WrongType {
                        key: "check".into(),
                        expected: "a mapping with `rule`",
                    },
                    &[],
                );
                continue;
            };
            self.unknown_keys(map, &cpath, &["rule", "field", "records", "key", "message"]);
            let rule = self.string(map, &cpath, "rule", true).unwrap_or_default();
            if rule != "each-has-record" {
                let mut p = cpath.clone();
                p.push(key("rule"));
                self.error(
                    &p,
                    ConfigError::BadCheck(format!(
                        "unknown rule `{rule}` (known: `each-has-record`)"
                    )),
                    &[],
                );
                continue;
            }
            let (Some(field), Some(records), Some(rkey)) = (
                self.string(map, &cpath, "field", true),
                self.string(map, &cpath, "records", true),
                self.string(map, &cpath, "key", true),
            ) else {
                continue;
            };
            let message = self
                .string(map, &cpath, "message", false)
                .unwrap_or_else(|| format!("every value of `{field}` needs a record in `{records}` with a matching `{rkey}`"));
            let field_ok = fields.iter().any(|f| {
                f.name == field && matches!(f.kind, FieldKind::Refs(_) | FieldKind::Ref(_))
            });
            let record_key_ok = fields.iter().any(|f| {
                f.name == records
                    && matches!(&f.kind, FieldKind::Records(inner) if inner.iter().any(|r| r.name == rkey && matches!(r.kind, FieldKind::Ref(_))))
            });
            if !field_ok {
                self.error(
                    &cpath,
                    ConfigError::BadCheck(format!(
                        "`{field}` is not a ref or refs field of this collection"
                    )),
                    &[],
                );
            } else if !record_key_ok {
                self.error(
                    &cpath,
                    ConfigError::BadCheck(format!(
                        "`{records}` is not a records field with a ref field `{rkey}`"
                    )),
                    &[],
                );
            } else {
                checks.push(Check::EachHasRecord {
                    field,
                    records,
                    key: rkey,
                    message,
                });
            }
        }
        checks
    }

    fn unknown_keys(&mut self, map: &Mapping, path: &[PathSegment], known: &[&str]) {
        for k in map.keys() {
            let name = k
                .as_str()
                .map(String::from)
                .unwrap_or_else(|| format!("{k:?}"));
            if !known.contains(&name.as_str()) {
                let mut p = path.to_vec();
                p.push(key(&name));
                self.error(&p, ConfigError::UnknownKey(name), known);
            }
        }
    }

    fn string(
        &mut self,
        map: &Mapping,
        path: &[PathSegment],
        name: &str,
        required: bool,
    ) -> Option<String> {
        let mut p = path.to_vec();
        p.push(key(name));
        match map.get(name) {
            None | Some(Value::Null) => {
                if required {
                    self.error(path, ConfigError::MissingKey(name.into()), &[]);
                }
                None
            }
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(_) => {
                self.error(
                    &p,
                    ConfigError::WrongType {
                        key: name.into(),
                        expected: "a string",
                    },
                    &[],
                );
                None
            }
        }
    }

    fn boolean(&mut self, map: &Mapping, path: &[PathSegment], name: &str) -> Option<bool> {
        let mut p = path.to_vec();
        p.push(key(name));
        match map.get(name) {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => {
                self.error(
                    &p,
                    ConfigError::WrongType {
                        key: name.into(),
                        expected: "`true` or `false`",
                    },
                    &[],
                );
                None
            }
        }
    }

    fn string_list(&mut self, map: &Mapping, path: &[PathSegment], name: &str) -> Vec<String> {
        let mut p = path.to_vec();
        p.push(key(name));
        match map.get(name) {
            None => Vec::new(),
            Some(Value::Sequence(items)) if items.iter().all(|v| v.is_string()) => items
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
            Some(_) => {
                self.error(
                    &p,
                    ConfigError::WrongType {
                        key: name.into(),
                        expected: "a list of strings",
                    },
                    &[],
                );
                Vec::new()
            }
        }
    }
}

fn key(name: &str) -> PathSegment {
    PathSegment::Key(name.to_string())
}

/// `reported_by` -> `Reported by`.
pub fn humanise(name: &str) -> String {
    let spaced = name.replace(['_', '-'], " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// serde_yaml appends " at line L column C"; the location is printed separately.
pub fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn humanises_field_names() {
        assert_eq!(humanise("reported_by"), "Reported by");
    }
}
