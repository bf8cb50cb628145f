//! `report.html`: the happiness list (幸福清单) as one self-contained page.
//!
//! No network, no script: inline CSS and SVG bar charts. The staff page shows coverage by
//! category, county, township and tier, unmatched reasons, referrals, the load of every
//! provider, digests and the certificate, and the matched list itself (capped, the CSV
//! files hold all). The public page (公示) shows the aggregate figures and the matched
//! list with masked ids only.
//!
//! A re-match's page opens with the round's changes (kept, unchanged, moved, dropped,
//! new, unmatched, as `changes.csv` counts them) and the feedback it applied: counts
//! only, on both pages.
//!
//! Every total is also in a `data-total` attribute, so a test can read the page in a
//! browser and compare it with `summary.json` (and a re-match's with `rematch.json`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use aidmatch::engine::MatchResult;
use aidmatch::model::Inputs;
use aidmatch::rematch::RematchSummary;
use aidmatch::summary::CoverageCell;
use aidmatch::taxonomy::Category;

use crate::lang::{Lang, Msg, change_kinds, label, tier_counts};

/// Who the page is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Civil-affairs staff: every figure and the ids as they are.
    Staff,
    /// Publication (公示): aggregates and masked ids.
    Public,
}

/// How many rows of the matched list the page shows.
const LIST_LIMIT: usize = 2000;

fn tr(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Masks an id for publication: keeps the first two and the last character.
pub fn mask(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 3 {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..2].iter().collect();
    out.push_str(&"*".repeat(chars.len() - 3));
    out.push(chars[chars.len() - 1]);
    out
}

/// One horizontal bar chart: label, value out of total, as inline SVG.
fn bars(rows: &[(String, u64, u64)], unit_is_rate: bool) -> String {
    if rows.is_empty() {
        return "<p class=\"none\">—</p>".to_string();
    }
    let row_h = 22;
    let height = rows.len() * row_h + 4;
    let max = rows.iter().map(|r| r.2.max(r.1)).max().unwrap_or(1).max(1);
    let mut svg = format!(
        "<svg class=\"chart\" width=\"720\" height=\"{height}\" viewBox=\"0 0 720 {height}\" \
         role=\"img\" xmlns=\"http://www.w3.org/2000/svg\">"
    );
    for (i, (label, value, total)) in rows.iter().enumerate() {
        let y = i * row_h + 2;
        let full = 380.0;
        let (w_total, w_value) = if unit_is_rate {
            (full, full * (*value as f64) / (*total).max(1) as f64)
        } else {
            (
                full * (*total as f64) / max as f64,
                full * (*value as f64) / max as f64,
            )
        };
        let text = if unit_is_rate {
            format!(
                "{value} / {total} ({:.1}%)",
                100.0 * *value as f64 / (*total).max(1) as f64
            )
        } else {
            format!("{value}")
        };
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{ty}\" class=\"lbl\">{label}</text>\
             <rect x=\"170\" y=\"{y}\" width=\"{w_total:.1}\" height=\"16\" class=\"bg\"/>\
             <rect x=\"170\" y=\"{y}\" width=\"{w_value:.1}\" height=\"16\" class=\"fg\"/>\
             <text x=\"{tx:.1}\" y=\"{ty}\" class=\"val\">{text}</text>",
            ty = y + 13,
            label = esc(label),
            tx = 176.0 + w_total.max(w_value),
        );
    }
    svg.push_str("</svg>");
    svg
}

fn coverage_rows<K: ToString>(
    cells: impl IntoIterator<Item = (K, CoverageCell)>,
) -> Vec<(String, u64, u64)> {
    cells
        .into_iter()
        .map(|(k, c)| (k.to_string(), c.assigned, c.needs))
        .collect()
}

/// Renders the page.
/// The page of a run on `inputs` (a re-match's run inputs and `round` its summary).
pub fn render(
    result: &MatchResult,
    inputs: &Inputs,
    round: Option<&RematchSummary>,
    lang: Lang,
    audience: Audience,
) -> String {
    let s = &result.summary;
    let t = |zh, en| tr(lang, zh, en);
    let mut page = String::new();
    let title = t(
        "幸福清单：救助帮扶匹配结果",
        "Happiness list: matching results",
    );
    let _ = write!(
        page,
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <title>{title}</title><style>{CSS}</style></head><body><h1>{title}</h1>",
        if lang == Lang::Zh { "zh-CN" } else { "en" }
    );
    let _ = write!(
        page,
        "<p class=\"meta\">{} {} · {} {} · aidmatch {}</p>",
        t("匹配日期", "Run date"),
        s.run_date,
        t("政策版本", "Policy version"),
        esc(&s.policy_version),
        esc(&s.engine_version),
    );

    if let Some(round) = round {
        page.push_str(&changes(round, lang));
    }

    // Totals.
    page.push_str("<section class=\"tiles\">");
    page.push_str(&total("needs", t("需求", "Needs"), s.counts.needs));
    page.push_str(&total(
        "households",
        t("户", "Households"),
        s.counts.households,
    ));
    page.push_str(&total(
        "resources",
        t("供给资源", "Resources"),
        s.counts.resources,
    ));
    page.push_str(&total(
        "assigned",
        t("已匹配", "Assigned"),
        s.counts.assigned,
    ));
    page.push_str(&total(
        "unmatched",
        t("未匹配", "Unmatched"),
        s.counts.unmatched,
    ));
    page.push_str(&total(
        "referrals",
        t("转介政府救助", "Referrals"),
        s.counts.referrals,
    ));
    page.push_str("</section>");

    // Coverage.
    let _ = write!(page, "<h2>{}</h2>", t("按优先级覆盖", "Coverage by tier"));
    let tiers = coverage_rows(s.coverage.by_tier.iter().map(|(k, c)| {
        (
            match lang {
                Lang::Zh => format!("第{k}级"),
                Lang::En => format!("tier {k}"),
            },
            c.clone(),
        )
    }));
    page.push_str(&bars(&tiers, true));

    let _ = write!(
        page,
        "<h2>{}</h2>",
        t("按需求类别覆盖", "Coverage by category")
    );
    let categories = coverage_rows(s.coverage.by_category.iter().map(|(k, c)| {
        let label = match (lang, Category::parse(k)) {
            (Lang::Zh, Some(cat)) => cat.zh().to_string(),
            _ => k.clone(),
        };
        (label, c.clone())
    }));
    page.push_str(&bars(&categories, true));

    let _ = write!(page, "<h2>{}</h2>", t("按区县覆盖", "Coverage by county"));
    let counties = coverage_rows(s.coverage.by_county.iter().map(|(k, c)| (k, c.clone())));
    page.push_str(&bars(&counties, true));

    let _ = write!(
        page,
        "<h2>{}</h2>",
        t("按乡镇（街道）覆盖", "Coverage by township")
    );
    page.push_str(&bars(&township_coverage(result, inputs), true));

    // Unmatched and referrals.
    let _ = write!(
        page,
        "<h2>{}</h2>",
        t("未匹配原因", "Why needs were not matched")
    );
    let reasons: Vec<_> = s
        .unmatched_by_reason
        .iter()
        .map(|(k, &v)| (label(lang, k), v, v))
        .collect();
    page.push_str(&bars(&reasons, false));
    let _ = write!(
        page,
        "<h2>{}</h2>",
        t("转介政府救助", "Referrals to government aid")
    );
    let referrals: Vec<_> = s
        .referrals_by_program
        .iter()
        .map(|(k, &v)| (label(lang, k), v, v))
        .collect();
    page.push_str(&bars(&referrals, false));

    // Provider load.
    let _ = write!(
        page,
        "<h2>{}</h2>",
        t("各帮扶主体负荷", "Load per provider")
    );
    page.push_str(&bars(&provider_load(result, inputs), true));

    // Audit.
    let _ = write!(
        page,
        "<h2>{}</h2><table class=\"audit\"><tr><th>{}</th><td data-total=\"verified\">{}</td></tr>\
         <tr><th>{}</th><td>{}</td></tr><tr><th>{}</th><td>{}</td></tr>\
         <tr><th>{}</th><td><code>{}</code></td></tr><tr><th>{}</th><td><code>{}</code></td></tr></table>",
        t("审计", "Audit"),
        t("最优性证书", "Optimality certificate"),
        if s.certificate.verified {
            t("已验证", "verified")
        } else {
            t("未通过", "NOT verified")
        },
        t("各优先级匹配数", "Assigned by tier"),
        tier_counts(lang, &s.objective.assigned_by_tier),
        t("总分", "Total score"),
        s.objective.total_score,
        t("输入摘要 SHA-256", "Input SHA-256"),
        esc(&s.input_sha256),
        t("政策摘要 SHA-256", "Policy SHA-256"),
        esc(&s.policy_sha256),
    );

    // The list itself.
    let _ = write!(page, "<h2>{}</h2>", t("匹配清单", "The matched list"));
    let id = |x: &str| match audience {
        Audience::Staff => esc(x),
        Audience::Public => esc(&mask(x)),
    };
    let _ = write!(
        page,
        "<table class=\"list\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        t("需求编号", "Need"),
        t("户编号", "Household"),
        t("资源", "Resource"),
        t("帮扶主体", "Provider"),
        t("优先级", "Tier"),
        t("绿色通道", "Fast track"),
    );
    for a in result.assignments.iter().take(LIST_LIMIT) {
        let _ = write!(
            page,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            id(&a.need_id),
            id(&a.household_id),
            esc(&a.resource_id),
            esc(&a.provider_id),
            a.tier,
            if a.fast_track { "✓" } else { "" },
        );
    }
    page.push_str("</table>");
    if result.assignments.len() > LIST_LIMIT {
        let _ = write!(
            page,
            "<p class=\"meta\">{} {LIST_LIMIT} / {} — assignments.csv</p>",
            t("仅显示前", "Showing the first"),
            result.assignments.len()
        );
    }
    page.push_str("</body></html>\n");
    page
}

/// One figure as a tile, its value also in `data-total`.
fn total(key: &str, label: &str, value: u64) -> String {
    format!(
        "<div class=\"tile\"><div class=\"num\" data-total=\"{key}\">{value}</div>\
         <div>{label}</div></div>"
    )
}

/// A re-match's section: the changes per need, the feedback applied, and what the
/// figures below count.
fn changes(round: &RematchSummary, lang: Lang) -> String {
    let t = |zh, en| tr(lang, zh, en);
    let mut out = String::new();
    let _ = write!(
        out,
        "<h2>{}</h2><p class=\"meta\">{} {} → {} · {}</p><section class=\"tiles\">",
        t("本轮变化", "Changes this round"),
        t("上轮", "Previous round"),
        round
            .previous_run_date
            .map(|d| d.to_string())
            .unwrap_or_default(),
        round.run_date.map(|d| d.to_string()).unwrap_or_default(),
        lang.text(if round.warm.mode == "warm" {
            Msg::WarmStart
        } else {
            Msg::ColdStart
        }),
    );
    for (kind, label) in change_kinds(lang) {
        let n = round.changes.get(kind).copied().unwrap_or(0);
        out.push_str(&total(&format!("changes_{kind}"), label, n));
    }
    out.push_str("</section>");
    let o = &round.outcomes;
    let (colon, comma, semicolon, stop) = match lang {
        Lang::Zh => ("：", "，", "；", "。"),
        Lang::En => (": ", ", ", "; ", ". "),
    };
    let _ = write!(
        out,
        "<p>{} <span data-total=\"outcomes\">{}</span>{colon}{} {}{comma}{} {}{comma}{} {}\
         {comma}{} {}{semicolon}{} {}{stop}{} {}{comma}{} {}{stop}</p><p class=\"meta\">{}</p>",
        t("反馈条数", "Feedback rows"),
        o.rows,
        t("接受", "accepted"),
        o.accepted,
        t("拒绝", "declined"),
        o.declined,
        t("已交付", "delivered"),
        o.delivered,
        t("未成功", "failed"),
        o.failed,
        t("逾期未答复", "expired unanswered"),
        o.expired,
        t("新增需求", "New needs"),
        round.new_needs,
        t(
            "不再推荐的已拒绝配对",
            "declined pairs never proposed again"
        ),
        round.forbidden_pairs,
        t(
            "以下数字统计本轮的全部需求；此前已确认（接受或已交付）的配对保留不动，按已匹配计入。",
            "The figures below count every need of the round: a need whose pair was agreed \
             earlier (accepted or delivered) keeps it and counts as matched.",
        ),
    );
    out
}

/// Coverage by 9-digit township, from the needs' regions and the matched need ids.
fn township_coverage(result: &MatchResult, inputs: &Inputs) -> Vec<(String, u64, u64)> {
    let assigned: std::collections::HashSet<&str> = result
        .assignments
        .iter()
        .map(|a| a.need_id.as_str())
        .collect();
    let mut cells: BTreeMap<u64, (u64, u64)> = BTreeMap::new();
    for need in &inputs.needs {
        let Some(township) = need.region.prefix_value(9) else {
            continue;
        };
        let cell = cells.entry(township).or_default();
        cell.1 += 1;
        if assigned.contains(need.need_id.as_str()) {
            cell.0 += 1;
        }
    }
    cells
        .into_iter()
        .map(|(k, (a, n))| (format!("{k:09}"), a, n))
        .collect()
}

/// Assigned needs per provider against the capacity it offered.
/// Providers are organisations or paired cadres acting in public: their ids are shown on
/// both pages (transparency, 阳光慈善).
fn provider_load(result: &MatchResult, inputs: &Inputs) -> Vec<(String, u64, u64)> {
    let mut load: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for r in &inputs.resources {
        load.entry(r.provider_id.as_str()).or_default().1 += u64::from(r.capacity);
    }
    for a in &result.assignments {
        load.entry(a.provider_id.as_str()).or_default().0 += 1;
    }
    load.into_iter()
        .map(|(p, (used, cap))| (p.to_string(), used, cap))
        .collect()
}

/// Writes `name` in `dir` atomically: a temporary file, then a rename.
pub fn write_atomic(dir: &Path, name: &str, text: &str) -> Result<(), aidmatch::Error> {
    let io = |path: &Path, source| aidmatch::Error::Io {
        path: path.display().to_string(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let target = dir.join(name);
    std::fs::write(&tmp, text).map_err(|e| io(&tmp, e))?;
    std::fs::rename(&tmp, &target).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io(&target, e)
    })
}

const CSS: &str = "body{font-family:system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;\
margin:2em auto;max-width:60em;color:#222}h1{color:#b22}h2{border-bottom:1px solid #ddd;\
padding-bottom:.2em;margin-top:1.6em}.meta{color:#666}.tiles{display:flex;flex-wrap:wrap;gap:1em}\
.tile{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;min-width:7em}\
.num{font-size:1.8em;font-weight:600}.chart .lbl,.chart .val{font-size:12px}\
.chart .bg{fill:#eee}.chart .fg{fill:#c33}table{border-collapse:collapse}\
td,th{border:1px solid #ddd;padding:.2em .5em;text-align:left;font-size:.9em}\
code{font-size:.85em;word-break:break-all}";
