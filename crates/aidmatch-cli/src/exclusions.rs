//! Exclusion (回避) rows that block nothing: their household is in no need of the needs
//! list, or their provider in no resource of the supply list.
//!
//! Such a row is no error: an exclusion list is a standing list, and may name
//! households or providers absent this round. But it is also what a typo looks like
//! (`UNION－610122` with a full-width hyphen, `ent-0003` in lower case), and then the
//! conflict-of-interest pair it was meant to block is matched without a word. So
//! `validate` lists each such row as a warning, and `match` prints one warning line.
//! Only the row and the id that matched nothing are shown: household ids are
//! pseudonymous and appear in the outputs anyway; no other field is printed.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use aidmatch::io::{Encoding, Format};
use aidmatch::model::{Exclusion, Need, Resource};

use crate::lang::Lang;

/// The column of an exclusion row that matched nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// `household_id`: in no need of the needs list.
    Household,
    /// `provider_id`: in no resource of the supply list.
    Provider,
}

impl Column {
    fn name(self) -> &'static str {
        match self {
            Column::Household => "household_id",
            Column::Provider => "provider_id",
        }
    }
}

/// One id of an exclusion row that matched nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    /// Which column.
    pub column: Column,
    /// The id as written.
    pub id: String,
    /// An id of the lists that differs from it only in case or in full-width
    /// characters, if there is one.
    pub near: Option<String>,
}

/// An exclusion row with at least one id that matched nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idle {
    /// Where the row is in its file.
    pub at: Place,
    /// Its ids that matched nothing (one or both).
    pub unknown: Vec<Unknown>,
}

/// Where an exclusion is in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The row as the list readers number rows in problems: a CSV file's spreadsheet
    /// row (header = 1), a JSON array's 1-based position.
    Row(usize),
    /// The 1-based position among the exclusions read, when the row could not be told.
    Entry(usize),
}

impl Place {
    fn show(self, lang: Lang) -> String {
        match (self, lang) {
            (Place::Row(n), Lang::En) => format!("row {n}"),
            (Place::Row(n), Lang::Zh) => format!("第 {n} 行"),
            (Place::Entry(n), Lang::En) => format!("exclusion {n}"),
            (Place::Entry(n), Lang::Zh) => format!("第 {n} 条回避"),
        }
    }
}

/// The exclusions, by their position, with an id that matches nothing. `needs` or
/// `resources` is `None` when that list could not be read: its column is not checked.
pub fn idle(
    exclusions: &[Exclusion],
    needs: Option<&[Need]>,
    resources: Option<&[Resource]>,
) -> Vec<(usize, Vec<Unknown>)> {
    let households: Option<Vec<&str>> =
        needs.map(|n| n.iter().map(|n| n.household_id.as_str()).collect());
    let providers: Option<Vec<&str>> =
        resources.map(|r| r.iter().map(|r| r.provider_id.as_str()).collect());
    let known_households: Option<HashSet<&str>> =
        households.as_ref().map(|v| v.iter().copied().collect());
    let known_providers: Option<HashSet<&str>> =
        providers.as_ref().map(|v| v.iter().copied().collect());
    let mut idle: Vec<(usize, Vec<Unknown>)> = exclusions
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let unknown: Vec<Unknown> = [
                (Column::Household, &known_households, &e.household_id),
                (Column::Provider, &known_providers, &e.provider_id),
            ]
            .into_iter()
            .filter(|(_, known, id)| known.as_ref().is_some_and(|k| !k.contains(id.as_str())))
            .map(|(column, _, id)| Unknown {
                column,
                id: id.clone(),
                near: None,
            })
            .collect();
            (!unknown.is_empty()).then_some((i, unknown))
        })
        .collect();
    // Near misses, looked for only when something matched nothing (folding every id of
    // a province's lists is not free).
    for (column, ids) in [
        (Column::Household, &households),
        (Column::Provider, &providers),
    ] {
        let wanted = idle.iter().flat_map(|(_, u)| u).any(|u| u.column == column);
        let Some(ids) = ids.as_ref().filter(|_| wanted) else {
            continue;
        };
        let mut folded: HashMap<String, &str> = HashMap::new();
        for id in ids {
            folded.entry(fold(id)).or_insert(id);
        }
        for u in idle.iter_mut().flat_map(|(_, u)| u.iter_mut()) {
            if u.column == column {
                u.near = folded.get(&fold(&u.id)).map(|s| (*s).to_owned());
            }
        }
    }
    idle
}

/// An id with full-width ASCII forms (U+FF01–U+FF5E) and the ideographic space made
/// ASCII, and lower case: the slips of an id typed in a Chinese input method or retyped
/// by hand.
fn fold(id: &str) -> String {
    id.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The places of the exclusions of `idle` in their file (`bytes`, read as the list
/// readers read it), in the order of `idle`. `count` is the number of exclusions read.
///
/// A [`Exclusion`] does not keep its row, so the rows of a CSV file are counted again
/// here ([`csv_rows`]); where that count disagrees with `count`, or the file cannot be
/// read again, positions ([`Place::Entry`]) are given instead of rows.
pub fn place(
    idle: Vec<(usize, Vec<Unknown>)>,
    bytes: Option<&[u8]>,
    format: Option<Format>,
    encoding: Encoding,
    count: usize,
) -> Vec<Idle> {
    if idle.is_empty() {
        return Vec::new();
    }
    let rows: Option<Vec<usize>> = match (bytes, format) {
        (_, Some(Format::Json)) => Some((1..=count).collect()),
        (Some(bytes), Some(Format::Csv)) => {
            aidmatch::io::encoding::decode(bytes, encoding, "exclusions")
                .ok()
                .map(|text| csv_rows(&text))
                .filter(|rows| rows.len() == count)
        }
        _ => None,
    };
    idle.into_iter()
        .map(|(i, unknown)| Idle {
            at: rows
                .as_ref()
                .and_then(|r| r.get(i))
                .map_or(Place::Entry(i + 1), |&r| Place::Row(r)),
            unknown,
        })
        .collect()
}

/// [`place`] for the exclusions read from `path` (read again only if `idle` is not
/// empty).
pub fn place_in_file(
    idle: Vec<(usize, Vec<Unknown>)>,
    path: &Path,
    encoding: Encoding,
    count: usize,
) -> Vec<Idle> {
    let bytes = if idle.is_empty() {
        None
    } else {
        std::fs::read(path).ok()
    };
    place(
        idle,
        bytes.as_deref(),
        Format::from_path(path),
        encoding,
        count,
    )
}

/// The spreadsheet rows (header = 1) of the records of CSV `text` that the list reader
/// keeps, in order, numbered as it numbers them (`aidmatch::io::csv`): a header, then
/// records; a record whose cells are all blank is skipped but counted; an empty line is
/// no record (the reader skips it without counting). Quoted cells may span lines. A
/// header with tabs and no comma means tab-separated.
fn csv_rows(text: &str) -> Vec<usize> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if !first_line.contains(',') && first_line.contains('\t') {
        '\t'
    } else {
        ','
    };
    let mut rows = Vec::new();
    let mut row = 0;
    let mut chars = text.chars().peekable();
    loop {
        while chars.next_if(|c| matches!(c, '\r' | '\n')).is_some() {}
        if chars.peek().is_none() {
            return rows;
        }
        row += 1;
        let mut blank = true;
        let mut field_start = true;
        while let Some(c) = chars.next() {
            match c {
                '\r' | '\n' => break,
                c if c == delimiter => {
                    field_start = true;
                    continue;
                }
                '"' if field_start => {
                    // A quoted cell: up to a lone quote ("" is a quote in the cell).
                    while let Some(q) = chars.next() {
                        if q == '"' {
                            if chars.next_if_eq(&'"').is_none() {
                                break;
                            }
                            blank = false;
                        } else if !q.is_whitespace() {
                            blank = false;
                        }
                    }
                }
                c if !c.is_whitespace() => blank = false,
                _ => {}
            }
            field_start = false;
        }
        if row > 1 && !blank {
            rows.push(row);
        }
    }
}

/// The advice after an id that matched nothing.
fn check_spelling(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "请检查拼写：大小写、全角字符",
        Lang::En => "check the spelling: case, full-width characters",
    }
}

/// One warning of `validate` per id that matched nothing, without its "warning: "
/// prefix.
pub fn warnings(file: &str, idle: &[Idle], lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    for row in idle {
        for u in &row.unknown {
            let list = match (u.column, lang) {
                (Column::Household, Lang::En) => "no need of the needs list has household",
                (Column::Provider, Lang::En) => "no resource of the supply list has provider",
                (Column::Household, Lang::Zh) => "需求清单中没有户",
                (Column::Provider, Lang::Zh) => "供给清单中没有帮扶方",
            };
            let near = match (&u.near, lang) {
                (Some(n), Lang::En) => format!("; did you mean {n:?}?"),
                (Some(n), Lang::Zh) => format!("；是否应为 {n:?}？"),
                (None, _) => String::new(),
            };
            out.push(match lang {
                Lang::En => format!(
                    "{file}: {}, column {}: {list} {:?}, so this exclusion blocks nothing \
                     this round ({}{near})",
                    row.at.show(lang),
                    u.column.name(),
                    u.id,
                    check_spelling(lang),
                ),
                Lang::Zh => format!(
                    "{file}：{}，{} 列：{list} {:?}，本轮此回避不起作用（{}{near}）",
                    row.at.show(lang),
                    u.column.name(),
                    u.id,
                    check_spelling(lang),
                ),
            });
        }
    }
    out
}

/// How many rows `match` names in its one warning line.
const SHOWN: usize = 3;

/// The one warning line of `match` (without its "warning: " prefix): how many rows
/// block nothing, and the first few with the ids that matched nothing.
pub fn summary(file: &str, idle: &[Idle], lang: Lang) -> String {
    let rows: Vec<String> = idle
        .iter()
        .take(SHOWN)
        .map(|row| {
            let ids: Vec<String> = row
                .unknown
                .iter()
                .map(|u| format!("{} {:?}", u.column.name(), u.id))
                .collect();
            format!("{} {}", row.at.show(lang), ids.join(" "))
        })
        .collect();
    let more = idle.len().saturating_sub(SHOWN);
    let n = idle.len();
    match lang {
        Lang::En => format!(
            "{file}: {n} exclusion {} a household in no need or a provider in no resource, \
             so {} nothing this round ({}): {}{}",
            if n == 1 { "row names" } else { "rows name" },
            if n == 1 { "it blocks" } else { "they block" },
            check_spelling(lang),
            rows.join(", "),
            if more > 0 {
                format!(" and {more} more (`aidmatch validate` lists them all)")
            } else {
                String::new()
            }
        ),
        Lang::Zh => format!(
            "{file}：回避清单有 {n} 行的户不在需求清单中或帮扶方不在供给清单中，本轮不起作用\
             （{}）：{}{}",
            check_spelling(lang),
            rows.join("，"),
            if more > 0 {
                format!("，另有 {more} 行（aidmatch validate 可列出全部）")
            } else {
                String::new()
            }
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_are_numbered_as_the_reader_numbers_them() {
        // Header row 1; row 3 is all blank (skipped, counted); an empty line is no row;
        // row 4's quoted cell spans two lines; CRLF endings.
        let text = "\u{feff}household_id,provider_id,reason\r\n\
                    H1,P1,x\r\n\
                    , ,\u{3000}\r\n\
                    \r\n\
                    H2,P2,\"two\r\nlines, \"\"quoted\"\"\"\r\n\
                    H3,P3,\r\n";
        assert_eq!(csv_rows(text), [2, 4, 5]);
        assert_eq!(csv_rows("a\tb\nH1\tP1\n\t\nH2\tP2"), [2, 4]);
        assert_eq!(csv_rows("household_id,provider_id\n"), Vec::<usize>::new());
    }

    #[test]
    fn folding_finds_case_and_full_width_slips() {
        assert_eq!(fold("UNION－610122"), fold("UNION-610122"));
        assert_eq!(fold("ent-0003"), fold("ENT-0003"));
        assert_eq!(fold("ＨＯＵＳＥ\u{3000}1"), "house 1");
    }
}
