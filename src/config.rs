//! `site.yaml` into a validated [`Config`]: site settings and the collection schemas.
//!
//! Collections are data, not Rust types: each one declares its fields and their types
//! here, and the later stages check entries against that. This stage reads only
//! `site.yaml` and the command-line overrides; it must not read content or templates.
//! Every problem is a config diagnostic (exit code 2), located in `site.yaml`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_yaml::{Mapping, Value};
use thiserror::Error;

use crate::diagnostic::{did_you_mean, Diagnostic, Diagnostics, Place, Stage};
use crate::routes::slug::is_name;
pub use crate::routes::BaseUrl;
use crate::text_file::{self, FileError};
use crate::yaml::{self, Document, Fields, Origin, PathSegment, ShapeError, YamlError};

/// Keys every entry has, whatever its collection.
pub(crate) const COMMON_KEYS: [&str; 9] = [
    "title",
    "aliases",
    "summary",
    "date",
    "approximate",
    "updated",
    "tags",
    "draft",
    "corrections",
];

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

/// The words the engine writes outside templates (the timeline data's link, the search
/// index's group of pages, the mark on a link to a page in another language, the title
/// of a tag's feed), for a theme whose strings file does not give them: `(language, key,
/// word)`.
pub(crate) const ENGINE_WORDS: [(&str, &str, &str); 50] = [
    ("en", "read_more", "Read more"),
    ("en", "pages", "Pages"),
    ("en", "in_this_language", "(in English)"),
    ("en", "timeline", "Timeline"),
    ("en", "relationship_map", "Relationship map"),
    ("en", "search", "Search"),
    ("en", "tags", "Tags"),
    ("en", "page_not_found", "Page not found"),
    ("en", "moved_to", "This page has moved:"),
    ("en", "correction", "Correction"),
    ("en", "corrections", "Corrections"),
    ("en", "connections_of", "Connections of {title}"),
    ("en", "map_label", "Relationship map: entries by collection, with lines for references between them"),
    ("en", "map_more", "and {count} more"),
    ("en", "map_connection", "{count} connection"),
    ("en", "map_connections", "{count} connections"),
    ("en", "map_full_list", "the full list"),
    ("en", "map_mentions", "In its text"),
    ("en", "entry_map_label", "How {title} connects: entries that refer to it on the left, entries it refers to on the right"),
    ("en", "tagged", "Tagged “{name}”"),
    ("en", "callout_note", "Note"),
    ("en", "callout_tip", "Tip"),
    ("en", "callout_important", "Important"),
    ("en", "callout_warning", "Warning"),
    ("en", "callout_caution", "Caution"),
    ("fr", "read_more", "Lire la suite"),
    ("fr", "pages", "Pages"),
    ("fr", "in_this_language", "(en français)"),
    ("fr", "timeline", "Chronologie"),
    ("fr", "relationship_map", "Carte des liens"),
    ("fr", "search", "Recherche"),
    ("fr", "tags", "Mots-clés"),
    ("fr", "page_not_found", "Page introuvable"),
    ("fr", "moved_to", "Cette page a été déplacée :"),
    ("fr", "correction", "Rectificatif"),
    ("fr", "corrections", "Rectificatifs"),
    ("fr", "connections_of", "Liens de la fiche {title}"),
    ("fr", "map_label", "Carte des liens : les fiches par section, reliées par des traits quand l'une renvoie à l'autre"),
    ("fr", "map_more", "et {count} autres"),
    ("fr", "map_connection", "{count} lien"),
    ("fr", "map_connections", "{count} liens"),
    ("fr", "map_full_list", "la liste complète"),
    ("fr", "map_mentions", "Dans son texte"),
    ("fr", "entry_map_label", "Les liens de la fiche {title} : à gauche, les fiches qui y renvoient ; à droite, celles auxquelles elle renvoie"),
    ("fr", "tagged", "Mot-clé « {name} »"),
    ("fr", "callout_note", "Remarque"),
    ("fr", "callout_tip", "Conseil"),
    ("fr", "callout_important", "Important"),
    ("fr", "callout_warning", "Avertissement"),
    ("fr", "callout_caution", "Attention"),
];

/// The engine's own word for `key` in `language` (its primary subtag), else in English.
pub(crate) fn engine_word(language: &str, key: &str) -> Option<&'static str> {
    let primary = language.split('-').next().unwrap_or_default();
    let find = |language: &str| {
        ENGINE_WORDS
            .iter()
            .find(|(l, k, _)| *l == language && *k == key)
            .map(|(_, _, word)| *word)
    };
    find(primary).or_else(|| find("en"))
}

/// `site.yaml` files larger than this are refused.
pub(crate) const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

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
    /// Whether warnings fail the run (`--deny warnings`, for CI); off as loaded.
    pub deny_warnings: bool,
    /// Site-wide settings.
    pub site: SiteSettings,
    /// The declared collections, in declaration order.
    pub collections: Vec<Collection>,
    /// The edition this configuration builds: `None` for the site's own language,
    /// `Some("fr")` for the pages of another language of `languages:` (see
    /// [`Config::editions`]).
    pub edition: Option<String>,
    /// This configuration in each other language of `languages:`, in their order: the
    /// same schemas, with that language's title, description, `extra` and display
    /// strings. Empty inside an edition.
    pub translations: Vec<Config>,
    /// The theme's own words (`themes/<theme>/strings/<language>.yaml`) for each language
    /// of the site; a word a language's file leaves out is the site language's.
    pub strings: BTreeMap<String, BTreeMap<String, String>>,
}

impl Config {
    /// The configuration of every edition the site builds: the site's own language
    /// first, then each other language of `languages:`.
    pub fn editions(&self) -> impl Iterator<Item = &Config> {
        std::iter::once(self).chain(&self.translations)
    }

    /// The theme's word for `key` in this configuration's language (the key itself when
    /// no strings file has it, so that a missing word shows rather than breaks a page).
    pub fn word(&self, key: &str) -> String {
        self.word_in(&self.site.language, key)
    }

    /// The theme's word for `key` in `language`: its strings file's, else the engine's own
    /// for the few words the engine writes outside templates ([`ENGINE_WORDS`]), else the
    /// key itself.
    pub fn word_in(&self, language: &str, key: &str) -> String {
        if let Some(word) = self.words_of(language).and_then(|w| w.get(key)) {
            return word.clone();
        }
        engine_word(language, key)
            .map(String::from)
            .unwrap_or_else(|| key.to_string())
    }

    /// The edition that publishes pages in `language`, as routes name it: `None` for the
    /// site's own language.
    pub fn edition_of(&self, language: &str) -> Option<&std::sync::Arc<crate::routes::Edition>> {
        self.site.editions.iter().find(|e| e.language == language)
    }

    /// The edition this configuration renders, as routes name it: `None` for the site's
    /// own language.
    pub fn edition(&self) -> Option<&std::sync::Arc<crate::routes::Edition>> {
        self.edition_of(&self.site.language)
    }

    /// Whether a document in `language` has its own page in this edition (an original
    /// left untranslated in another language's edition does not).
    pub fn publishes(&self, language: &str) -> bool {
        language == self.site.language
    }

    /// Every theme word of `language`.
    pub fn words_of(&self, language: &str) -> Option<&BTreeMap<String, String>> {
        self.strings.get(language)
    }
}

/// Where the `embed` component may show pages from (`embeds:` in `site.yaml`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EmbedHosts {
    /// Hosts shown in a sandbox with an opaque origin (`hosts:`): scripts run, but the
    /// page can read no cookies or storage of its host's.
    pub hosts: Vec<String>,
    /// Hosts whose players need their own origin (`own_origin:`, a video player that
    /// keeps settings in its storage, say): shown without a sandbox, as every other site
    /// shows them, so list only providers the newsroom trusts.
    pub own_origin: Vec<String>,
}

impl EmbedHosts {
    /// Whether `host` (lower case) is listed, and if so whether it keeps its own origin.
    pub(crate) fn lookup(&self, host: &str) -> Option<bool> {
        if self.own_origin.iter().any(|h| h == host) {
            Some(true)
        } else if self.hosts.iter().any(|h| h == host) {
            Some(false)
        } else {
            None
        }
    }

    /// Every listed host, in the order written.
    pub(crate) fn all(&self) -> Vec<&str> {
        self.hosts
            .iter()
            .chain(&self.own_origin)
            .map(String::as_str)
            .collect()
    }
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
    /// BCP 47 language tag of this configuration's pages, e.g. `en` (`fr` in the French
    /// edition).
    pub language: String,
    /// The site's own language (`language:` in `site.yaml`): the language of `slug.md`,
    /// which translations fall back to.
    pub default_language: String,
    /// Every language of the site, its own first, then `languages:` in order.
    pub languages: Vec<String>,
    /// Each language's locale for `og:locale`, e.g. `fr_CA` (default: the tag with `_`).
    pub locales: BTreeMap<String, String>,
    /// The editions in the site's other languages, with their collections' folders.
    pub editions: Vec<std::sync::Arc<crate::routes::Edition>>,
    /// Theme folder name under `themes/`.
    pub theme: String,
    /// Raw HTML inside Markdown is passed through only when this is on.
    pub unsafe_html: bool,
    /// Which URL schemes links, images and `url` fields may use (`links:`).
    pub schemes: crate::routes::scheme::SchemePolicy,
    /// Free-form values for templates.
    pub extra: serde_json::Value,
    /// Top-level names in the output folder that builds keep (besides dotfiles), e.g. `CNAME`.
    pub keep: Vec<String>,
    /// schema.org type of the home page and standalone pages (default `WebPage`).
    pub schema_org: String,
    /// Whether to build the full-text search index.
    pub search: bool,
    /// How long the generated listings' pages are.
    pub pagination: Pagination,
    /// Who publishes the site: the author and publisher of its articles in JSON-LD and
    /// the author of its feed (default: an organisation named after the site).
    pub publisher: Publisher,
    /// How images are published (`images:`).
    pub images: ImageSettings,
    /// The hosts whose pages the `embed` component may show (`embeds:`); nothing is
    /// embedded from any other.
    pub embed_hosts: EmbedHosts,
    /// Old addresses and the pages they now lead to (`redirects:`), in file order.
    pub redirects: Vec<SiteRedirect>,
}

/// A line of `redirects:` in `site.yaml`: `old/path/: collection/slug`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteRedirect {
    /// The old address, as a site path (checked by `routes::old_path`).
    pub from: String,
    /// The page it leads to, as a wiki link names it: `collection/slug`, or a page's or
    /// entry's slug when only one document has it.
    pub to: String,
    /// Where the target is written in `site.yaml`.
    pub at: Option<Place>,
}

/// How images are resized and encoded (`images:` in `site.yaml`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageSettings {
    /// The widths each image is published at (those narrower than the original, and the
    /// original's own), in pixels.
    pub widths: Vec<u32>,
    /// Lossy quality for WebP and JPEG, 1 to 100.
    pub quality: u8,
}

impl Default for ImageSettings {
    fn default() -> Self {
        ImageSettings {
            widths: vec![480, 960, 1440],
            quality: 80,
        }
    }
}

/// Entries per page of the listings that grow with the site (`pagination:` in
/// `site.yaml`); 0 puts a whole listing on one page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pagination {
    /// A collection index's, unless the collection sets `per_page:` (default 50).
    pub collections: usize,
    /// A tag page's (default 50).
    pub tags: usize,
    /// The timeline's (default 100).
    pub timeline: usize,
    /// Entries of one backlink group on an entry's page; the rest are on its
    /// connections page (default 20).
    pub backlinks: usize,
}

impl Default for Pagination {
    fn default() -> Self {
        Pagination {
            collections: 50,
            tags: 50,
            timeline: 100,
            backlinks: 20,
        }
    }
}

/// The organisation that publishes a site (`publisher:` in `site.yaml`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publisher {
    /// Its name, e.g. a newsroom's.
    pub name: String,
    /// Its own address, if it has one.
    pub url: Option<String>,
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
    /// Entries per page of its index (`per_page:`; 0 puts them all on one page).
    pub per_page: usize,
    /// Its folder in other languages' editions (`path: { fr: personnes }`), by language;
    /// a language not listed uses the collection's name.
    pub folders: BTreeMap<String, String>,
    /// Whether its dated entries appear on the timeline (`timeline: false` keeps, say,
    /// sources off it: a report's date is when it was published, not an event).
    pub timeline: bool,
    /// Declared fields, in declaration order.
    pub fields: Vec<FieldSpec>,
    /// Editorial rules checked on every entry.
    pub rules: Vec<Rule>,
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
    /// Heading for the group of references whose period has ended (`until` given).
    pub former_backlink: Option<String>,
    /// What a reference of this field may say about itself (ref and refs fields only).
    pub qualifiers: Vec<Qualifier>,
    /// The schema.org property the reference is in JSON-LD (`memberOf`), if any.
    pub schema_org: Option<String>,
}

/// Something a qualified reference says about itself:
/// `affiliations: [{ to: liberal-caucus, since: 2021, until: 2023-03-22, role: Member }]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qualifier {
    /// When the relation began (a partial date).
    Since,
    /// When it ended (a partial date); a reference with `until` is a former one.
    Until,
    /// What the referring entry was in it (text): `Chair`, `Member`.
    Role,
}

impl Qualifier {
    /// Every qualifier, as written in `site.yaml` and front matter.
    pub const ALL: [(&'static str, Qualifier); 3] = [
        ("since", Qualifier::Since),
        ("until", Qualifier::Until),
        ("role", Qualifier::Role),
    ];

    /// The key in front matter.
    pub fn name(self) -> &'static str {
        match self {
            Qualifier::Since => "since",
            Qualifier::Until => "until",
            Qualifier::Role => "role",
        }
    }
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
    /// A photo or picture: `src` (beside the entry file, or `/path` under `static/`),
    /// `alt`, `credit` and an optional `caption`.
    Image,
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
            FieldKind::Image => "image",
        }
    }

    /// Whether a translation writes this field in its own words: text, Markdown, lists
    /// of strings and records (which hold text). The others (refs, dates, enums, URLs,
    /// flags, numbers) are the original's in every language.
    pub fn is_text(&self) -> bool {
        matches!(
            self,
            FieldKind::String | FieldKind::Markdown | FieldKind::Strings | FieldKind::Records(_)
        )
    }

    /// The target collection of a ref or refs field.
    pub fn target(&self) -> Option<&str> {
        match self {
            FieldKind::Ref(to) | FieldKind::Refs(to) => Some(to),
            _ => None,
        }
    }
}

const TYPE_NAMES: [&str; 12] = [
    "string", "markdown", "date", "enum", "url", "bool", "integer", "strings", "ref", "refs",
    "records", "image",
];

/// An editorial rule declared on a collection (under `checks:` in `site.yaml`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
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
    /// An entry whose text changed since the last good build published it must carry a
    /// new `corrections` record saying what changed.
    CorrectionWhenChanged {
        /// What the editor is told when the rule fails.
        message: String,
    },
}

/// What can be wrong in `site.yaml`.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub(crate) enum ConfigError {
    /// No `site.yaml` in the site folder, or the system refused to read it.
    #[error("cannot read `site.yaml`: {0}")]
    Unreadable(String),
    /// `site.yaml` is a named pipe, a folder or a device.
    #[error("`site.yaml` is {0}, not a file")]
    NotAFile(&'static str),
    /// Not UTF-8 text.
    #[error("`site.yaml` is not valid UTF-8 text")]
    NotUtf8,
    /// Larger than [`MAX_CONFIG_BYTES`].
    #[error("`site.yaml` is {0} bytes; it is limited to {MAX_CONFIG_BYTES} bytes")]
    TooLarge(u64),
    /// Not valid YAML, or past a limit of the YAML reader.
    #[error(transparent)]
    Yaml(YamlError),
    /// A key or value of the wrong shape.
    #[error(transparent)]
    Shape(ShapeError),
    /// An unusable base URL.
    #[error("`base_url` must be an absolute http(s) URL such as `https://example.org/explainer/`, not `{0}`")]
    BadBaseUrl(String),
    /// A field type that does not exist.
    #[error("unknown field type `{0}`")]
    UnknownType(String),
    /// A qualifier the engine does not know.
    #[error("unknown qualifier `{0}` (known: `since`, `until`, `role`)")]
    UnknownQualifier(String),
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
    /// A display string's text in a language the site does not declare.
    #[error("`{key}` has text in `{language}`, which is not a language of the site (add it to `languages:`)")]
    UnknownLanguage {
        /// The display string's key.
        key: String,
        /// The language named.
        language: String,
    },
    /// Not a URL scheme name.
    #[error("`{0}` is not a URL scheme: a letter, then letters, digits, `+`, `-` or `.`")]
    BadScheme(String),
    /// A collection's translated folder that another collection of the edition has.
    #[error("`{folder}` is already the `{language}` folder of collection `{other}`")]
    FolderTaken {
        /// The folder.
        folder: String,
        /// The edition's language.
        language: String,
        /// The collection that has it.
        other: String,
    },
    /// A translated folder for the site's own language, whose folders are the
    /// collections' names.
    #[error("`{0}` is the site's own language: its folder is the collection's name")]
    OwnLanguageFolder(String),
    /// A path of `redirects:` that is not a plain old address.
    #[error(transparent)]
    BadOldPath(#[from] crate::routes::BadOldPath),
    /// The same old path twice in `redirects:`.
    #[error("`{0}` is already redirected above")]
    RepeatedRedirect(String),
}

impl From<ShapeError> for ConfigError {
    fn from(error: ShapeError) -> Self {
        ConfigError::Shape(error)
    }
}

impl ConfigError {
    fn hint(&self, candidates: &[&str]) -> Option<String> {
        match self {
            ConfigError::UnknownType(name) => did_you_mean(name, TYPE_NAMES),
            ConfigError::UnknownQualifier(name) => did_you_mean(name, candidates.iter().copied()),
            ConfigError::UnknownCollection { to, .. } => {
                did_you_mean(to, candidates.iter().copied())
            }
            ConfigError::Yaml(error) => error.hint(),
            ConfigError::Shape(error) => error.hint(),
            ConfigError::NotUtf8 => Some("save the file as UTF-8".into()),
            ConfigError::MissingTheme(name) => Some(format!(
                "only `default` is built in; `casefile theme copy {name}` writes a copy of it to restyle"
            )),
            ConfigError::BuiltinField(name) if name == "aliases" => Some(
                "`aliases:` lists an entry's old addresses, which redirect to it; name a field of other names `known_as`".into(),
            ),
            _ => None,
        }
    }

    /// Whether the problem is about a key rather than its value.
    fn is_about_key(&self) -> bool {
        matches!(
            self,
            ConfigError::BadName(_) | ConfigError::ReservedName(_) | ConfigError::BuiltinField(_)
        )
    }
}

fn diagnostic(error: ConfigError, place: Option<Place>, candidates: &[&str]) -> Diagnostic {
    let hint = error.hint(candidates);
    Diagnostic::new(Stage::Config, "site.yaml", error)
        .at(place)
        .with_hint(hint)
}

/// Reads and validates `<root>/site.yaml` with the command-line overrides.
pub fn load_config(options: &BuildOptions) -> Result<Config, Diagnostics> {
    let text = read_site_yaml(&options.root.join("site.yaml"))?;
    let yaml = yaml::parse(&text, Origin::file(), Document::SiteYaml).map_err(|problems| {
        let mut diagnostics = Diagnostics::new();
        for (error, place) in problems {
            diagnostics.push(diagnostic(ConfigError::Yaml(error), place, &[]));
        }
        diagnostics.sorted()
    })?;
    let mut reader = ConfigReader {
        fields: Fields::new(&yaml.spans, "key", false),
        diagnostics: Diagnostics::new(),
        display_language: None,
        languages: Vec::new(),
    };
    let mut config = reader.read(&yaml.root, options);
    let mut diagnostics = reader.diagnostics;
    for problem in reader.fields.into_problems() {
        diagnostics.push(
            Diagnostic::new(Stage::Config, "site.yaml", problem.error)
                .at(problem.place)
                .with_hint(problem.hint),
        );
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics.sorted());
    }
    // Each other language reads the same file again with its display strings; every
    // problem was found by the first read, so the others' are the same and dropped.
    for language in config.site.languages.iter().skip(1) {
        let mut reader = ConfigReader {
            fields: Fields::new(&yaml.spans, "key", false),
            diagnostics: Diagnostics::new(),
            display_language: Some(language.clone()),
            languages: Vec::new(),
        };
        let edition = reader.read(&yaml.root, options);
        config.translations.push(edition);
    }
    let (strings, problems) = theme_strings(&config);
    diagnostics.extend(problems);
    for edition in &mut config.translations {
        edition.strings = strings.clone();
    }
    config.strings = strings;
    diagnostics.into_result(config)
}

/// The theme's strings files, `themes/<theme>/strings/<language>.yaml`, for each
/// language of the site: flat mappings of a name to its text. A language without a file,
/// or a name its file leaves out, takes the site language's text (then English's).
fn theme_strings(config: &Config) -> (BTreeMap<String, BTreeMap<String, String>>, Diagnostics) {
    use crate::theme::ThemeSource;
    let source = ThemeSource::of(&config.root, &config.site.theme);
    let builtin = crate::theme::builtin_files("strings");
    let mut diagnostics = Diagnostics::new();
    let mut read = |language: &str| -> BTreeMap<String, String> {
        let name = format!("{language}.yaml");
        let (shown, read) = match &source {
            Some(ThemeSource::Folder(folder)) => {
                let path = folder.join("strings").join(&name);
                if !path.is_file() {
                    return BTreeMap::new();
                }
                let shown = format!("themes/{}/strings/{name}", config.site.theme);
                (shown, text_file::read_text(&path, MAX_CONFIG_BYTES))
            }
            Some(ThemeSource::Builtin) => {
                let Some((_, bytes)) = builtin.iter().find(|(n, _)| *n == name) else {
                    return BTreeMap::new();
                };
                let shown = format!("{}/strings/{name}", crate::theme::BUILTIN_LABEL);
                // The binary's own files, checked as UTF-8 by the tests of this theme.
                (shown, Ok(String::from_utf8_lossy(bytes).into_owned()))
            }
            None => return BTreeMap::new(),
        };
        let text = match read {
            Ok(text) => text,
            Err(e) => {
                let why = match e {
                    FileError::Unreadable(message) => message,
                    FileError::NotAFile(kind) => format!("it is {kind}, not a file"),
                    FileError::TooLarge { size, .. } => format!("it is {size} bytes"),
                    FileError::NotUtf8(_) => "it is not UTF-8 text".into(),
                };
                let error = ConfigError::Unreadable(format!("{shown}: {why}"));
                diagnostics.push(Diagnostic::new(Stage::Config, &shown, error));
                return BTreeMap::new();
            }
        };
        let yaml = match yaml::parse(&text, Origin::file(), Document::ThemeStrings) {
            Ok(yaml) => yaml,
            Err(problems) => {
                for (error, place) in problems {
                    let d = Diagnostic::new(Stage::Config, &shown, ConfigError::Yaml(error));
                    diagnostics.push(d.at(place));
                }
                return BTreeMap::new();
            }
        };
        let mut fields: Fields<'_, ConfigError> = Fields::new(&yaml.spans, "key", false);
        let mut words = BTreeMap::new();
        for name in yaml.root.keys().filter_map(Value::as_str) {
            if let Some(text) = fields.string(&yaml.root, &[], name, true, "text") {
                words.insert(name.to_string(), text);
            }
        }
        for problem in fields.into_problems() {
            diagnostics.push(
                Diagnostic::new(Stage::Config, &shown, problem.error)
                    .at(problem.place)
                    .with_hint(problem.hint),
            );
        }
        words
    };
    // `fr-ca` takes `fr.yaml`, then what `fr-ca.yaml` says differently.
    let mut read = |language: &str| -> BTreeMap<String, String> {
        let primary = language
            .split('-')
            .next()
            .unwrap_or(language)
            .to_ascii_lowercase();
        let mut words = read(&primary);
        if primary != language {
            words.extend(read(language));
        }
        words
    };
    let english = read("en");
    let own = match config.site.default_language.as_str() {
        "en" => english.clone(),
        other => {
            let mut own = english.clone();
            own.extend(read(other));
            own
        }
    };
    let mut strings = BTreeMap::new();
    for language in &config.site.languages {
        let words = match language.as_str() {
            l if l == config.site.default_language => own.clone(),
            "en" => {
                let mut words = own.clone();
                words.extend(english.clone());
                words
            }
            other => {
                let mut words = own.clone();
                words.extend(read(other));
                words
            }
        };
        strings.insert(language.clone(), words);
    }
    (strings, diagnostics)
}

/// The text of `site.yaml`: a regular file of at most [`MAX_CONFIG_BYTES`], UTF-8, read
/// without a byte-order mark and with LF line ends.
fn read_site_yaml(path: &std::path::Path) -> Result<String, Diagnostic> {
    text_file::read_text(path, MAX_CONFIG_BYTES).map_err(|e| {
        let (error, at) = match e {
            FileError::Unreadable(message) => (ConfigError::Unreadable(message), None),
            FileError::NotAFile(kind) => (ConfigError::NotAFile(kind), None),
            FileError::TooLarge { size, .. } => (ConfigError::TooLarge(size), None),
            FileError::NotUtf8(at) => (ConfigError::NotUtf8, Some(Place::at(at))),
        };
        diagnostic(error, at, &[])
    })
}

/// Reads the checked values out of `site.yaml`'s mapping. Every problem of the file goes
/// to `fields`, in the order found.
struct ConfigReader<'y> {
    fields: Fields<'y, ConfigError>,
    /// Problems outside `site.yaml` (a `--base-url` given on the command line).
    diagnostics: Diagnostics,
    /// The language whose text display strings take (`None`: the site's own).
    display_language: Option<String>,
    /// The site's own language, then the others of `languages:`, once read.
    languages: Vec<String>,
}

impl ConfigReader<'_> {
    fn error(&mut self, path: &[PathSegment], error: ConfigError, candidates: &[&str]) {
        let spans = self.fields.spans();
        let place = if error.is_about_key() {
            spans.key(path).or_else(|| spans.best(path))
        } else {
            spans.best(path)
        };
        let hint = error.hint(candidates);
        self.fields.push(error, place, hint);
    }

    fn wrong(&mut self, path: &[PathSegment], key: &str, expected: &str, found: &Value) {
        self.fields.wrong_type(path, key, expected, found);
    }

    fn string(
        &mut self,
        map: &Mapping,
        path: &[PathSegment],
        name: &str,
        required: bool,
    ) -> Option<String> {
        self.fields.string(map, path, name, required, "a string")
    }

    fn read(&mut self, map: &Mapping, options: &BuildOptions) -> Config {
        const TOP: [&str; 19] = [
            "images",
            "redirects",
            "embeds",
            "publisher",
            "pagination",
            "title",
            "description",
            "base_url",
            "language",
            "locale",
            "languages",
            "theme",
            "extra",
            "markdown",
            "collections",
            "keep",
            "schema_org",
            "search",
            "links",
        ];
        self.fields.unknown_keys(map, &[], &TOP, None);

        let title = self.string(map, &[], "title", true).unwrap_or_default();
        let description = self
            .string(map, &[], "description", false)
            .unwrap_or_default();
        let language = self
            .string(map, &[], "language", false)
            .unwrap_or_else(|| "en".into());
        let mut locales = BTreeMap::new();
        let locale = self
            .string(map, &[], "locale", false)
            .unwrap_or_else(|| default_locale(&language));
        locales.insert(language.clone(), locale);
        let others = self.languages(map, &language);
        self.languages = std::iter::once(language.clone())
            .chain(others.iter().map(|l| l.code.clone()))
            .collect();
        for other in &others {
            locales.insert(other.code.clone(), other.locale.clone());
        }
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
                        .push(Diagnostic::new(Stage::Config, "--base-url", e));
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
                    self.fields.unknown_keys(m, &path, &["unsafe_html"], None);
                    unsafe_html = self
                        .fields
                        .boolean(m, &path, "unsafe_html")
                        .unwrap_or(false);
                }
                None => self.wrong(&path, "markdown", "a mapping", markdown),
            }
        }
        let schemes = self.schemes(map);
        if crate::theme::ThemeSource::of(&options.root, &theme).is_none() {
            self.error(
                &[key("theme")],
                ConfigError::MissingTheme(theme.clone()),
                &[],
            );
        }

        const KEEP: &str = "a list of file or folder names directly inside the output folder";
        let keep = self.fields.string_list(map, &[], "keep", KEEP);
        for (i, name) in keep.iter().enumerate() {
            if name.is_empty() || name.contains(['/', '\\']) || name == ".." || name == "." {
                let path = [key("keep"), PathSegment::Index(i)];
                self.wrong(&path, "keep", KEEP, &Value::String(name.clone()));
            }
        }
        let schema_org = self
            .string(map, &[], "schema_org", false)
            .unwrap_or_else(|| "WebPage".into());
        let search = self.fields.boolean(map, &[], "search").unwrap_or(true);
        let publisher = self.publisher(map, &title);
        let images = self.images(map);
        let embed_hosts = self.embed_hosts(map);
        let redirects = self.redirects(map);
        let pagination = self.pagination(map);
        let collections = self.collections(map, pagination);
        for c in &collections {
            if self.languages.contains(&c.name) {
                let path = [key("collections"), key(&c.name)];
                self.error(&path, ConfigError::ReservedName(c.name.clone()), &[]);
            }
        }
        let editions = self
            .languages
            .iter()
            .skip(1)
            .map(|language| {
                std::sync::Arc::new(crate::routes::Edition {
                    language: language.clone(),
                    folders: collections
                        .iter()
                        .filter_map(|c| Some((c.name.clone(), c.folders.get(language)?.clone())))
                        .collect(),
                })
            })
            .collect();
        let output = options
            .output
            .clone()
            .unwrap_or_else(|| options.root.join("public"));
        let languages = self.languages.clone();
        // An edition takes its language's title, description and `extra` keys.
        let (edition, title, description, extra) = match &self.display_language {
            None => (None, title, description, extra),
            Some(code) => {
                let own = others.iter().find(|l| &l.code == code);
                let mut extra = extra;
                if let (Some(own), serde_json::Value::Object(all)) = (own, &mut extra) {
                    for (k, v) in own.extra.clone() {
                        all.insert(k, v);
                    }
                }
                (
                    Some(code.clone()),
                    own.map(|l| l.title.clone()).unwrap_or(title),
                    own.map(|l| l.description.clone()).unwrap_or(description),
                    extra,
                )
            }
        };
        Config {
            root: options.root.clone(),
            output,
            drafts: options.drafts,
            edition: edition.clone(),
            translations: Vec::new(),
            strings: BTreeMap::new(),
            deny_warnings: false,
            site: SiteSettings {
                title,
                description,
                base_url,
                language: edition.unwrap_or_else(|| language.clone()),
                default_language: language,
                languages,
                locales,
                editions,
                theme,
                unsafe_html,
                schemes,
                extra,
                keep,
                schema_org,
                search,
                publisher,
                images,
                embed_hosts,
                redirects,
                pagination,
            },
            collections,
        }
    }

    /// `languages: { fr: { title: ..., description: ..., locale: fr_CA, extra: {...} } }`:
    /// the site's other languages, in order.
    fn languages(&mut self, map: &Mapping, own: &str) -> Vec<OtherLanguage> {
        let Some(value) = map.get("languages") else {
            return Vec::new();
        };
        let path = [key("languages")];
        let Some(languages) = value.as_mapping() else {
            self.wrong(
                &path,
                "languages",
                "a mapping of language tags to settings",
                value,
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (code, settings) in languages {
            let Some(code) = code.as_str() else { continue };
            let lpath = vec![key("languages"), key(code)];
            if !is_language_tag(code) || code == own {
                let found = Value::String(code.to_string());
                let expected = if code == own {
                    "another language than `language:` (the site's own needs no entry)"
                } else {
                    LANGUAGE_TAG
                };
                self.wrong(&lpath, code, expected, &found);
                continue;
            }
            let Some(settings) = settings.as_mapping() else {
                self.wrong(&lpath, code, "a mapping with `title`", settings);
                continue;
            };
            self.fields.unknown_keys(
                settings,
                &lpath,
                &["title", "description", "locale", "extra"],
                None,
            );
            let title = self
                .string(settings, &lpath, "title", true)
                .unwrap_or_default();
            let description = self
                .string(settings, &lpath, "description", false)
                .unwrap_or_default();
            let locale = self
                .string(settings, &lpath, "locale", false)
                .unwrap_or_else(|| default_locale(code));
            let extra = match settings.get("extra") {
                None => serde_json::Map::new(),
                Some(Value::Mapping(m)) => serde_json::to_value(m)
                    .ok()
                    .and_then(|v| v.as_object().cloned())
                    .unwrap_or_default(),
                Some(other) => {
                    let epath = yaml::child(&lpath, "extra");
                    self.wrong(&epath, "extra", "a mapping", other);
                    serde_json::Map::new()
                }
            };
            out.push(OtherLanguage {
                code: code.to_string(),
                title,
                description,
                locale,
                extra,
            });
        }
        out
    }

    /// A count of entries per page: a whole number from 0 (0: no pagination).
    fn per_page(&mut self, map: &Mapping, path: &[PathSegment], name: &str) -> Option<usize> {
        let value = map.get(name)?;
        match value.as_u64() {
            Some(n) if n <= 100_000 => Some(n as usize),
            _ => {
                let at = yaml::child(path, name);
                self.wrong(
                    &at,
                    name,
                    "a whole number of entries per page, such as `50` (0: all on one page)",
                    value,
                );
                None
            }
        }
    }

    /// `pagination: { collections: 50, tags: 50, timeline: 100 }`.
    fn pagination(&mut self, map: &Mapping) -> Pagination {
        let mut out = Pagination::default();
        let Some(value) = map.get("pagination") else {
            return out;
        };
        let path = [key("pagination")];
        let Some(m) = value.as_mapping() else {
            self.wrong(
                &path,
                "pagination",
                "a mapping such as `{ collections: 50, tags: 50, timeline: 100 }`",
                value,
            );
            return out;
        };
        self.fields.unknown_keys(
            m,
            &path,
            &["collections", "tags", "timeline", "backlinks"],
            None,
        );
        if let Some(n) = self.per_page(m, &path, "collections") {
            out.collections = n;
        }
        if let Some(n) = self.per_page(m, &path, "tags") {
            out.tags = n;
        }
        if let Some(n) = self.per_page(m, &path, "timeline") {
            out.timeline = n;
        }
        if let Some(n) = self.per_page(m, &path, "backlinks") {
            out.backlinks = n;
        }
        out
    }

    /// A display string: text, or a mapping of languages to text (`{ en: People, fr:
    /// Personnes }`), which must give the site's own language and names no language the
    /// site does not have. The text is this reader's language's, else the site's own.
    fn display(&mut self, map: &Mapping, path: &[PathSegment], name: &str) -> Option<String> {
        let Some(Value::Mapping(texts)) = map.get(name) else {
            return self.string(map, path, name, false);
        };
        let dpath = yaml::child(path, name);
        let mut chosen = None;
        let mut own = None;
        for (language, text) in texts {
            let Some(language) = language.as_str() else {
                continue;
            };
            let tpath = yaml::child(&dpath, language);
            if !self.languages.iter().any(|l| l == language) {
                let known = self.languages.clone();
                let known: Vec<&str> = known.iter().map(String::as_str).collect();
                let error = ConfigError::UnknownLanguage {
                    key: name.to_string(),
                    language: language.to_string(),
                };
                self.error(&tpath, error, &known);
                continue;
            }
            let Some(text) = self.fields.text(text, &tpath) else {
                self.wrong(&tpath, language, "text", text);
                continue;
            };
            if Some(language) == self.languages.first().map(String::as_str) {
                own = Some(text.clone());
            }
            if self.display_language.as_deref() == Some(language) {
                chosen = Some(text);
            }
        }
        if own.is_none() {
            let language = self.languages.first().cloned().unwrap_or_default();
            self.fields.missing(&dpath, &language);
        }
        chosen.or(own)
    }

    /// `links: { allow_schemes: [...], refuse_schemes: [...] }`: the site's changes to
    /// the refused URL schemes (see `routes::scheme`).
    fn schemes(&mut self, map: &Mapping) -> crate::routes::scheme::SchemePolicy {
        let mut policy = crate::routes::scheme::SchemePolicy::default();
        let Some(links) = map.get("links") else {
            return policy;
        };
        let path = [key("links")];
        let Some(m) = links.as_mapping() else {
            self.wrong(&path, "links", "a mapping", links);
            return policy;
        };
        self.fields
            .unknown_keys(m, &path, &["allow_schemes", "refuse_schemes"], None);
        const SCHEMES: &str = "a list of URL schemes such as `data` or `ftp`";
        for (name, list) in [
            ("allow_schemes", &mut policy.allow),
            ("refuse_schemes", &mut policy.refuse),
        ] {
            for (i, scheme) in self
                .fields
                .string_list(m, &path, name, SCHEMES)
                .into_iter()
                .enumerate()
            {
                let scheme = scheme.trim_end_matches(':').to_ascii_lowercase();
                if crate::routes::scheme::is_scheme_name(&scheme) {
                    list.push(scheme);
                } else {
                    let at = [key("links"), key(name), PathSegment::Index(i)];
                    self.error(&at, ConfigError::BadScheme(scheme), &[]);
                }
            }
        }
        policy
    }

    /// `publisher: { name: ..., url: ... }`, or the site's title when there is none.
    fn publisher(&mut self, map: &Mapping, title: &str) -> Publisher {
        let fallback = Publisher {
            name: title.to_string(),
            url: None,
        };
        let Some(value) = map.get("publisher") else {
            return fallback;
        };
        let path = [key("publisher")];
        let Some(m) = value.as_mapping() else {
            self.wrong(&path, "publisher", "a mapping with `name` and `url`", value);
            return fallback;
        };
        self.fields.unknown_keys(m, &path, &["name", "url"], None);
        let name = self.string(m, &path, "name", true).unwrap_or(fallback.name);
        let url = self.string(m, &path, "url", false);
        if let Some(url) = &url {
            if !crate::routes::scheme::is_safe_url(url) || !url.contains("://") {
                let at = [key("publisher"), key("url")];
                self.wrong(
                    &at,
                    "url",
                    "an absolute http(s) address",
                    &Value::String(url.clone()),
                );
            }
        }
        Publisher { name, url }
    }

    /// `images: { widths: [480, 960], quality: 80 }`, each part optional.
    fn images(&mut self, map: &Mapping) -> ImageSettings {
        let mut settings = ImageSettings::default();
        let Some(value) = map.get("images") else {
            return settings;
        };
        let path = [key("images")];
        let Some(m) = value.as_mapping() else {
            self.wrong(
                &path,
                "images",
                "a mapping with `widths` and `quality`",
                value,
            );
            return settings;
        };
        self.fields
            .unknown_keys(m, &path, &["widths", "quality"], None);
        const WIDTHS: &str = "a list of widths in pixels, from 16 to 8192";
        if let Some(widths) = m.get("widths") {
            let at = [key("images"), key("widths")];
            let read: Option<Vec<u32>> = widths.as_sequence().and_then(|items| {
                items
                    .iter()
                    .map(|v| {
                        v.as_u64()
                            .filter(|w| (16..=8192).contains(w))
                            .map(|w| w as u32)
                    })
                    .collect()
            });
            match read {
                Some(mut widths) if !widths.is_empty() => {
                    widths.sort_unstable();
                    widths.dedup();
                    settings.widths = widths;
                }
                _ => self.wrong(&at, "widths", WIDTHS, widths),
            }
        }
        if let Some(quality) = m.get("quality") {
            let at = [key("images"), key("quality")];
            match quality.as_u64().filter(|q| (1..=100).contains(q)) {
                Some(q) => settings.quality = q as u8,
                None => self.wrong(&at, "quality", "a whole number from 1 to 100", quality),
            }
        }
        settings
    }

    /// `redirects: { 2023/dong-leaves/: events/dong-leaves-caucus }`: old paths and the
    /// pages they lead to. The targets are documents, which this stage does not read:
    /// the resolve stage finds them.
    fn redirects(&mut self, map: &Mapping) -> Vec<SiteRedirect> {
        let Some(value) = map.get("redirects") else {
            return Vec::new();
        };
        let path = [key("redirects")];
        const SHAPE: &str =
            "a mapping of old paths to pages, such as `2023/dong-leaves/: events/dong-leaves-caucus`";
        let Some(m) = value.as_mapping() else {
            self.wrong(&path, "redirects", SHAPE, value);
            return Vec::new();
        };
        let mut out: Vec<SiteRedirect> = Vec::new();
        for (from, to) in m {
            let Some(raw) = from.as_str().map(str::to_string) else {
                self.wrong(&path, "redirects", SHAPE, from);
                continue;
            };
            let at = [key("redirects"), key(&raw)];
            let Some(to) = self.fields.text(to, &at) else {
                self.wrong(&at, &raw, "a page such as `events/dong-leaves-caucus`", to);
                continue;
            };
            let from = match crate::routes::old_path(&raw) {
                Ok(from) => from,
                Err(e) => {
                    let spans = self.fields.spans();
                    let place = spans.key(&at).or_else(|| spans.best(&at));
                    self.fields.push(ConfigError::BadOldPath(e), place, None);
                    continue;
                }
            };
            if out.iter().any(|r| r.from == from) {
                let spans = self.fields.spans();
                let place = spans.key(&at).or_else(|| spans.best(&at));
                self.fields
                    .push(ConfigError::RepeatedRedirect(from), place, None);
                continue;
            }
            let place = self.fields.spans().value(&at);
            out.push(SiteRedirect {
                from,
                to: to.trim().to_string(),
                at: place,
            });
        }
        out
    }

    /// `embeds: { hosts: [datawrapper.dwcdn.net], own_origin: [www.youtube-nocookie.com] }`:
    /// host names, nothing else.
    fn embed_hosts(&mut self, map: &Mapping) -> EmbedHosts {
        let Some(value) = map.get("embeds") else {
            return EmbedHosts::default();
        };
        let path = [key("embeds")];
        let Some(m) = value.as_mapping() else {
            self.wrong(&path, "embeds", "a mapping with `hosts`", value);
            return EmbedHosts::default();
        };
        self.fields
            .unknown_keys(m, &path, &["hosts", "own_origin"], None);
        let mut list = |name: &'static str| {
            const HOSTS: &str = "a list of host names such as `www.youtube-nocookie.com`";
            let hosts = self.fields.string_list(m, &path, name, HOSTS);
            let mut good = Vec::new();
            for (i, host) in hosts.into_iter().enumerate() {
                let plain = !host.is_empty()
                    && host
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
                    && !host.starts_with('.')
                    && !host.ends_with('.');
                if plain {
                    good.push(host.to_ascii_lowercase());
                } else {
                    let at = [key("embeds"), key(name), PathSegment::Index(i)];
                    self.wrong(&at, name, HOSTS, &Value::String(host));
                }
            }
            good
        };
        let hosts = list("hosts");
        let own_origin = list("own_origin");
        // A host in both lists would lose its sandbox without saying so.
        for (i, host) in own_origin.iter().enumerate() {
            if hosts.contains(host) {
                let at = [key("embeds"), key("own_origin"), PathSegment::Index(i)];
                self.wrong(
                    &at,
                    "own_origin",
                    "a host not also under `hosts` (each host is sandboxed or not)",
                    &Value::String(host.clone()),
                );
            }
        }
        EmbedHosts { hosts, own_origin }
    }

    fn collections(&mut self, map: &Mapping, pagination: Pagination) -> Vec<Collection> {
        let Some(value) = map.get("collections") else {
            return Vec::new();
        };
        let Some(collections) = value.as_mapping() else {
            self.wrong(
                &[key("collections")],
                "collections",
                "a mapping of collection names to schemas",
                value,
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
                self.wrong(&path, name, "a mapping with `title` and `fields`", spec);
                continue;
            };
            self.fields.unknown_keys(
                spec,
                &path,
                &[
                    "title",
                    "singular",
                    "schema_org",
                    "sort",
                    "timeline",
                    "per_page",
                    "path",
                    "fields",
                    "checks",
                ],
                None,
            );
            let title = self
                .display(spec, &path, "title")
                .unwrap_or_else(|| humanise(name));
            let singular = self
                .display(spec, &path, "singular")
                .unwrap_or_else(|| title.clone());
            let schema_org = self.string(spec, &path, "schema_org", false);
            let sort = match self.string(spec, &path, "sort", false).as_deref() {
                None | Some("title") => SortOrder::Title,
                Some("date") => SortOrder::Date,
                Some(other) => {
                    let p = yaml::child(&path, "sort");
                    let found = spec.get("sort").cloned().unwrap_or(Value::Null);
                    self.wrong(&p, &format!("sort: {other}"), "`title` or `date`", &found);
                    SortOrder::Title
                }
            };
            let timeline = self.fields.boolean(spec, &path, "timeline").unwrap_or(true);
            let per_page = self
                .per_page(spec, &path, "per_page")
                .unwrap_or(pagination.collections);
            let folders = self.folders(spec, &path);
            let fields_path = yaml::child(&path, "fields");
            let fields = match spec.get("fields") {
                None => Vec::new(),
                Some(f) => self.fields(f, &fields_path, &declared),
            };
            let rules_path = yaml::child(&path, "checks");
            let rules = match spec.get("checks") {
                None => Vec::new(),
                Some(c) => self.rules(c, &rules_path, &fields),
            };
            out.push(Collection {
                name: name.to_string(),
                title,
                singular,
                schema_org,
                sort,
                per_page,
                folders,
                timeline,
                fields,
                rules,
            });
        }
        self.check_folders(&out);
        out
    }

    /// `path: { fr: personnes }`: a collection's folder in other languages' editions.
    fn folders(&mut self, spec: &Mapping, path: &[PathSegment]) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let Some(value) = spec.get("path") else {
            return out;
        };
        let ppath = yaml::child(path, "path");
        let Some(map) = value.as_mapping() else {
            self.wrong(
                &ppath,
                "path",
                "a mapping of languages to folder names, such as `{ fr: personnes }`",
                value,
            );
            return out;
        };
        for (language, folder) in map {
            let Some(language) = language.as_str() else {
                continue;
            };
            let lpath = yaml::child(&ppath, language);
            if self.languages.first().map(String::as_str) == Some(language) {
                self.error(&lpath, ConfigError::OwnLanguageFolder(language.into()), &[]);
                continue;
            }
            if !self.languages.iter().any(|l| l == language) {
                let known: Vec<String> = self.languages.iter().skip(1).cloned().collect();
                let known: Vec<&str> = known.iter().map(String::as_str).collect();
                let error = ConfigError::UnknownLanguage {
                    key: "path".into(),
                    language: language.to_string(),
                };
                self.error(&lpath, error, &known);
                continue;
            }
            let Some(name) = folder.as_str() else {
                self.wrong(
                    &lpath,
                    language,
                    "a folder name such as `personnes`",
                    folder,
                );
                continue;
            };
            if !is_name(name) {
                self.error(&lpath, ConfigError::BadName(name.into()), &[]);
            } else if crate::routes::is_reserved_collection(name) {
                self.error(&lpath, ConfigError::ReservedName(name.into()), &[]);
            } else {
                out.insert(language.to_string(), name.to_string());
            }
        }
        out
    }

    /// No two collections share a folder in any edition (a translated folder may not be
    /// another collection's name there either).
    fn check_folders(&mut self, collections: &[Collection]) {
        for language in self.languages.clone().iter().skip(1) {
            let mut taken: BTreeMap<&str, &str> = BTreeMap::new();
            for c in collections {
                let folder = c
                    .folders
                    .get(language)
                    .map_or(c.name.as_str(), String::as_str);
                if let Some(other) = taken.insert(folder, &c.name) {
                    let at = [key("collections"), key(&c.name), key("path"), key(language)];
                    let error = ConfigError::FolderTaken {
                        folder: folder.to_string(),
                        language: language.clone(),
                        other: other.to_string(),
                    };
                    self.error(&at, error, &[]);
                }
            }
        }
    }

    fn fields(
        &mut self,
        value: &Value,
        path: &[PathSegment],
        declared: &BTreeSet<String>,
    ) -> Vec<FieldSpec> {
        let Some(map) = value.as_mapping() else {
            self.wrong(path, "fields", "a mapping of field names to types", value);
            return Vec::new();
        };
        let mut fields = Vec::new();
        for (name, spec) in map {
            let Some(name) = name.as_str() else { continue };
            let fpath = yaml::child(path, name);
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
                self.wrong(&fpath, name, "a mapping such as `{ type: string }`", spec);
                continue;
            };
            self.fields.unknown_keys(
                spec,
                &fpath,
                &[
                    "type",
                    "required",
                    "label",
                    "backlink",
                    "former_backlink",
                    "qualifiers",
                    "schema_org",
                    "values",
                    "to",
                    "fields",
                ],
                None,
            );
            let Some(type_name) = self.string(spec, &fpath, "type", true) else {
                continue;
            };
            let tpath = yaml::child(&fpath, "type");
            let kind = match type_name.as_str() {
                "string" => FieldKind::String,
                "markdown" => FieldKind::Markdown,
                "date" => FieldKind::Date,
                "url" => FieldKind::Url,
                "bool" => FieldKind::Bool,
                "integer" => FieldKind::Integer,
                "strings" => FieldKind::Strings,
                "image" => FieldKind::Image,
                "enum" => {
                    let values =
                        self.fields
                            .string_list(spec, &fpath, "values", "a list of strings");
                    if values.is_empty() {
                        self.fields.missing(&fpath, "values");
                    }
                    FieldKind::Enum(values)
                }
                "ref" | "refs" => {
                    let Some(to) = self.string(spec, &fpath, "to", true) else {
                        continue;
                    };
                    if !declared.contains(&to) {
                        let p = yaml::child(&fpath, "to");
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
                    let p = yaml::child(&fpath, "fields");
                    match spec.get("fields") {
                        Some(inner) => FieldKind::Records(self.fields(inner, &p, declared)),
                        None => {
                            self.fields.missing(&fpath, "fields");
                            FieldKind::Records(Vec::new())
                        }
                    }
                }
                other => {
                    self.error(&tpath, ConfigError::UnknownType(other.into()), &[]);
                    continue;
                }
            };
            let required = self
                .fields
                .boolean(spec, &fpath, "required")
                .unwrap_or(false);
            let label = self
                .display(spec, &fpath, "label")
                .unwrap_or_else(|| humanise(name));
            let backlink = self.display(spec, &fpath, "backlink");
            let former_backlink = self.display(spec, &fpath, "former_backlink");
            let schema_org = self.string(spec, &fpath, "schema_org", false);
            let qualifiers = self.qualifiers(spec, &fpath, &kind);
            fields.push(FieldSpec {
                name: name.to_string(),
                kind,
                required,
                label,
                backlink,
                former_backlink,
                qualifiers,
                schema_org,
            });
        }
        fields
    }

    /// `qualifiers: [since, until, role]` of a ref or refs field.
    fn qualifiers(
        &mut self,
        spec: &Mapping,
        path: &[PathSegment],
        kind: &FieldKind,
    ) -> Vec<Qualifier> {
        let Some(value) = spec.get("qualifiers") else {
            return Vec::new();
        };
        let qpath = yaml::child(path, "qualifiers");
        if kind.target().is_none() {
            let found = value.clone();
            self.wrong(
                &qpath,
                "qualifiers",
                "nothing: only `ref` and `refs` fields take qualifiers",
                &found,
            );
            return Vec::new();
        }
        let names = self.fields.string_list(
            spec,
            path,
            "qualifiers",
            "a list such as `[since, until, role]`",
        );
        let known: Vec<&str> = Qualifier::ALL.iter().map(|(n, _)| *n).collect();
        let mut out = Vec::new();
        for (i, name) in names.iter().enumerate() {
            match Qualifier::ALL.iter().find(|(n, _)| n == name) {
                Some((_, q)) if !out.contains(q) => out.push(*q),
                Some(_) => {}
                None => self.error(
                    &yaml::child(&qpath, i),
                    ConfigError::UnknownQualifier(name.clone()),
                    &known,
                ),
            }
        }
        out
    }

    fn rules(&mut self, value: &Value, path: &[PathSegment], fields: &[FieldSpec]) -> Vec<Rule> {
        let Some(list) = value.as_sequence() else {
            self.wrong(path, "checks", "a list", value);
            return Vec::new();
        };
        let mut checks = Vec::new();
        for (i, item) in list.iter().enumerate() {
            let cpath = yaml::child(path, i);
            let Some(map) = item.as_mapping() else {
                self.wrong(&cpath, "check", "a mapping with `rule`", item);
                continue;
            };
            self.fields.unknown_keys(
                map,
                &cpath,
                &["rule", "field", "records", "key", "message"],
                None,
            );
            let rule = self.string(map, &cpath, "rule", true).unwrap_or_default();
            if rule == "correction-when-changed" {
                for extra in ["field", "records", "key"] {
                    if map.contains_key(extra) {
                        self.error(
                            &yaml::child(&cpath, extra),
                            ConfigError::BadCheck(format!(
                                "`correction-when-changed` takes no `{extra}`: it watches the whole text"
                            )),
                            &[],
                        );
                    }
                }
                let message = self.display(map, &cpath, "message").unwrap_or_else(|| {
                    "its text changed since the last build published it, with no new correction"
                        .into()
                });
                checks.push(Rule::CorrectionWhenChanged { message });
                continue;
            }
            if rule != "each-has-record" {
                self.error(
                    &yaml::child(&cpath, "rule"),
                    ConfigError::BadCheck(format!(
                        "unknown rule `{rule}` (known: `each-has-record`, `correction-when-changed`)"
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
                .display(map, &cpath, "message")
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
                checks.push(Rule::EachHasRecord {
                    field,
                    records,
                    key: rkey,
                    message,
                });
            }
        }
        checks
    }
}

fn key(name: &str) -> PathSegment {
    PathSegment::Key(name.to_string())
}

/// One entry of `languages:`.
struct OtherLanguage {
    code: String,
    title: String,
    description: String,
    locale: String,
    extra: serde_json::Map<String, serde_json::Value>,
}

const LANGUAGE_TAG: &str = "a lowercase language tag such as `en`, `fr` or `fr-ca`";

/// Whether `tag` can name a language: it is also the folder of that language's pages,
/// so lowercase ASCII letters, digits and `-` only, starting with two or three letters.
fn is_language_tag(tag: &str) -> bool {
    let primary = tag.split('-').next().unwrap_or_default();
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && tag.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// `fr-ca` -> `fr_CA`, `fr` -> `fr`: the locale form Open Graph reads.
fn default_locale(tag: &str) -> String {
    match tag.split_once('-') {
        Some((language, region)) => format!("{language}_{}", region.to_ascii_uppercase()),
        None => tag.to_string(),
    }
}

/// `reported_by` -> `Reported by`.
pub(crate) fn humanise(name: &str) -> String {
    let spaced = name.replace(['_', '-'], " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn humanises_field_names() {
        assert_eq!(humanise("reported_by"), "Reported by");
    }

    #[test]
    fn language_tags_are_folder_names() {
        assert!(is_language_tag("fr"));
        assert!(is_language_tag("fr-ca"));
        assert!(!is_language_tag("FR"));
        assert!(!is_language_tag("f"));
        assert!(!is_language_tag("fr/.."));
        assert!(!is_language_tag("fr-"));
        assert_eq!(default_locale("fr-ca"), "fr_CA");
        assert_eq!(default_locale("fr"), "fr");
    }
}
