//! Pages of a listing: how many a listing of `count` entries takes at `per_page`, which
//! entries page `n` shows, and the `paginator` value templates get (its entries, page
//! numbers and the addresses of the others). Addresses come from [`Route::page`]; this
//! module only counts.

use std::ops::Range;

use tera::{Map, Value};

use crate::config::Config;
use crate::routes::Route;

/// How many pages a listing of `count` entries takes (at least one, even when empty);
/// `per_page` 0 puts it all on one.
pub(crate) fn page_count(count: usize, per_page: usize) -> usize {
    if per_page == 0 {
        1
    } else {
        count.div_ceil(per_page).max(1)
    }
}

/// The entries that page `number` (from 1) of a listing of `count` shows.
pub(crate) fn page_range(count: usize, per_page: usize, number: usize) -> Range<usize> {
    if per_page == 0 {
        return 0..count;
    }
    let start = ((number.max(1) - 1) * per_page).min(count);
    start..(start + per_page).min(count)
}

/// The `paginator` of page `number` of the listing at `listing`: `{ entries, current,
/// total, per_page, count, permalink, first, last, previous, next, pages: [{ number, url,
/// current }] }`, addresses site-absolute (but `permalink`, this page's full address),
/// `previous`/`next` none at the ends.
pub(crate) fn paginator_value(
    config: &Config,
    listing: &Route,
    count: usize,
    per_page: usize,
    number: usize,
    entries: Vec<Value>,
) -> Value {
    let base = &config.site.base_url;
    // The listing in this edition's language: its pages link their own language's pages.
    let listing = &listing.clone().in_edition(config.edition());
    let total = page_count(count, per_page);
    let url = |n: usize| listing.clone().page(n).url(base);
    let pages: Vec<Value> = (1..=total)
        .map(|n| {
            let mut m = Map::new();
            m.insert("number".into(), Value::from(n));
            m.insert("url".into(), Value::from(url(n)));
            m.insert("current".into(), Value::from(n == number));
            Value::from(m)
        })
        .collect();
    let mut m = Map::new();
    m.insert("entries".into(), Value::from(entries));
    m.insert("current".into(), Value::from(number));
    m.insert("total".into(), Value::from(total));
    m.insert("per_page".into(), Value::from(per_page));
    m.insert("count".into(), Value::from(count));
    m.insert("first".into(), Value::from(url(1)));
    m.insert(
        "permalink".into(),
        Value::from(listing.clone().page(number).permalink(base)),
    );
    m.insert("last".into(), Value::from(url(total)));
    m.insert(
        "previous".into(),
        if number > 1 {
            Value::from(url(number - 1))
        } else {
            Value::none()
        },
    );
    m.insert(
        "next".into(),
        if number < total {
            Value::from(url(number + 1))
        } else {
            Value::none()
        },
    );
    m.insert("pages".into(), Value::from(pages));
    Value::from(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_cover_every_entry_once() {
        assert_eq!(page_count(0, 50), 1);
        assert_eq!(page_count(50, 50), 1);
        assert_eq!(page_count(51, 50), 2);
        assert_eq!(page_count(51, 0), 1);
        assert_eq!(page_range(51, 50, 1), 0..50);
        assert_eq!(page_range(51, 50, 2), 50..51);
        assert_eq!(page_range(51, 50, 3), 51..51);
        assert_eq!(page_range(7, 0, 1), 0..7);
        for count in 0..120 {
            let covered: Vec<usize> = (1..=page_count(count, 25))
                .flat_map(|n| page_range(count, 25, n))
                .collect();
            assert_eq!(covered, (0..count).collect::<Vec<_>>());
        }
    }
}
