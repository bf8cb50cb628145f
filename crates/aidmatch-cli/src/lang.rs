//! Console messages in Chinese and English.
//!
//! The console follows the locale (`LC_ALL`, `LC_MESSAGES`, `LANG` starting with `zh`
//! means Chinese) unless `--lang` says otherwise; the HTML report is Chinese by default.

use clap::ValueEnum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    /// 中文
    Zh,
    /// English
    En,
}

/// The messages the console prints.
#[derive(Debug, Clone, Copy)]
pub enum Msg {
    Error,
    Reading,
    Matching,
    Writing,
    Generating,
    Generated,
    Valid,
    ProblemsFound,
    Warning,
    Warnings,
    FurtherWarnings,
    MoreThan,
    UnknownNeed,
    Needs,
    Assigned,
    Unmatched,
    Referrals,
    ByTier,
    Score,
    Certificate,
    Verified,
    NotVerified,
    ResultsIn,
    Changes,
    WarmStart,
    ColdStart,
}

impl Lang {
    /// Chinese when the first set locale variable starts with `zh`, else English.
    pub fn from_locale() -> Lang {
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(value) = std::env::var(var) {
                if !value.is_empty() {
                    return if value.starts_with("zh") {
                        Lang::Zh
                    } else {
                        Lang::En
                    };
                }
            }
        }
        Lang::En
    }

    pub fn text(self, msg: Msg) -> &'static str {
        let (zh, en) = match msg {
            Msg::Error => ("错误", "error"),
            Msg::Reading => ("正在读取清单…", "reading the lists…"),
            Msg::Matching => ("正在匹配…", "matching…"),
            Msg::Writing => ("正在写入结果…", "writing the results…"),
            Msg::Generating => ("正在生成模拟清单…", "generating synthetic lists…"),
            Msg::Generated => (
                "已生成 需求/供给/回避",
                "generated needs/resources/exclusions",
            ),
            Msg::Valid => (
                "输入无误 需求/供给/回避",
                "inputs are valid: needs/resources/exclusions",
            ),
            Msg::ProblemsFound => ("发现问题数", "problems found"),
            Msg::Warning => ("警告", "warning"),
            Msg::Warnings => ("警告数", "warnings"),
            Msg::FurtherWarnings => ("（其余警告未显示）", "(further warnings not shown)"),
            Msg::MoreThan => ("超过 ", "more than "),
            Msg::UnknownNeed => ("需求清单中没有此需求", "no such need in the needs list"),
            Msg::Needs => ("需求", "needs"),
            Msg::Assigned => ("已匹配", "assigned"),
            Msg::Unmatched => ("未匹配", "unmatched"),
            Msg::Referrals => ("转介", "referrals"),
            Msg::ByTier => ("各优先级匹配数", "assigned by tier"),
            Msg::Score => ("总分", "total score"),
            Msg::Certificate => ("最优性证书", "optimality certificate"),
            Msg::Verified => ("已验证", "verified"),
            Msg::NotVerified => ("未通过", "NOT verified"),
            Msg::ResultsIn => ("结果目录", "results in"),
            Msg::Changes => ("本轮变化", "changes this round"),
            Msg::WarmStart => (
                "热启动：沿用上轮的解和对偶价格",
                "warm start: from the previous solution and prices",
            ),
            Msg::ColdStart => ("冷启动", "cold start"),
        };
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// The kinds of change of a re-match (as `changes.csv` names them), in their order, with
/// their label in `lang`.
pub fn change_kinds(lang: Lang) -> [(&'static str, &'static str); 6] {
    [
        ("kept", "已确认，保留", "kept (agreed)"),
        ("unchanged", "维持原匹配", "unchanged"),
        ("moved", "改配", "moved"),
        ("dropped", "取消匹配", "dropped"),
        ("new", "新匹配", "new"),
        ("unmatched", "未匹配", "unmatched"),
    ]
    .map(|(kind, zh, en)| match lang {
        Lang::Zh => (kind, zh),
        Lang::En => (kind, en),
    })
}

/// The Chinese name of an unmatched reason or a referral program (the id in English).
pub fn label(lang: Lang, id: &str) -> String {
    let zh = match id {
        "no_consent" => "未同意转介",
        "no_eligible_resource" => "无符合条件的资源",
        "capacity_exhausted" => "资源名额已满",
        "household_limit" => "本户本轮名额已满",
        "excluded_conflict" => "利益回避",
        "expired" => "资源不在有效期",
        "dibao" => "低保",
        "medical_aid" => "医疗救助",
        "education_aid" => "教育资助",
        "housing_aid" => "住房救助",
        "employment_aid" => "就业援助",
        "child_allowance" => "孤儿/事实无人抚养儿童基本生活费",
        "disability_allowance" => "残疾人两项补贴",
        "temporary" => "临时救助",
        _ => id,
    };
    match lang {
        Lang::Zh => format!("{zh} ({id})"),
        Lang::En => id.to_string(),
    }
}

/// Counts by tier (index 0 = tier 1) in words: "第1级 20，第2级 63，第3级 43", "tier 1: 20,
/// tier 2: 63, tier 3: 43".
pub fn tier_counts(lang: Lang, counts: &[u64]) -> String {
    let each: Vec<String> = counts
        .iter()
        .zip(1..)
        .map(|(n, tier)| match lang {
            Lang::Zh => format!("第{tier}级 {n}"),
            Lang::En => format!("tier {tier}: {n}"),
        })
        .collect();
    each.join(match lang {
        Lang::Zh => "，",
        Lang::En => ", ",
    })
}
