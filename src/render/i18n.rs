//! Every interface string of the built-in theme, in English and Chinese.
//! Templates read them as `t.key`; nothing user-facing is written in a
//! template directly, so `language = "zh"` switches the whole interface.

use std::collections::BTreeMap;

/// (key, English, Chinese)
const STRINGS: &[(&str, &str, &str)] = &[
    ("home", "Home", "首页"),
    ("claims", "Claims", "观点"),
    ("speakers", "Speakers", "发言者"),
    ("sources", "Sources", "来源"),
    ("topics", "Topics", "话题"),
    ("timeline", "Timeline", "时间线"),
    ("search", "Search", "搜索"),
    (
        "search_placeholder",
        "Search claims, people, sources",
        "搜索观点、人物、来源",
    ),
    ("skip_to_content", "Skip to content", "跳到正文"),
    ("main_navigation", "Main navigation", "主导航"),
    ("breadcrumbs", "Breadcrumbs", "位置"),
    ("newest_claims", "Newest claims", "最新观点"),
    ("open_questions", "Open questions", "待解问题"),
    ("all_topics", "All topics", "全部话题"),
    ("said_by", "Said by", "发言者"),
    ("date", "Date", "日期"),
    ("source", "Source", "来源"),
    ("origin", "First said in", "最初出处"),
    ("locator", "Where", "位置"),
    ("kind", "Kind", "类型"),
    ("status", "Status", "状态"),
    ("figures", "Figures", "数据"),
    ("figure_value", "Value", "数值"),
    ("figure_unit", "Unit", "单位"),
    ("figure_about", "About", "说明"),
    ("quote", "Quote", "原话"),
    ("translation", "Translation", "译文"),
    ("resolves", "Can be judged", "可判定于"),
    ("updated", "Reviewed", "复核于"),
    ("overdue", "Overdue", "已逾期"),
    ("relations", "Related claims", "相关观点"),
    ("supports", "Supports", "支持"),
    ("supported_by", "Supported by", "被以下观点支持"),
    ("contradicts", "Contradicts", "反驳"),
    ("contradicted_by", "Contradicted by", "被以下观点反驳"),
    ("responds_to", "Responds to", "回应"),
    ("responded_by", "Answered by", "被以下观点回应"),
    ("context", "Context", "背景"),
    ("positions", "Positions", "交锋"),
    (
        "positions_intro",
        "Claims in this topic that contradict each other, side by side.",
        "本话题中相互矛盾的观点,并列呈现。",
    ),
    ("versus", "versus", "对"),
    ("claims_by_kind", "Claims by kind", "按类型的观点"),
    ("claims_by_date", "Claims by date", "按日期的观点"),
    ("prediction_record", "Prediction record", "预测记录"),
    ("no_predictions", "No predictions yet.", "暂无预测。"),
    ("no_claims", "No claims of its own yet.", "暂无本人观点。"),
    ("members", "People speaking for it", "所属人员"),
    ("aliases", "Also written", "又作"),
    ("role", "Role", "职务"),
    ("organisation", "Organisation", "机构"),
    ("outlet", "Outlet", "媒体"),
    ("authors", "Authors", "作者"),
    ("published", "Published", "发表于"),
    ("language", "Language", "语言"),
    ("read_source", "Read the source", "阅读原文"),
    ("website", "Website", "网站"),
    ("claims_recorded", "Claims recorded here", "收录的观点"),
    ("claim_count", "claims", "条观点"),
    ("speaker_count", "speakers", "位发言者"),
    ("source_count", "sources", "个来源"),
    ("topic_count", "topics", "个话题"),
    ("not_found", "Page not found", "页面不存在"),
    (
        "not_found_text",
        "There is no page at this address. Try the home page, the topics or the search.",
        "此地址没有页面。请试试首页、话题或搜索。",
    ),
    ("claims_per_month", "Claims per month", "每月观点数"),
    (
        "chart_description",
        "Number of claims per month, coloured by topic.",
        "每月观点数量,按话题着色。",
    ),
    ("whole_timeline", "See the whole timeline", "查看完整时间线"),
    ("feed", "Atom feed", "Atom 订阅"),
    (
        "search_no_js",
        "Search needs JavaScript. Browse the topics or the speakers instead.",
        "搜索需要 JavaScript。也可以浏览话题或发言者。",
    ),
    (
        "search_not_built",
        "Search is not available on this site yet. Browse the topics or the speakers instead.",
        "本站暂不提供搜索。可以浏览话题或发言者。",
    ),
    ("kind_opinion", "Opinion", "观点"),
    ("kind_prediction", "Prediction", "预测"),
    ("kind_statistic", "Statistic", "数据"),
    ("kind_announcement", "Announcement", "宣布"),
    ("status_open", "Open", "待定"),
    ("status_confirmed", "Confirmed", "已证实"),
    ("status_refuted", "Refuted", "已证伪"),
    ("status_mixed", "Mixed", "部分成立"),
    ("status_unverifiable", "Unverifiable", "无法核实"),
    ("source_article", "Article", "文章"),
    ("source_talk", "Talk", "演讲"),
    ("source_report", "Report", "报告"),
    ("source_interview", "Interview", "访谈"),
    ("source_post", "Post", "帖子"),
    ("source_dataset", "Dataset", "数据集"),
    ("source_book", "Book", "书籍"),
    ("speaker_person", "Person", "个人"),
    ("speaker_organisation", "Organisation", "机构"),
    ("generated_by", "Built with claimbase", "由 claimbase 生成"),
];

/// The table for one interface language (`en` or `zh`).
pub fn translations(language: &str) -> BTreeMap<&'static str, &'static str> {
    STRINGS
        .iter()
        .map(|(key, en, zh)| (*key, if language == "zh" { *zh } else { *en }))
        .collect()
}

/// One string, for text built in Rust (feeds, chart titles).
pub fn tr(language: &str, key: &str) -> &'static str {
    STRINGS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, en, zh)| if language == "zh" { *zh } else { *en })
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_complete() {
        let mut keys: Vec<&str> = STRINGS.iter().map(|s| s.0).collect();
        keys.sort_unstable();
        let before = keys.len();
        keys.dedup();
        assert_eq!(before, keys.len(), "duplicate translation key");
        assert!(
            STRINGS
                .iter()
                .all(|(_, en, zh)| !en.is_empty() && !zh.is_empty())
        );
    }
}
