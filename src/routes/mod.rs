//! Every address the site publishes: the kinds of page and generated file ([`Route`]),
//! where each lives below the base URL and in the output folder, the names the engine
//! keeps for its own pages, the slug rules ([`slug`]) and the one policy for URL schemes
//! ([`scheme`]).
//!
//! Nothing else in casefile builds a site path, an output file name or a URL: the other
//! stages ask a [`Route`] or the [`BaseUrl`] for them. This module is pure: it reads no
//! file and knows nothing of templates, documents' contents or the output folder.

pub(crate) mod scheme;
pub(crate) mod slug;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use thiserror::Error;

/// The deployment address, split into origin and path so links can honour a base path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    origin: String,
    path: String,
}

/// A `base_url` that cannot be used.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("`base_url` must be an absolute http(s) URL such as `https://example.org/explainer/`, not `{0}`")]
pub struct BadBaseUrl(pub String);

impl BaseUrl {
    /// Parses `https://host[:port][/path/]`; the path always ends with `/`.
    pub fn parse(raw: &str) -> Result<BaseUrl, BadBaseUrl> {
        let bad = || BadBaseUrl(raw.to_string());
        let (scheme, rest) = raw.split_once("://").ok_or_else(bad)?;
        if !matches!(scheme, "http" | "https") || rest.is_empty() {
            return Err(bad());
        }
        let (host, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if host.is_empty() || host.contains(['?', '#', ' ', '@']) || path.contains(['?', '#', ' '])
        {
            return Err(bad());
        }
        let mut path = path.to_string();
        if !path.ends_with('/') {
            path.push('/');
        }
        Ok(BaseUrl {
            origin: format!("{scheme}://{host}"),
            path,
        })
    }

    /// `https://example.org`
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The base path, `/` or `/explainer/`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The site-absolute URL of a site path: `people/han-dong/` -> `/explainer/people/han-dong/`.
    pub fn url(&self, site_path: &str) -> String {
        format!("{}{}", self.path, site_path.trim_start_matches('/'))
    }

    /// The full URL of a site path, for canonical links and feeds.
    pub fn permalink(&self, site_path: &str) -> String {
        format!("{}{}", self.origin, self.url(site_path))
    }
}

/// An entry's identity: its collection and slug, which are also its address.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntryId {
    /// The collection's name.
    pub collection: String,
    /// The slug.
    pub slug: String,
}

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.collection, self.slug)
    }
}

/// An edition in another language than the site's own: its language and the folders its
/// collections are published in (`people` in English, `personnes` in French). The
/// site's own language has none: its pages are at the root, in folders named after
/// their collections.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Edition {
    /// Its language tag (`fr`), also its folder.
    pub language: String,
    /// Collection name to translated folder; collections not listed keep their name.
    pub folders: BTreeMap<String, String>,
}

impl Edition {
    /// An edition of `language` whose collections keep their names.
    pub fn new(language: &str) -> Arc<Edition> {
        Arc::new(Edition {
            language: language.to_string(),
            folders: BTreeMap::new(),
        })
    }

    /// The folder of `collection` in this edition.
    pub fn folder<'a>(&'a self, collection: &'a str) -> &'a str {
        self.folders
            .get(collection)
            .map(String::as_str)
            .unwrap_or(collection)
    }
}

/// A page or generated file of the site.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Route {
    /// `/`
    Home,
    /// `/<collection>/`
    CollectionIndex(String),
    /// `/<collection>/<slug>/`
    Entry(EntryId),
    /// `/<slug>/`, a standalone page.
    Page(String),
    /// `/timeline/`
    Timeline,
    /// `/map/`
    Map,
    /// `/search/`
    Search,
    /// `/tags/`
    TagIndex,
    /// `/tags/<slug>/`
    Tag(String),
    /// `/404.html`, served by static hosts for every missing address.
    NotFound,
    /// `/sitemap.xml`: the sitemap, or the index of its parts when the site has more
    /// pages than one sitemap file may list.
    Sitemap,
    /// `/sitemap-<n>.xml` (from 1): part `n` of a sitemap split by [`Route::Sitemap`]'s
    /// index.
    SitemapPart(usize),
    /// `/robots.txt`
    Robots,
    /// `/atom.xml`
    Feed,
    /// `/timeline.json`, the timeline in TimelineJS's format.
    TimelineData,
    /// `/search/<file>`: a file of the search index (`manifest.json`, `index/<shard>.json`).
    SearchIndex(String),
    /// `/<language>/<page>`: a page or file of the edition in another language than the
    /// site's own (`/fr/personnes/han-dong/`, `/fr/atom.xml`). Made by [`Route::in_edition`].
    In(Arc<Edition>, Box<Route>),
    /// `/images/<name>-<width>.<hash>.<ext>`: one published size of an image.
    Image(ImageFile),
    /// `/share/<page's path>card.png`: the share card (`og:image`) of a page.
    ShareCard(Box<Route>),
    /// `/corrections/`: every correction of the site, newest first.
    Corrections,
    /// `/corrections/atom.xml`: the corrections as a feed.
    CorrectionsFeed,
    /// `/<collection>/atom.xml`: a collection's entries as a feed.
    CollectionFeed(String),
    /// `/tags/<slug>/atom.xml`: the entries of a tag as a feed.
    TagFeed(String),
    /// `/casefile-published.json`: what this build published, read back by the next
    /// build (see `published`).
    PublishedRecord,
    /// `/<collection>/<slug>/connections/`: every entry that refers to an entry, when its
    /// page shows only the first of a group.
    Connections(EntryId),
    /// `/<listing>/page/<n>/`: page `n` (from 2) of a paginated listing: a collection
    /// index, a tag page or the timeline. Made by [`Route::page`].
    Paged(Box<Route>, usize),
    /// An address a page was published at before it moved (an `aliases:` entry of its
    /// front matter, or a line of `redirects:` in `site.yaml`): a page that sends
    /// readers on to where it is now.
    Redirect(OldAddress),
    /// `/_redirects`: every redirect, in the format Netlify and Cloudflare Pages read.
    RedirectRules,
}

/// Where a page used to be.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OldAddress {
    /// `/<collection>/<slug>/`: an entry's old slug, or its old collection too. The
    /// collection's folder is the edition's when it has one.
    Entry(EntryId),
    /// `/<slug>/`: a standalone page's old slug.
    Page(String),
    /// A path below the base URL as `site.yaml` gives it (`2023/dong-leaves/`,
    /// `old-page.html`): checked by [`old_path`], published as it is, in the site's own
    /// language only.
    Path(String),
}

/// One file an image is published as: content-hashed, so hosts can cache it forever.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ImageFile {
    /// The source file's stem, as a slug.
    pub name: String,
    /// Hex digits of the hash of the source's content and the encoding settings.
    pub hash: String,
    /// Which size.
    pub size: ImageSize,
    /// The extension: `jpg`, `png`, `webp`.
    pub ext: String,
}

/// A published size of an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ImageSize {
    /// This many pixels wide.
    Width(u32),
    /// Cropped to a share card.
    Share,
}

/// The folder of published images.
const IMAGES_DIR: &str = "images";
/// The folder of share cards.
const SHARE_DIR: &str = "share";

/// The folder of the search index inside the output (beside the search page).
pub(crate) const SEARCH_INDEX_DIR: &str = "search";

impl Route {
    /// The route of a tag's page, by the tag as written.
    pub fn tag(name: &str) -> Route {
        Route::Tag(slug::tag_slug(name))
    }

    /// This route in the edition of `language`: the route itself for the site's own
    /// language (`None`), else the same page under `<language>/`.
    pub fn in_edition(self, edition: Option<&Arc<Edition>>) -> Route {
        match (edition, self) {
            (None, route) => route,
            // Images are one set of files for every edition, and so are the redirect
            // rules; an old path of `site.yaml` is published as written.
            (
                Some(_),
                route @ (Route::In(..)
                | Route::Image(_)
                | Route::RedirectRules
                | Route::Redirect(OldAddress::Path(_))),
            ) => route,
            // A page's card is beside the other cards, named by the page's path.
            (Some(e), Route::ShareCard(page)) => {
                Route::ShareCard(Box::new(page.in_edition(Some(e))))
            }
            (Some(e), route) => Route::In(Arc::clone(e), Box::new(route)),
        }
    }

    /// The route as the site's own language publishes it, and the edition it is in
    /// (`None` for the site's own language).
    pub fn split_edition(&self) -> (&Route, Option<&str>) {
        match self {
            Route::In(edition, route) => (route, Some(edition.language.as_str())),
            route => (route, None),
        }
    }

    /// Page `number` of this listing: the listing itself for page 1, so its first page
    /// keeps the address it has always had.
    pub fn page(self, number: usize) -> Route {
        match (number, self) {
            (0 | 1, route) => route,
            (n, Route::In(edition, route)) => Route::In(edition, Box::new(route.page(n))),
            (n, Route::Paged(route, _)) => Route::Paged(route, n),
            (n, route) => Route::Paged(Box::new(route), n),
        }
    }

    /// The path below the base URL: `people/han-dong/`, `tags/`, `atom.xml`; empty for the
    /// home page. Pages end with `/` and are published as `index.html` in that folder.
    pub fn site_path(&self) -> String {
        self.path_with(None)
    }

    /// [`Route::site_path`], with each collection's folder as `edition` names it
    /// (`people` -> `personnes`); the collection's name without one.
    fn path_with(&self, edition: Option<&Edition>) -> String {
        let folder = |collection: &str| match edition {
            Some(e) => e.folder(collection).to_string(),
            None => collection.to_string(),
        };
        match self {
            Route::In(edition, route) => {
                in_edition_path(Some(&edition.language), &route.path_with(Some(edition)))
            }
            Route::Home => String::new(),
            Route::CollectionIndex(c) => format!("{}/", folder(c)),
            Route::Entry(id) => format!("{}/{}/", folder(&id.collection), id.slug),
            Route::Page(slug) => format!("{slug}/"),
            Route::Timeline => "timeline/".into(),
            Route::Map => "map/".into(),
            Route::Search => "search/".into(),
            Route::TagIndex => "tags/".into(),
            Route::Tag(slug) => format!("tags/{slug}/"),
            Route::NotFound => "404.html".into(),
            Route::Sitemap => "sitemap.xml".into(),
            Route::SitemapPart(n) => format!("sitemap-{n}.xml"),
            Route::Robots => "robots.txt".into(),
            Route::Feed => "atom.xml".into(),
            Route::TimelineData => "timeline.json".into(),
            Route::SearchIndex(file) => format!("{SEARCH_INDEX_DIR}/{file}"),
            Route::Image(file) => {
                let size = match file.size {
                    ImageSize::Width(w) => w.to_string(),
                    ImageSize::Share => "share".into(),
                };
                format!(
                    "{IMAGES_DIR}/{}-{size}.{}.{}",
                    file.name, file.hash, file.ext
                )
            }
            Route::ShareCard(page) => format!("{SHARE_DIR}/{}card.png", page.path_with(edition)),
            Route::Corrections => "corrections/".into(),
            Route::CorrectionsFeed => "corrections/atom.xml".into(),
            Route::CollectionFeed(c) => format!("{}/atom.xml", folder(c)),
            Route::TagFeed(slug) => format!("tags/{slug}/atom.xml"),
            Route::PublishedRecord => "casefile-published.json".into(),
            Route::Paged(listing, n) => format!("{}page/{n}/", listing.path_with(edition)),
            Route::Connections(id) => {
                format!("{}/{}/connections/", folder(&id.collection), id.slug)
            }
            Route::Redirect(OldAddress::Entry(id)) => {
                format!("{}/{}/", folder(&id.collection), id.slug)
            }
            Route::Redirect(OldAddress::Page(slug)) => format!("{slug}/"),
            Route::Redirect(OldAddress::Path(path)) => path.clone(),
            Route::RedirectRules => "_redirects".into(),
        }
    }

    /// The file in the output folder: `people/han-dong/index.html`, `atom.xml`.
    pub fn output_file(&self) -> String {
        output_file(&self.site_path())
    }

    /// The site-absolute URL, with the base path: `/explainer/people/han-dong/`.
    pub fn url(&self, base: &BaseUrl) -> String {
        base.url(&self.site_path())
    }

    /// The full URL, for canonical links, feeds and the sitemap.
    pub fn permalink(&self, base: &BaseUrl) -> String {
        base.permalink(&self.site_path())
    }

    /// Whether this is an HTML page that readers visit (and the sitemap lists): every
    /// page but the not-found page, which has no address of its own.
    pub fn is_listed_page(&self) -> bool {
        if let Route::In(_, route) = self {
            return route.is_listed_page();
        }
        if let Route::Paged(listing, _) = self {
            return listing.is_listed_page();
        }
        !matches!(
            self,
            Route::NotFound
                | Route::Sitemap
                | Route::SitemapPart(_)
                | Route::Robots
                | Route::Feed
                | Route::TimelineData
                | Route::SearchIndex(_)
                | Route::Image(_)
                | Route::ShareCard(_)
                | Route::CorrectionsFeed
                | Route::CollectionFeed(_)
                | Route::TagFeed(_)
                | Route::PublishedRecord
                | Route::Redirect(_)
                | Route::RedirectRules
        )
    }
}

/// Why a path of `redirects:` in `site.yaml` cannot be an old address.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("`{0}` is not a path below the site's address: give folders and a name of letters, digits, `-`, `_`, `.` or `~`, ending in `/` or `.html`, such as `2023/dong-leaves/`")]
pub(crate) struct BadOldPath(pub(crate) String);

/// `/2023/Dong-Leaves/` -> `2023/Dong-Leaves/`: a path of `redirects:` as the site path
/// of its redirect page. It must name a folder (ending in `/`) or an `.html` file, with
/// segments of unreserved URL characters only (so it needs no escaping in HTML, in
/// `_redirects` or on disk) and no `.` or `..`; the root is not an old address.
pub(crate) fn old_path(raw: &str) -> Result<String, BadOldPath> {
    let bad = || BadOldPath(raw.to_string());
    let path = raw.strip_prefix('/').unwrap_or(raw);
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let plain = |s: &&str| {
        !s.is_empty()
            && *s != "."
            && *s != ".."
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~'))
    };
    let ends_well = path.ends_with('/') || path.ends_with(".html");
    if path.is_empty() || path.ends_with("//") || !ends_well || !segments.iter().all(plain) {
        return Err(bad());
    }
    if segments
        .iter()
        .any(|s| slug::is_device_name(s.split('.').next().unwrap_or(s)))
    {
        return Err(bad());
    }
    Ok(path.to_string())
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "/{}", self.site_path())
    }
}

/// A site path of the site's own language as the edition of `language` publishes it:
/// `people/` -> `fr/people/` (`None`: the site's own language, unchanged). Templates'
/// `url_for` uses it for pages; static files are shared by every edition and keep their path.
pub(crate) fn in_edition_path(language: Option<&str>, site_path: &str) -> String {
    match language {
        None => site_path.to_string(),
        Some(l) => format!("{l}/{}", site_path.trim_start_matches('/')),
    }
}

/// The output file that serves a site path: a folder path (`people/`, or empty for the
/// root) is served by its `index.html`, any other path by the file of that name.
pub(crate) fn output_file(site_path: &str) -> String {
    if site_path.is_empty() || site_path.ends_with('/') {
        format!("{site_path}index.html")
    } else {
        site_path.to_string()
    }
}

/// Whether an output file is a page, as the sitemap lists pages: a folder's `index.html`.
pub(crate) fn is_page_file(output_file: &str) -> bool {
    output_file == "index.html" || output_file.ends_with("/index.html")
}

/// The site path of a page's output file: `people/index.html` -> `people/`.
pub(crate) fn site_path_of_page(output_file: &str) -> &str {
    output_file.trim_end_matches("index.html")
}

/// Top-level folders of the engine's own pages (and `static`, so that a site's `static/`
/// folder is never mistaken for content published under that name).
const ENGINE_FOLDERS: [&str; 8] = [
    "tags",
    "timeline",
    "static",
    "search",
    "map",
    "corrections",
    IMAGES_DIR,
    SHARE_DIR,
];

/// The name under which the search index and the search filter group standalone pages;
/// a collection of that name would be indistinguishable from them.
const PAGES_GROUP: &str = "pages";

/// Whether a collection may not take `name`: its index would be published where an
/// engine page is.
pub(crate) fn is_reserved_collection(name: &str) -> bool {
    ENGINE_FOLDERS.contains(&name) || name == PAGES_GROUP
}

/// Whether a standalone page may not take `slug`: an engine page or a collection index
/// is published at that address.
pub(crate) fn is_reserved_page<'a>(
    slug: &str,
    mut collections: impl Iterator<Item = &'a str>,
) -> bool {
    ENGINE_FOLDERS.contains(&slug) || collections.any(|c| c == slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_keeps_its_path() {
        let url = BaseUrl::parse("https://example.org/explainer").unwrap();
        assert_eq!(url.url("people/han-dong/"), "/explainer/people/han-dong/");
        assert_eq!(url.permalink("/"), "https://example.org/explainer/");
        assert!(BaseUrl::parse("example.org").is_err());
        assert!(BaseUrl::parse("javascript://x").is_err());
    }

    #[test]
    fn routes_have_a_site_path_and_an_output_file() {
        let entry = Route::Entry(EntryId {
            collection: "people".into(),
            slug: "han-dong".into(),
        });
        assert_eq!(entry.site_path(), "people/han-dong/");
        assert_eq!(entry.output_file(), "people/han-dong/index.html");
        assert_eq!(Route::Home.output_file(), "index.html");
        assert_eq!(Route::NotFound.output_file(), "404.html");
        assert_eq!(
            Route::tag("Foreign interference").site_path(),
            "tags/foreign-interference/"
        );
        assert_eq!(
            Route::SearchIndex("manifest.json".into()).output_file(),
            "search/manifest.json"
        );
        assert_eq!(
            Route::ShareCard(Box::new(entry.clone())).output_file(),
            "share/people/han-dong/card.png"
        );
        assert_eq!(
            Route::ShareCard(Box::new(Route::Home)).output_file(),
            "share/card.png"
        );
        let photo = Route::Image(ImageFile {
            name: "han-dong".into(),
            hash: "0123456789".into(),
            size: ImageSize::Width(480),
            ext: "webp".into(),
        });
        assert_eq!(photo.output_file(), "images/han-dong-480.0123456789.webp");
        let base = BaseUrl::parse("https://example.org/x/").unwrap();
        assert_eq!(entry.url(&base), "/x/people/han-dong/");
        assert_eq!(
            Route::Feed.permalink(&base),
            "https://example.org/x/atom.xml"
        );
    }

    #[test]
    fn a_listing_keeps_its_address_for_page_1_and_pages_below_it() {
        let people = Route::CollectionIndex("people".into());
        assert_eq!(people.clone().page(1), people);
        assert_eq!(people.clone().page(2).site_path(), "people/page/2/");
        assert_eq!(people.clone().page(2).page(3).site_path(), "people/page/3/");
        assert_eq!(
            Route::Timeline.page(4).output_file(),
            "timeline/page/4/index.html"
        );
        assert_eq!(
            Route::tag("Elections").page(2).site_path(),
            "tags/elections/page/2/"
        );
        assert!(Route::Timeline.page(2).is_listed_page());
    }

    #[test]
    fn listings_have_their_feeds_beside_them_and_a_sitemap_its_parts() {
        let people = Route::CollectionFeed("people".into());
        assert_eq!(people.output_file(), "people/atom.xml");
        assert!(!people.is_listed_page());
        let tag = Route::TagFeed(slug::tag_slug("Foreign interference"));
        assert_eq!(tag.site_path(), "tags/foreign-interference/atom.xml");
        assert_eq!(Route::SitemapPart(3).output_file(), "sitemap-3.xml");
        assert!(!Route::SitemapPart(3).is_listed_page());
    }

    /// One route of each kind, named by the engine or by an editor (a collection or
    /// page slug that is not reserved).
    fn one_of_each() -> Vec<Route> {
        let every = [
            Route::Home,
            Route::CollectionIndex("people".into()),
            Route::Entry(EntryId {
                collection: "people".into(),
                slug: "timeline".into(),
            }),
            Route::Page("about".into()),
            Route::Timeline,
            Route::Map,
            Route::Search,
            Route::TagIndex,
            Route::Tag("search".into()),
            Route::NotFound,
            Route::Sitemap,
            Route::SitemapPart(2),
            Route::Robots,
            Route::Feed,
            Route::TimelineData,
            Route::SearchIndex("manifest.json".into()),
            Route::In(Edition::new("fr"), Box::new(Route::Home)),
            Route::Image(ImageFile {
                name: "han-dong".into(),
                hash: "0123456789".into(),
                size: ImageSize::Width(480),
                ext: "webp".into(),
            }),
            Route::ShareCard(Box::new(Route::Entry(EntryId {
                collection: "people".into(),
                slug: "han-dong".into(),
            }))),
            Route::Corrections,
            Route::CorrectionsFeed,
            Route::CollectionFeed("people".into()),
            Route::TagFeed("search".into()),
            Route::PublishedRecord,
            Route::CollectionIndex("people".into()).page(2),
            Route::Timeline.page(3),
            Route::Tag("search".into()).page(2),
            Route::Connections(EntryId {
                collection: "people".into(),
                slug: "han-dong".into(),
            })
            .page(2),
            Route::Redirect(OldAddress::Entry(EntryId {
                collection: "persons".into(),
                slug: "han-dong".into(),
            })),
            Route::Redirect(OldAddress::Page("about-us".into())),
            Route::Redirect(OldAddress::Path("2023/dong-leaves.html".into())),
            Route::RedirectRules,
        ];
        // A new kind of route must be added above: this match does not compile until it is.
        for route in &every {
            match route {
                Route::Home
                | Route::CollectionIndex(_)
                | Route::Entry(_)
                | Route::Page(_)
                | Route::Timeline
                | Route::Map
                | Route::Search
                | Route::TagIndex
                | Route::Tag(_)
                | Route::NotFound
                | Route::Sitemap
                | Route::SitemapPart(_)
                | Route::Robots
                | Route::Feed
                | Route::TimelineData
                | Route::SearchIndex(_)
                | Route::In(..) => {}
                Route::Image(_)
                | Route::ShareCard(_)
                | Route::Corrections
                | Route::CorrectionsFeed
                | Route::CollectionFeed(_)
                | Route::TagFeed(_)
                | Route::PublishedRecord
                | Route::Connections(_)
                | Route::Paged(..)
                | Route::Redirect(_)
                | Route::RedirectRules => {}
            }
        }
        every.into()
    }

    #[test]
    fn no_two_kinds_of_route_share_an_output_file() {
        let routes = one_of_each();
        let mut files = std::collections::HashSet::new();
        for route in &routes {
            let file = route.output_file();
            assert!(files.insert(file.clone()), "{route:?} writes {file} again");
            assert!(!file.starts_with('/') && !file.contains(".."), "{file}");
        }
        // What an editor names cannot take an engine's address: the engine's folders are
        // reserved, and its files (`atom.xml`, `404.html`) are not slugs.
        for route in &routes {
            if matches!(
                route,
                Route::Home
                    | Route::CollectionIndex(_)
                    | Route::CollectionFeed(_)
                    | Route::Entry(_)
                    | Route::Page(_)
                    | Route::In(..)
                    | Route::Redirect(_)
            ) || matches!(route, Route::Paged(listing, _) if matches!(**listing, Route::CollectionIndex(_) | Route::Connections(_)))
            {
                continue;
            }
            let first = route.output_file();
            let first = first.split('/').next().unwrap_or_default();
            assert!(
                is_reserved_page(first, std::iter::empty()) || !slug::is_slug(first),
                "{route:?} is at {first}, which a page could take"
            );
        }
    }

    #[test]
    fn an_edition_is_a_folder_of_its_language() {
        let base = BaseUrl::parse("https://example.org/x/").unwrap();
        let fr = Edition::new("fr");
        let entry = Route::Entry(EntryId {
            collection: "people".into(),
            slug: "han-dong".into(),
        });
        let french = entry.clone().in_edition(Some(&fr));
        assert_eq!(french.url(&base), "/x/fr/people/han-dong/");
        assert_eq!(french.output_file(), "fr/people/han-dong/index.html");
        assert_eq!(
            Route::Home.in_edition(Some(&fr)).output_file(),
            "fr/index.html"
        );
        assert_eq!(Route::Feed.in_edition(Some(&fr)).site_path(), "fr/atom.xml");
        assert_eq!(entry.clone().in_edition(None), entry);
        assert_eq!(french.split_edition(), (&entry, Some("fr")));
        assert_eq!(french.clone().in_edition(Some(&fr)), french);
        assert!(!Route::Sitemap.in_edition(Some(&fr)).is_listed_page());
        assert_eq!(
            Route::TagFeed("elections".into())
                .in_edition(Some(&fr))
                .output_file(),
            "fr/tags/elections/atom.xml"
        );
    }

    #[test]
    fn an_edition_names_its_collections_folders() {
        let fr = Arc::new(Edition {
            language: "fr".into(),
            folders: [("people".to_string(), "personnes".to_string())].into(),
        });
        let id = EntryId {
            collection: "people".into(),
            slug: "han-dong".into(),
        };
        let entry = Route::Entry(id.clone()).in_edition(Some(&fr));
        assert_eq!(entry.site_path(), "fr/personnes/han-dong/");
        let index = Route::CollectionIndex("people".into()).in_edition(Some(&fr));
        assert_eq!(index.clone().page(3).site_path(), "fr/personnes/page/3/");
        assert_eq!(
            Route::CollectionFeed("people".into())
                .in_edition(Some(&fr))
                .site_path(),
            "fr/personnes/atom.xml"
        );
        assert_eq!(
            Route::Connections(id).in_edition(Some(&fr)).site_path(),
            "fr/personnes/han-dong/connections/"
        );
        assert_eq!(
            Route::ShareCard(Box::new(Route::Entry(EntryId {
                collection: "people".into(),
                slug: "han-dong".into(),
            })))
            .in_edition(Some(&fr))
            .site_path(),
            "share/fr/personnes/han-dong/card.png"
        );
        // A collection without a translated folder keeps its name; the English pages
        // keep theirs.
        let bodies = Route::CollectionIndex("bodies".into());
        assert_eq!(
            bodies.clone().in_edition(Some(&fr)).site_path(),
            "fr/bodies/"
        );
        assert_eq!(
            Route::CollectionIndex("people".into()).site_path(),
            "people/"
        );
    }

    #[test]
    fn old_addresses_are_published_where_the_pages_were() {
        let fr = Arc::new(Edition {
            language: "fr".into(),
            folders: [("people".to_string(), "personnes".to_string())].into(),
        });
        let old = Route::Redirect(OldAddress::Entry(EntryId {
            collection: "people".into(),
            slug: "dong-han".into(),
        }));
        assert_eq!(old.output_file(), "people/dong-han/index.html");
        assert_eq!(
            old.clone().in_edition(Some(&fr)).site_path(),
            "fr/personnes/dong-han/"
        );
        let path = Route::Redirect(OldAddress::Path("2023/dong.html".into()));
        assert_eq!(path.output_file(), "2023/dong.html");
        assert_eq!(path.clone().in_edition(Some(&fr)), path);
        assert_eq!(Route::RedirectRules.output_file(), "_redirects");
        assert!(!old.is_listed_page());
    }

    #[test]
    fn an_old_path_is_a_plain_folder_or_html_file() {
        assert_eq!(old_path("/2023/Dong-Leaves/").unwrap(), "2023/Dong-Leaves/");
        assert_eq!(old_path("old_page.html").unwrap(), "old_page.html");
        assert_eq!(old_path("a/b~c/").unwrap(), "a/b~c/");
        for bad in [
            "", "/", "old", "a//b/", "../etc/", "a/./b/", "a b/", "a?b/", "a%2F/", "x.php", "con/",
            "a\\b/", "é/",
        ] {
            assert!(old_path(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn engine_names_are_reserved() {
        assert!(is_reserved_collection("tags"));
        assert!(is_reserved_collection("pages"));
        assert!(!is_reserved_collection("people"));
        assert!(is_reserved_page("map", std::iter::empty()));
        assert!(is_reserved_page("people", ["people"].into_iter()));
        assert!(!is_reserved_page("pages", ["people"].into_iter()));
    }
}
