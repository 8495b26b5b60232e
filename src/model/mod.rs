//! Typed documents: front matter checked against the collection schemas.
//!
//! Turns each loaded [`SourceFile`] into a [`Document`] whose fields are typed
//! [`FieldValue`]s, reporting every unknown key, missing field and wrong value at its
//! line and column. References stay unresolved slugs here (with their positions):
//! whether they point at a real entry is the resolve stage's question.

mod date;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use serde_yaml::{Mapping, Value};
use thiserror::Error;

use crate::config::{Config, FieldKind, FieldSpec, Qualifier, COMMON_KEYS};
use crate::diagnostic::{
    did_you_mean, first_problems_of_file, Diagnostic, Diagnostics, Place, Stage,
};
use crate::images::{ImageError, Picture};
use crate::load::{SourceFile, SourceKind};
use crate::routes::scheme::SchemePolicy;
use crate::routes::slug::{is_slug, odd_character, suggest_slug};
pub(crate) use crate::routes::EntryId;
use crate::routes::{OldAddress, Route};
use crate::yaml::{self, Fields, PathSegment, ShapeError, SpanIndex};

pub(crate) use date::{DateError, PartialDate};

/// What a document is, and so where it is published.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DocId {
    /// The home page.
    Home,
    /// A collection's index page (its `_index.md`).
    Index(String),
    /// An entry of a collection.
    Entry(EntryId),
    /// A standalone page.
    Page(String),
}

impl DocId {
    /// The route of the document's own page.
    pub fn route(&self) -> Route {
        match self {
            DocId::Home => Route::Home,
            DocId::Index(collection) => Route::CollectionIndex(collection.clone()),
            DocId::Entry(entry) => Route::Entry(entry.clone()),
            DocId::Page(slug) => Route::Page(slug.clone()),
        }
    }

    /// The entry id, for entries.
    pub fn entry(&self) -> Option<&EntryId> {
        match self {
            DocId::Entry(id) => Some(id),
            _ => None,
        }
    }
}

/// A reference to another entry, as written, with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The entry referred to (collection from the schema, slug from the text).
    pub target: EntryId,
    /// Where the slug was written.
    pub at: Option<Place>,
    /// What a qualified reference says about itself (`{ to: slug, until: 2023-03-22 }`).
    pub qualifiers: Option<Box<RefQualifiers>>,
}

/// The qualifiers of one reference, as the schema declares them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct RefQualifiers {
    /// When the relation began.
    pub since: Option<PartialDate>,
    /// When it ended: a reference with `until` is a former one.
    pub until: Option<PartialDate>,
    /// What the referring entry was in it.
    pub role: Option<String>,
}

impl RefQualifiers {
    /// Whether the relation has ended.
    pub fn is_former(&self) -> bool {
        self.until.is_some()
    }
}

/// An old address of an entry or page (`aliases:` in front matter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    /// The address the page had.
    pub address: OldAddress,
    /// Where it is written.
    pub at: Option<Place>,
}

/// One correction of an entry (`corrections:` in front matter): when, and what changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    /// The day it was made.
    pub date: PartialDate,
    /// What changed, in the newsroom's words (plain text).
    pub note: String,
    /// Where the record was written.
    pub at: Option<Place>,
}

/// A typed front-matter value.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    /// Plain text.
    Text(String),
    /// Inline Markdown source, with where it starts (for link errors inside it).
    Markdown {
        /// The Markdown.
        source: String,
        /// Where the value is.
        at: Option<Place>,
    },
    /// A partial date.
    Date(PartialDate),
    /// An allowed enum value.
    Enum(String),
    /// A checked URL.
    Url(String),
    /// A flag.
    Bool(bool),
    /// A whole number.
    Integer(i64),
    /// A list of strings.
    Strings(Vec<String>),
    /// One reference.
    Ref(Reference),
    /// Several references.
    Refs(Vec<Reference>),
    /// A list of records, each its fields in declaration order.
    Records(Vec<Vec<(String, FieldValue)>>),
    /// A checked image file and its words.
    Image(Picture),
}

/// One content file with checked, typed front matter.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The file, relative to the site root.
    pub path: PathBuf,
    /// What it is.
    pub id: DocId,
    /// The title.
    pub title: String,
    /// A one-sentence summary.
    pub summary: Option<String>,
    /// When it happened or was published.
    pub date: Option<PartialDate>,
    /// When it was last updated.
    pub updated: Option<PartialDate>,
    /// Tags, as written.
    pub tags: Vec<String>,
    /// Corrections, oldest first.
    pub corrections: Vec<Correction>,
    /// The addresses the page was published at before (`aliases:`), which redirect to it.
    pub aliases: Vec<Alias>,
    /// Declared fields that were given, in declaration order.
    pub fields: Vec<(String, FieldValue)>,
    /// The Markdown body.
    pub body: String,
    /// The 1-based line on which the body starts.
    pub body_line: usize,
    /// The byte of the file's text at which the body starts.
    pub body_offset: usize,
    /// The language its text is in: the site's own, or a translation's.
    pub lang: String,
    /// Every language the document is published in, the site's own first (set for each
    /// edition by [`edition`]).
    pub versions: Vec<String>,
}

impl Document {
    /// The value of a declared field, if given.
    pub fn field(&self, name: &str) -> Option<&FieldValue> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

/// Every document of the site, and the drafts left out.
#[derive(Debug, Clone, Default)]
pub(crate) struct Model {
    /// Published documents, sorted by id (shared: `casefile serve` keeps the documents
    /// of unchanged files between rebuilds).
    pub documents: Vec<Arc<Document>>,
    /// Entries marked `draft: true` and not built, so references to them get a clear error.
    pub drafts: BTreeMap<EntryId, PathBuf>,
    /// Translations (`slug.fr.md`), by language and then by the id of their original.
    pub translations: BTreeMap<String, BTreeMap<DocId, Arc<Document>>>,
}

/// What can be wrong with a document's front matter.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub(crate) enum ModelError {
    /// An unknown key, a missing field, a value of the wrong type.
    #[error(transparent)]
    Shape(ShapeError),
    /// An enum value not in the list.
    #[error("`{value}` is not an allowed value of `{field}` (allowed: {allowed})")]
    BadEnum {
        /// The field.
        field: String,
        /// What was written.
        value: String,
        /// The allowed values.
        allowed: String,
    },
    /// A date problem.
    #[error("`{field}`: {error}")]
    BadDate {
        /// The field.
        field: String,
        /// What is wrong.
        error: DateError,
    },
    /// A URL problem.
    #[error("`{field}`: `{value}` is not an absolute URL with an allowed scheme")]
    BadUrl {
        /// The field.
        field: String,
        /// What was written.
        value: String,
    },
    /// A slug in a ref field that cannot be a slug.
    #[error("`{0}` is not a valid slug")]
    BadRefSlug(String),
    /// A page whose URL another page already uses.
    #[error(
        "page `{0}` would be published at the same address as the engine's or a collection's page"
    )]
    ReservedSlug(String),
    /// `approximate: true` with no `date` to qualify.
    #[error("`approximate: true` qualifies `date`, and this page has none")]
    ApproximateWithoutDate,
    /// A correction dated to the month or year.
    #[error("a correction's `date` must be a full day such as `2023-03-24`")]
    PartialCorrectionDate,
    /// A qualified reference in a field that declares no qualifiers.
    #[error("`{field}` takes plain slugs: its schema declares no qualifiers")]
    UnqualifiedField {
        /// The field.
        field: String,
    },
    /// A period that ends before it begins.
    #[error("`until` ({until}) is before `since` ({since})")]
    EndsBeforeItBegins {
        /// The start.
        since: PartialDate,
        /// The end.
        until: PartialDate,
    },
    /// An alias that is not a slug, or a collection's folder and a slug.
    #[error("`{0}` is not an old address: write the old slug (`dong-han`), or the old collection and slug (`persons/dong-han`)")]
    BadAlias(String),
    /// `aliases:` on the home page, which is always at the site's address.
    #[error("the home page has no old address: it is always at the site's address (give old paths in `redirects:` of site.yaml)")]
    HomeAlias,
    /// No front matter in an entry.
    #[error("missing front matter: start the file with `---`, a `title:` line and `---`")]
    NoFrontMatter,
    /// A translation whose original does not exist.
    #[error("this is a `{language}` translation of `{original}`, which does not exist")]
    Orphan {
        /// The translation's language.
        language: String,
        /// The original file it names.
        original: String,
    },
    /// A translation that gives a field other than the original's, where every language
    /// shares the original's value.
    #[error("`{0}` is taken from the original in every language; a translation may repeat it but not change it")]
    NotTheOriginal(String),
    /// An original without a translation in an edition's language (a warning).
    #[error("no `{language}` translation (`{translation}`): the `{language}` pages link to this page in `{original}`, marked as such")]
    Untranslated {
        /// The edition's language.
        language: String,
        /// The translation file that is missing.
        translation: String,
        /// The original's language.
        original: String,
    },
    /// An image field whose file or words are not right.
    #[error(transparent)]
    Image(ImageError),
}

impl From<ShapeError> for ModelError {
    fn from(error: ShapeError) -> Self {
        ModelError::Shape(error)
    }
}

impl ModelError {
    fn hint(&self, candidates: &[&str]) -> Option<String> {
        match self {
            ModelError::Shape(error) => error.hint(),
            ModelError::BadEnum { value, .. } => did_you_mean(value, candidates.iter().copied()),
            ModelError::Image(error) => error.hint(false),
            ModelError::BadAlias(text) => {
                let last = text.rsplit('/').next().unwrap_or(text);
                Some(format!("slugs look like `{}`", suggest_slug(last)))
            }
            ModelError::BadRefSlug(slug) => Some(match odd_character(slug) {
                Some(note) => format!("{note}: retype the slug with ASCII letters"),
                None => format!("slugs look like `{}`", suggest_slug(slug)),
            }),
            ModelError::UnqualifiedField { field } => Some(format!(
                "write the slug alone, or declare `qualifiers: [since, until, role]` on `{field}` in site.yaml"
            )),
            ModelError::ApproximateWithoutDate => {
                Some("add the date as precisely as the source gives it, e.g. `date: 2021-09`".into())
            }
            _ => None,
        }
    }
}

/// Checks every loaded file against the schema, in parallel, into the model of the
/// site. A file `cache` typed under the same configuration is not typed again (`casefile
/// serve` keeps the cache; `build` and `check` pass an empty one).
pub(crate) fn build_model(
    config: &Config,
    sources: &[Arc<SourceFile>],
    cache: &mut TypeCache,
) -> Result<Model, Diagnostics> {
    let known = &cache.files;
    let typed: Vec<Arc<TypedFile>> = sources
        .par_iter()
        .map(|source| match known.get(&address(source)) {
            Some((_, typed)) => Arc::clone(typed),
            None => Arc::new(type_file(config, source)),
        })
        .collect();
    cache.files = sources
        .iter()
        .zip(&typed)
        .map(|(source, typed)| (address(source), (Arc::clone(source), Arc::clone(typed))))
        .collect();
    assemble_model(config, typed.iter().map(Arc::as_ref))
}

/// The typed files of the last run, by the loaded file they were typed from. Each entry
/// holds its file, so no other file can take that address while the entry lives. Valid
/// for one configuration.
#[derive(Debug, Default)]
pub(crate) struct TypeCache {
    files: std::collections::HashMap<usize, (Arc<SourceFile>, Arc<TypedFile>)>,
}

/// Where a shared file lives: its identity while it is shared.
fn address(file: &Arc<SourceFile>) -> usize {
    Arc::as_ptr(file) as usize
}

/// One content file checked on its own against the schema: its document (with whether
/// it is a draft) unless a problem stopped the check, and every problem found.
///
/// What a file checks to depends only on the file and the configuration, so
/// `casefile serve` keeps the result of an unchanged file until `site.yaml` changes.
#[derive(Debug, Clone, Default)]
pub(crate) struct TypedFile {
    /// The document and whether it is marked `draft: true`.
    pub document: Option<(Arc<Document>, bool)>,
    /// The file's problems, in the order found.
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks one loaded file against the schema.
pub(crate) fn type_file(config: &Config, source: &SourceFile) -> TypedFile {
    let mut checker = Checker {
        config,
        source,
        fields: Fields::new(&source.spans, "field", true),
        schemes: &config.site.schemes,
    };
    let document = checker
        .document(config)
        .map(|(doc, draft)| (Arc::new(doc), draft));
    let diagnostics: Vec<(Diagnostic, ())> = checker
        .fields
        .into_problems()
        .into_iter()
        .map(|p| {
            let diagnostic = Diagnostic::new(Stage::Model, source.path.clone(), p.error)
                .at(Some(p.place.unwrap_or_else(Place::start)))
                .with_hint(p.hint);
            (diagnostic, ())
        })
        .collect();
    // Thousands of bad values in one file are a wall of errors, not help.
    let listed = first_problems_of_file(diagnostics);
    TypedFile {
        document,
        diagnostics: listed.into_iter().map(|(d, ())| d).collect(),
    }
}

/// The model of checked files: drafts set aside (unless drafts are built), documents
/// sorted by id, every file's problems together.
fn assemble_model<'a>(
    config: &Config,
    checked: impl IntoIterator<Item = &'a TypedFile>,
) -> Result<Model, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let mut model = Model::default();
    for file in checked {
        diagnostics.extend(file.diagnostics.iter().cloned());
        let Some((doc, draft)) = &file.document else {
            continue;
        };
        if doc.lang != config.site.default_language {
            if !*draft || config.drafts {
                model
                    .translations
                    .entry(doc.lang.clone())
                    .or_default()
                    .insert(doc.id.clone(), Arc::clone(doc));
            }
            continue;
        }
        if *draft && !config.drafts {
            if let DocId::Entry(id) = &doc.id {
                model.drafts.insert(id.clone(), doc.path.clone());
            }
            continue;
        }
        model.documents.push(Arc::clone(doc));
    }
    model.documents.sort_by(|a, b| a.id.cmp(&b.id));
    diagnostics.into_result(model)
}

/// `content/people/han-dong.fr.md` -> `content/people/han-dong.md`.
fn original_path(translation: &std::path::Path, language: &str) -> PathBuf {
    let name = translation
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let original = name.replace(&format!(".{language}.md"), ".md");
    translation.with_file_name(original)
}

/// `content/people/han-dong.md` -> `content/people/han-dong.fr.md`.
fn translation_path(original: &std::path::Path, language: &str) -> PathBuf {
    original.with_extension(format!("{language}.md"))
}

/// The documents of one edition of the site (`config.edition`): for the site's own
/// language its documents; for another, each original's translation where there is one,
/// holding the original's refs, dates, enums and other values that are not text, and
/// the original itself where there is none (its pages are not published in that
/// language; links to them are marked). Every document learns which languages it is
/// published in. The warnings name each original left untranslated.
pub(crate) fn edition(config: &Config, model: &Model) -> Result<(Model, Diagnostics), Diagnostics> {
    let own = &config.site.default_language;
    let mut warnings = Diagnostics::new();
    let mut errors = Diagnostics::new();
    let mut documents = Vec::with_capacity(model.documents.len());
    for original in &model.documents {
        let versions: Vec<String> = config
            .site
            .languages
            .iter()
            .filter(|l| {
                *l == own
                    || model
                        .translations
                        .get(*l)
                        .is_some_and(|t| t.contains_key(&original.id))
            })
            .cloned()
            .collect();
        let with_versions = |doc: &Arc<Document>| {
            if doc.versions == versions {
                Arc::clone(doc)
            } else {
                let mut doc = Document::clone(doc);
                doc.versions = versions.clone();
                Arc::new(doc)
            }
        };
        let Some(language) = &config.edition else {
            documents.push(with_versions(original));
            continue;
        };
        match model
            .translations
            .get(language)
            .and_then(|t| t.get(&original.id))
        {
            Some(translation) => {
                let schema = original
                    .id
                    .entry()
                    .and_then(|id| config.collections.iter().find(|c| c.name == id.collection));
                let fields = match schema {
                    Some(schema) => merged_fields(schema, original, translation, &mut errors),
                    None => translation.fields.clone(),
                };
                if translation.date.is_some() && translation.date != original.date {
                    errors.push(
                        Diagnostic::new(
                            Stage::Model,
                            translation.path.clone(),
                            ModelError::NotTheOriginal("date".into()),
                        )
                        .at(Some(Place::start())),
                    );
                }
                let addresses = |d: &Document| {
                    d.aliases
                        .iter()
                        .map(|a| a.address.clone())
                        .collect::<Vec<_>>()
                };
                if !translation.aliases.is_empty() && addresses(translation) != addresses(original)
                {
                    errors.push(
                        Diagnostic::new(
                            Stage::Model,
                            translation.path.clone(),
                            ModelError::NotTheOriginal("aliases".into()),
                        )
                        .at(translation.aliases[0].at.or(Some(Place::start()))),
                    );
                }
                documents.push(Arc::new(Document {
                    aliases: original.aliases.clone(),
                    date: original.date,
                    updated: translation.updated.or(original.updated),
                    fields,
                    versions: versions.clone(),
                    ..Document::clone(translation)
                }));
            }
            None => {
                warnings.push(
                    Diagnostic::new(
                        Stage::Model,
                        original.path.clone(),
                        ModelError::Untranslated {
                            language: language.clone(),
                            translation: translation_path(&original.path, language)
                                .to_string_lossy()
                                .replace('\\', "/"),
                            original: own.clone(),
                        },
                    )
                    .warning(),
                );
                // The home page and collection indexes exist in every language: without a
                // translation the edition makes its own, as a site without the file does.
                if matches!(original.id, DocId::Entry(_) | DocId::Page(_)) {
                    documents.push(with_versions(original));
                }
            }
        }
    }
    if let Some(language) = &config.edition {
        for (id, translation) in model.translations.get(language).into_iter().flatten() {
            if model.documents.binary_search_by(|d| d.id.cmp(id)).is_err() {
                let original = original_path(&translation.path, language);
                let error = ModelError::Orphan {
                    language: language.clone(),
                    original: original.to_string_lossy().replace('\\', "/"),
                };
                errors.push(
                    Diagnostic::new(Stage::Model, translation.path.clone(), error).with_hint(Some(
                        format!(
                            "a translation is named after its original: `{}`",
                            original.display()
                        ),
                    )),
                );
            }
        }
    }
    let edition = Model {
        documents,
        drafts: model.drafts.clone(),
        translations: BTreeMap::new(),
    };
    errors.into_result((edition, warnings))
}

/// A translation's fields: its own text, and every other value the original's. A value
/// that is not text and differs from the original's is an error at the translation.
fn merged_fields(
    schema: &crate::config::Collection,
    original: &Document,
    translation: &Document,
    errors: &mut Diagnostics,
) -> Vec<(String, FieldValue)> {
    let mut fields = Vec::new();
    for spec in &schema.fields {
        let value = if spec.kind.is_text() {
            translation.field(&spec.name)
        } else if spec.kind == crate::config::FieldKind::Image {
            // A picture's alt text, caption and credit are words: a translation may
            // give its own, else it shows the original's.
            translation
                .field(&spec.name)
                .or_else(|| original.field(&spec.name))
        } else {
            if let Some(given) = translation.field(&spec.name) {
                if !same_value(Some(given), original.field(&spec.name)) {
                    let at = match given {
                        FieldValue::Ref(r) => r.at,
                        FieldValue::Refs(refs) => refs.first().and_then(|r| r.at),
                        _ => None,
                    };
                    errors.push(
                        Diagnostic::new(
                            Stage::Model,
                            translation.path.clone(),
                            ModelError::NotTheOriginal(spec.name.clone()),
                        )
                        .at(Some(at.unwrap_or_else(Place::start)))
                        .with_hint(Some(format!(
                            "change `{}` in `{}`, or leave it out here",
                            spec.name,
                            original.path.display()
                        ))),
                    );
                }
            }
            original.field(&spec.name)
        };
        if let Some(value) = value {
            fields.push((spec.name.clone(), value.clone()));
        }
    }
    fields
}

/// Whether two values are the same, wherever they were written.
fn same_value(a: Option<&FieldValue>, b: Option<&FieldValue>) -> bool {
    let targets = |refs: &[Reference]| refs.iter().map(|r| r.target.clone()).collect::<Vec<_>>();
    match (a, b) {
        (Some(FieldValue::Ref(a)), Some(FieldValue::Ref(b))) => a.target == b.target,
        (Some(FieldValue::Refs(a)), Some(FieldValue::Refs(b))) => targets(a) == targets(b),
        (a, b) => a == b,
    }
}

/// Checks one file's front matter; every problem goes to `fields`, in the order found.
struct Checker<'a> {
    config: &'a Config,
    source: &'a SourceFile,
    fields: Fields<'a, ModelError>,
    /// Which schemes a `url` field may use.
    schemes: &'a SchemePolicy,
}

impl Checker<'_> {
    fn spans(&self) -> &SpanIndex {
        &self.source.spans
    }

    fn report(&mut self, path: &[PathSegment], error: ModelError, candidates: &[&str]) {
        let hint = error.hint(candidates);
        let place = self.spans().best(path);
        self.fields.push(error, place, hint);
    }

    fn wrong(&mut self, path: &[PathSegment], field: &str, expected: &str, found: &Value) {
        self.fields.wrong_type(path, field, expected, found);
    }

    fn document(&mut self, config: &Config) -> Option<(Document, bool)> {
        let source = self.source;
        let (id, collection) = match &source.kind {
            SourceKind::Home => (DocId::Home, None),
            SourceKind::CollectionIndex { collection } => (DocId::Index(collection.clone()), None),
            SourceKind::Page { slug } => {
                let collections = config.collections.iter().map(|c| c.name.as_str());
                let language = config.site.languages.iter().any(|l| l == slug);
                if language || crate::routes::is_reserved_page(slug, collections) {
                    self.report(&[], ModelError::ReservedSlug(slug.clone()), &[]);
                    return None;
                }
                (DocId::Page(slug.clone()), None)
            }
            SourceKind::Entry { collection, slug } => {
                let schema = config.collections.iter().find(|c| &c.name == collection)?;
                (
                    DocId::Entry(EntryId {
                        collection: collection.clone(),
                        slug: slug.clone(),
                    }),
                    Some(schema),
                )
            }
        };
        let is_index = matches!(id, DocId::Index(_));
        if !source.has_front_matter && !is_index {
            self.fields
                .push(ModelError::NoFrontMatter, Some(Place::start()), None);
            return None;
        }
        let front = &source.front;
        let mut allowed: Vec<&str> = COMMON_KEYS.to_vec();
        if let Some(c) = collection {
            allowed.extend(c.fields.iter().map(|f| f.name.as_str()));
        }
        let what = match collection {
            Some(c) => format!("an entry of `{}`", c.name),
            None => "a page".to_string(),
        };
        self.fields.unknown_keys(front, &[], &allowed, Some(&what));
        let fallback_title = match &id {
            DocId::Index(c) => config
                .collections
                .iter()
                .find(|x| &x.name == c)
                .map(|x| x.title.clone()),
            _ => None,
        };
        // A title of the wrong type is reported as such, not also as missing.
        let wrong_title = front
            .get("title")
            .is_some_and(|t| !matches!(t, Value::String(_) | Value::Number(_) | Value::Null));
        let title = match self.fields.string(front, &[], "title", false, "text") {
            Some(t) if !t.trim().is_empty() => t,
            _ => match fallback_title {
                Some(t) => t,
                None => {
                    if !wrong_title {
                        self.fields.missing(&[], "title");
                    }
                    String::new()
                }
            },
        };
        let summary = self.fields.string(front, &[], "summary", false, "text");
        let mut date = self.date(front, "date");
        match (front.get("approximate"), &mut date) {
            (None | Some(Value::Null), _) | (Some(Value::Bool(false)), _) => {}
            (Some(Value::Bool(true)), Some(d)) => *d = d.approximately(),
            (Some(Value::Bool(true)), None) => {
                if front.get("date").is_none() {
                    self.report(
                        &[key("approximate")],
                        ModelError::ApproximateWithoutDate,
                        &[],
                    );
                }
            }
            (Some(other), _) => self.wrong(
                &[key("approximate")],
                "approximate",
                "`true` or `false`",
                other,
            ),
        }
        let updated = self.date(front, "updated");
        let tags = self.tags(front);
        let corrections = self.corrections(front);
        let aliases = self.aliases(front, &id);
        let draft = match front.get("draft") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                self.wrong(&[key("draft")], "draft", "`true` or `false`", other);
                false
            }
        };
        let fields = match collection {
            Some(c) => self.fields(front, &c.fields, &[]),
            None => Vec::new(),
        };
        let lang = source
            .language
            .clone()
            .unwrap_or_else(|| config.site.default_language.clone());
        Some((
            Document {
                path: source.path.clone(),
                id,
                title,
                summary,
                date,
                updated,
                tags,
                corrections,
                aliases,
                fields,
                body: source.body.clone(),
                body_line: source.body_line,
                body_offset: source.body_offset,
                versions: vec![lang.clone()],
                lang,
            },
            draft,
        ))
    }

    fn date(&mut self, front: &Mapping, name: &str) -> Option<PartialDate> {
        let value = front.get(name)?;
        let path = [key(name)];
        self.parse_date(name, value, &path)
    }

    fn parse_date(
        &mut self,
        field: &str,
        value: &Value,
        path: &[PathSegment],
    ) -> Option<PartialDate> {
        let Some(raw) = self.fields.text(value, path) else {
            self.wrong(path, field, "a date such as `2023-03-22`", value);
            return None;
        };
        match PartialDate::parse(&raw) {
            Ok(date) => Some(date),
            Err(error) => {
                let error = ModelError::BadDate {
                    field: field.into(),
                    error,
                };
                self.report(path, error, &[]);
                None
            }
        }
    }

    /// `corrections: [{ date: 2023-03-24, note: What changed }]`.
    fn corrections(&mut self, front: &Mapping) -> Vec<Correction> {
        let list = match front.get("corrections") {
            None | Some(Value::Null) => return Vec::new(),
            Some(Value::Sequence(items)) => items,
            Some(other) => {
                self.wrong(
                    &[key("corrections")],
                    "corrections",
                    "a list of records such as `- { date: 2023-03-24, note: What changed }`",
                    other,
                );
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for (i, item) in list.iter().enumerate() {
            let path = [key("corrections"), PathSegment::Index(i)];
            let Value::Mapping(map) = item else {
                self.wrong(
                    &path,
                    "corrections",
                    "a record such as `{ date: 2023-03-24, note: What changed }`",
                    item,
                );
                continue;
            };
            self.fields
                .unknown_keys(map, &path, &["date", "note"], Some("a correction"));
            let date = match map.get("date") {
                Some(value) => {
                    let dpath = yaml::child(&path, "date");
                    let date = self.parse_date("corrections.date", value, &dpath);
                    if date.is_some_and(|d| !d.is_full()) {
                        self.report(&dpath, ModelError::PartialCorrectionDate, &[]);
                        continue;
                    }
                    date
                }
                None => {
                    self.fields.missing(&path, "date");
                    None
                }
            };
            let note = self.fields.string(map, &path, "note", true, "text");
            if let (Some(date), Some(note)) = (date, note) {
                out.push(Correction {
                    date,
                    note,
                    at: self.spans().value(&path),
                });
            }
        }
        out.sort_by_key(|c| c.date);
        out
    }

    /// `aliases: [old-slug, old-collection/old-slug]`: an entry's or page's old
    /// addresses. A slug alone keeps an entry's collection (`people/old-slug`); for a
    /// page or a collection's index it is the folder it had (`/old-slug/`).
    fn aliases(&mut self, front: &Mapping, id: &DocId) -> Vec<Alias> {
        const SHAPE: &str = "a list of old slugs such as `[dong-han, persons/dong-han]`";
        let items = match front.get("aliases") {
            None | Some(Value::Null) => return Vec::new(),
            Some(Value::Sequence(items)) => items,
            Some(other) => {
                self.wrong(&[key("aliases")], "aliases", SHAPE, other);
                return Vec::new();
            }
        };
        if matches!(id, DocId::Home) {
            self.report(&[key("aliases")], ModelError::HomeAlias, &[]);
            return Vec::new();
        }
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = [key("aliases"), PathSegment::Index(i)];
            let Some(text) = item.as_str().map(str::trim) else {
                self.wrong(&path, "aliases", SHAPE, item);
                continue;
            };
            let (folder, slug) = match text.split_once('/') {
                Some((folder, slug)) => (Some(folder), slug),
                None => (None, text),
            };
            let folder_ok = folder.is_none_or(|f| {
                crate::routes::slug::is_name(f) && !crate::routes::is_reserved_collection(f)
            });
            if !folder_ok || !is_slug(slug) {
                self.report(&path, ModelError::BadAlias(text.to_string()), &[]);
                continue;
            }
            let address = match (folder, id) {
                (Some(folder), _) => OldAddress::Entry(EntryId {
                    collection: folder.to_string(),
                    slug: slug.to_string(),
                }),
                (None, DocId::Entry(own)) => OldAddress::Entry(EntryId {
                    collection: own.collection.clone(),
                    slug: slug.to_string(),
                }),
                (None, _) => {
                    if crate::routes::is_reserved_page(slug, std::iter::empty()) {
                        self.report(&path, ModelError::ReservedSlug(slug.to_string()), &[]);
                        continue;
                    }
                    OldAddress::Page(slug.to_string())
                }
            };
            let at = self.spans().value(&path);
            out.push(Alias { address, at });
        }
        out
    }

    fn tags(&mut self, front: &Mapping) -> Vec<String> {
        match front.get("tags") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Sequence(items)) => {
                let mut tags = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match item.as_str() {
                        Some(t) if !t.trim().is_empty() => tags.push(t.trim().to_string()),
                        _ => self.wrong(
                            &[key("tags"), PathSegment::Index(i)],
                            "tags",
                            "a list of words",
                            item,
                        ),
                    }
                }
                tags
            }
            Some(other) => {
                self.wrong(
                    &[key("tags")],
                    "tags",
                    "a list such as `[elections, inquiry]`",
                    other,
                );
                Vec::new()
            }
        }
    }

    fn fields(
        &mut self,
        map: &Mapping,
        specs: &[FieldSpec],
        prefix: &[PathSegment],
    ) -> Vec<(String, FieldValue)> {
        let mut out = Vec::new();
        for spec in specs {
            let path = yaml::child(prefix, spec.name.as_str());
            match map.get(spec.name.as_str()) {
                None | Some(Value::Null) => {
                    // A translation takes what is not text from its original.
                    let from_original = self.source.language.is_some() && !spec.kind.is_text();
                    if spec.required && !from_original {
                        self.fields.missing(prefix, &spec.name);
                    }
                }
                Some(value) => {
                    if let Some(v) = self.value(spec, value, &path) {
                        out.push((spec.name.clone(), v));
                    }
                }
            }
        }
        out
    }

    fn wrong_value(
        &mut self,
        spec: &FieldSpec,
        value: &Value,
        path: &[PathSegment],
        expected: &str,
    ) -> Option<FieldValue> {
        self.wrong(path, &spec.name, expected, value);
        None
    }

    fn value(
        &mut self,
        spec: &FieldSpec,
        value: &Value,
        path: &[PathSegment],
    ) -> Option<FieldValue> {
        let at = self.spans().value(path);
        match &spec.kind {
            FieldKind::String => match self.fields.text(value, path) {
                Some(text) => Some(FieldValue::Text(text)),
                None => self.wrong_value(spec, value, path, "text"),
            },
            FieldKind::Markdown => match value {
                Value::String(s) => Some(FieldValue::Markdown {
                    source: s.clone(),
                    at,
                }),
                _ => self.wrong_value(spec, value, path, "Markdown text"),
            },
            FieldKind::Date => self
                .parse_date(&spec.name, value, path)
                .map(FieldValue::Date),
            FieldKind::Enum(values) => match value.as_str() {
                Some(s) if values.iter().any(|v| v == s) => Some(FieldValue::Enum(s.to_string())),
                Some(s) => {
                    let allowed: Vec<&str> = values.iter().map(String::as_str).collect();
                    let error = ModelError::BadEnum {
                        field: spec.name.clone(),
                        value: s.to_string(),
                        allowed: allowed
                            .iter()
                            .map(|v| format!("`{v}`"))
                            .collect::<Vec<_>>()
                            .join(", "),
                    };
                    self.report(path, error, &allowed);
                    None
                }
                None => self.wrong_value(spec, value, path, "one of the allowed values"),
            },
            FieldKind::Url => match value.as_str() {
                Some(s) if self.schemes.accepts_field(s) => Some(FieldValue::Url(s.to_string())),
                Some(s) => {
                    self.report(
                        path,
                        ModelError::BadUrl {
                            field: spec.name.clone(),
                            value: s.to_string(),
                        },
                        &[],
                    );
                    None
                }
                None => self.wrong_value(spec, value, path, "a URL"),
            },
            FieldKind::Bool => match value {
                Value::Bool(b) => Some(FieldValue::Bool(*b)),
                _ => self.wrong_value(spec, value, path, "`true` or `false`"),
            },
            FieldKind::Integer => match value.as_i64() {
                Some(n) => Some(FieldValue::Integer(n)),
                None => self.wrong_value(spec, value, path, "a whole number"),
            },
            FieldKind::Strings => match value {
                Value::Sequence(items) => {
                    let mut strings = Vec::new();
                    for (i, item) in items.iter().enumerate() {
                        let p = yaml::child(path, i);
                        match self.fields.text(item, &p) {
                            Some(text) => strings.push(text),
                            None => self.wrong(&p, &format!("{}[{i}]", spec.name), "text", item),
                        }
                    }
                    Some(FieldValue::Strings(strings))
                }
                _ => self.wrong_value(spec, value, path, "a list of strings"),
            },
            FieldKind::Ref(to) => match value {
                Value::Mapping(_) => self.qualified(spec, to, value, path).map(FieldValue::Ref),
                _ => match value.as_str() {
                    Some(s) => self.reference(to, s, path).map(FieldValue::Ref),
                    None => self.wrong_value(
                        spec,
                        value,
                        path,
                        &format!("the slug of an entry of `{to}`"),
                    ),
                },
            },
            FieldKind::Refs(to) => {
                let items: Vec<Value> = match value {
                    Value::Sequence(items) => items.clone(),
                    // A single slug where a list is expected is what editors mean.
                    Value::String(_) => vec![value.clone()],
                    _ => {
                        return self.wrong_value(
                            spec,
                            value,
                            path,
                            &format!("a list of slugs of `{to}` entries"),
                        )
                    }
                };
                let single = !value.is_sequence();
                let mut refs = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let p = if single {
                        path.to_vec()
                    } else {
                        yaml::child(path, i)
                    };
                    match item.as_str() {
                        Some(s) => refs.extend(self.reference(to, s, &p)),
                        None if item.is_mapping() => {
                            refs.extend(self.qualified(spec, to, item, &p));
                        }
                        None => {
                            self.wrong(
                                &p,
                                &spec.name,
                                &format!("the slug of an entry of `{to}`"),
                                item,
                            );
                        }
                    }
                }
                Some(FieldValue::Refs(refs))
            }
            FieldKind::Records(inner) => {
                let Value::Sequence(items) = value else {
                    return self.wrong_value(spec, value, path, "a list of records");
                };
                let names: Vec<&str> = inner.iter().map(|f| f.name.as_str()).collect();
                let mut records = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let p = yaml::child(path, i);
                    let Value::Mapping(map) = item else {
                        self.wrong(
                            &p,
                            &spec.name,
                            "a record (a mapping of keys to values)",
                            item,
                        );
                        continue;
                    };
                    let what = format!("a record of `{}`", spec.name);
                    self.fields.unknown_keys(map, &p, &names, Some(&what));
                    records.push(self.fields(map, inner, &p));
                }
                Some(FieldValue::Records(records))
            }
            FieldKind::Image => self.image(spec, value, path).map(FieldValue::Image),
        }
    }

    /// `{ src, alt, credit, caption }` (or `decorative: true` instead of `alt`), with its
    /// file found and its header read.
    fn image(&mut self, spec: &FieldSpec, value: &Value, path: &[PathSegment]) -> Option<Picture> {
        let Value::Mapping(map) = value else {
            self.wrong(
                path,
                &spec.name,
                "a mapping with `src`, `alt` and `credit`",
                value,
            );
            return None;
        };
        let what = format!("the image `{}`", spec.name);
        self.fields.unknown_keys(
            map,
            path,
            &["src", "alt", "credit", "caption", "decorative"],
            Some(&what),
        );
        let src = self.fields.string(map, path, "src", true, "a file name");
        let decorative = self
            .fields
            .boolean(map, path, "decorative")
            .unwrap_or(false);
        let alt = self.fields.string(map, path, "alt", false, "text");
        let credit = self.fields.string(map, path, "credit", false, "text");
        let caption = self
            .fields
            .string(map, path, "caption", false, "text")
            .filter(|c| !c.trim().is_empty());
        let src = src?;
        let src_path = yaml::child(path, "src");
        let source = match crate::images::probe(self.config, &self.source.path, &src) {
            Ok(source) => source,
            Err(error) => {
                self.report(&src_path, ModelError::Image(error), &[]);
                return None;
            }
        };
        let at = self.spans().best(&src_path);
        if decorative && alt.as_deref().is_some_and(|a| !a.trim().is_empty()) {
            let error = ModelError::Shape(ShapeError::WrongType {
                key: "alt".into(),
                expected: "left out on a decorative image (its alt text is empty)".into(),
                found: None,
            });
            self.report(&yaml::child(path, "alt"), error, &[]);
            return None;
        }
        if let Err(error) = crate::images::check_words(
            &source,
            alt.as_deref().unwrap_or(""),
            credit.as_deref(),
            decorative,
        ) {
            let key = if matches!(error, ImageError::NoAlt(_)) {
                "alt"
            } else {
                "credit"
            };
            let at_key = yaml::child(path, key);
            let place = self
                .spans()
                .value(&at_key)
                .or_else(|| self.spans().key(path))
                .or_else(|| self.spans().mapping(path));
            let hint = error.hint(false);
            self.fields.push(ModelError::Image(error), place, hint);
            return None;
        }
        Some(Picture {
            source,
            alt: if decorative {
                String::new()
            } else {
                alt.unwrap_or_default()
            },
            credit: credit.filter(|c| !c.trim().is_empty()),
            caption,
            decorative,
            at,
        })
    }

    /// A qualified reference: `{ to: liberal-caucus, since: 2021, until: 2023-03-22 }`.
    fn qualified(
        &mut self,
        spec: &FieldSpec,
        to: &str,
        value: &Value,
        path: &[PathSegment],
    ) -> Option<Reference> {
        let Value::Mapping(map) = value else {
            return None;
        };
        if spec.qualifiers.is_empty() {
            self.report(
                path,
                ModelError::UnqualifiedField {
                    field: spec.name.clone(),
                },
                &[],
            );
            return None;
        }
        let mut known = vec!["to"];
        known.extend(spec.qualifiers.iter().map(|q| q.name()));
        let what = format!("a reference of `{}`", spec.name);
        self.fields.unknown_keys(map, path, &known, Some(&what));
        let slug = self.fields.string(
            map,
            path,
            "to",
            true,
            &format!("the slug of an entry of `{to}`"),
        )?;
        let mut reference = self.reference(to, &slug, &yaml::child(path, "to"))?;
        let mut qualifiers = RefQualifiers::default();
        for q in &spec.qualifiers {
            let Some(v) = map.get(q.name()) else { continue };
            let qpath = yaml::child(path, q.name());
            let label = format!("{}.{}", spec.name, q.name());
            match q {
                Qualifier::Since => qualifiers.since = self.parse_date(&label, v, &qpath),
                Qualifier::Until => qualifiers.until = self.parse_date(&label, v, &qpath),
                Qualifier::Role => {
                    qualifiers.role = self.fields.string(map, path, "role", false, "text")
                }
            }
        }
        if let (Some(since), Some(until)) = (qualifiers.since, qualifiers.until) {
            if until < since {
                self.report(
                    &yaml::child(path, "until"),
                    ModelError::EndsBeforeItBegins { since, until },
                    &[],
                );
                return None;
            }
        }
        reference.qualifiers = Some(Box::new(qualifiers));
        Some(reference)
    }

    fn reference(&mut self, to: &str, slug: &str, path: &[PathSegment]) -> Option<Reference> {
        let slug = slug.trim();
        // `people/han-dong` is accepted too, when it names the field's own collection.
        let slug = slug.strip_prefix(&format!("{to}/")).unwrap_or(slug);
        if !is_slug(slug) {
            self.report(path, ModelError::BadRefSlug(slug.to_string()), &[]);
            return None;
        }
        Some(Reference {
            target: EntryId {
                collection: to.to_string(),
                slug: slug.to_string(),
            },
            at: self.spans().value(path),
            qualifiers: None,
        })
    }
}

fn key(name: &str) -> PathSegment {
    PathSegment::Key(name.to_string())
}
