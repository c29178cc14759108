//! Every interface string of the built-in theme, in English and Chinese,
//! including month names, date patterns and interface punctuation.
//! Templates read them as `t.key`; nothing user-facing is written in a
//! template directly, so `language = "zh"` switches the whole interface.

use std::collections::BTreeMap;

use crate::parse::PartialDate;

/// (key, English, Chinese)
const STRINGS: &[(&str, &str, &str)] = &[
    ("home", "Home", "首页"),
    ("claims", "Claims", "论断"),
    ("speakers", "Speakers", "发言者"),
    ("sources", "Sources", "来源"),
    ("topics", "Topics", "话题"),
    ("timeline", "Timeline", "时间线"),
    ("search", "Search", "搜索"),
    ("search_label", "Search the site", "搜索本站"),
    (
        "search_placeholder",
        "Claims, people, sources",
        "论断、发言者、来源",
    ),
    ("skip_to_content", "Skip to content", "跳到正文"),
    ("main_navigation", "Main navigation", "主导航"),
    ("breadcrumbs", "Breadcrumbs", "面包屑导航"),
    ("newest_claims", "Newest claims", "最新论断"),
    ("open_questions", "Open questions", "待解问题"),
    ("all_topics", "All topics", "全部话题"),
    ("said_by", "Said by", "发言者"),
    ("date", "Date", "日期"),
    ("mentioned_in", "Mentioned in", "提到本页的条目"),
    ("moved", "Moved", "已移动"),
    ("page_n", "page {n}", "第 {n} 页"),
    ("list_pages", "Pages of this list", "本列表的分页"),
    ("top", "top", "顶部"),
    ("bottom", "bottom", "底部"),
    ("moved_to", "This page has moved to", "此页已移至"),
    ("reported", "reported", "报道于"),
    (
        "reported_note",
        "The source does not say when this was said; this is the date it was published.",
        "来源没有说明这句话是何时说的；此处为来源的发表日期。",
    ),
    ("source", "Source", "来源"),
    ("origin", "First said in", "最初出处"),
    ("locator", "Where", "位置"),
    ("og_locale", "en_GB", "zh_CN"),
    ("locator_opening", "the opening", "导语"),
    ("in_context", "The quote in its source", "原话所在段落"),
    ("in_the_source", "in the source", "在存档原文中查看"),
    ("paragraph", "Paragraph", "段落"),
    (
        "quote_reported",
        "Reported: the source's words for what was said, not the speaker's own",
        "转述：来源对发言内容的表述，并非发言者原话",
    ),
    ("archived_text", "Archived text", "存档原文"),
    (
        "archived_text_note",
        "The copy of the source kept by this site, against which every quote is checked. Quoted words are highlighted, each followed by a link to its claim.",
        "本站保存的来源副本，每条原话都据此核对。引用的文字以高亮显示，其后附有指向相应论断的链接。",
    ),
    (
        "archived_text_context_note",
        "Only the paragraphs that hold a quote are shown here; [...] marks what is left out.",
        "此处仅显示包含原话的段落；[……]表示略去的部分。",
    ),
    ("omitted", "[...]", "[……]"),
    (
        "quoted_claims",
        "Claims quoted from this text",
        "引自本文的论断",
    ),
    ("kind", "Kind", "类型"),
    ("status", "Status", "状态"),
    ("figures", "Figures", "数字"),
    ("figure_value", "Value", "数值"),
    ("figure_unit", "Unit", "单位"),
    ("figure_about", "About", "说明"),
    ("quote", "Quote", "原话"),
    ("translation", "Translation", "译文"),
    ("resolves", "Can be judged", "可判定于"),
    ("updated", "Reviewed", "复核于"),
    ("overdue", "Overdue", "已逾期"),
    ("draft", "Draft", "草稿"),
    ("relations", "Related claims", "相关论断"),
    ("supports", "Supports", "本条支持的论断"),
    ("supported_by", "Supported by", "支持本条的论断"),
    ("contradicts", "Contradicts", "本条反驳的论断"),
    ("contradicted_by", "Contradicted by", "反驳本条的论断"),
    ("responds_to", "Responds to", "本条回应的论断"),
    ("responded_by", "Answered by", "回应本条的论断"),
    ("context", "Context", "背景"),
    ("positions", "Positions", "各方立场"),
    (
        "positions_intro",
        "Claims in this topic that contradict each other, side by side: in each dispute, the claims on one side are contradicted by those on the other.",
        "本话题中相互反驳的论断并列于此：每组争论中，一方的论断都被另一方的论断反驳。",
    ),
    ("versus", "versus", "对垒"),
    ("dispute", "Dispute", "争论"),
    ("side_one", "One side", "一方"),
    ("side_other", "The other side", "另一方"),
    ("claims_by_kind", "Claims by kind", "论断（按类型）"),
    ("claims_by_date", "Claims by date", "论断（按日期）"),
    ("prediction_record", "Prediction record", "预测记录"),
    ("predictions", "Predictions", "预测总数"),
    ("no_predictions", "No predictions yet.", "暂无预测。"),
    (
        "no_claims",
        "No claims of its own yet.",
        "暂无记在其名下的论断。",
    ),
    ("members", "People speaking for it", "代表其发言的人"),
    ("aliases", "Also written", "又作"),
    ("role", "Role", "职务"),
    ("organisation", "Organisation", "机构"),
    ("outlet", "Outlet", "媒体"),
    ("authors", "Authors", "作者"),
    ("published", "Published", "发表于"),
    ("language", "Language", "语言"),
    ("read_source", "Read the source", "阅读原文"),
    ("website", "Website", "网站"),
    (
        "claims_recorded",
        "Claims recorded here",
        "本来源记载的论断",
    ),
    ("claim_count", "claims", "条论断"),
    ("speaker_count", "speakers", "位发言者"),
    ("source_count", "sources", "个来源"),
    ("topic_count", "topics", "个话题"),
    ("not_found", "Page not found", "页面不存在"),
    (
        "not_found_text",
        "There is no page at this address. Try the home page, the topics or the search.",
        "此地址下没有页面。可以回到首页，或从话题、搜索中查找。",
    ),
    ("claims_per_month", "Claims per month", "每月论断数"),
    ("claims_per_year", "Claims per year", "每年论断数"),
    // The chart's description is these pieces run together; each English
    // sentence ends with its space.
    (
        "chart_description",
        "Number of claims per month, coloured by each claim's first topic. ",
        "每月论断数，按各条论断的首个话题着色。",
    ),
    (
        "chart_description_year",
        "Number of claims per year, coloured by each claim's first topic. ",
        "每年论断数，按各条论断的首个话题着色。",
    ),
    ("chart_totals", "{totals}. ", "{totals}。"),
    ("whole_timeline", "See the whole timeline", "查看完整时间线"),
    (
        "timeline_page",
        "Timeline, page {n} of {total}",
        "时间线（第 {n} 页，共 {total} 页）",
    ),
    ("timeline_pages", "Pages of the timeline", "时间线分页"),
    ("previous_page", "Previous page", "上一页"),
    ("next_page", "Next page", "下一页"),
    ("chart_legend", "Colours by topic", "按话题着色"),
    (
        "chart_bar",
        "{period}, {topic}: {count}",
        "{period}，{topic}：{count} 条",
    ),
    ("chart_total", "{period}: {count}", "{period}：{count} 条"),
    (
        "chart_year_only",
        "{count} dated by year only, not shown.",
        "另有 {count} 条只注明年份，未计入。",
    ),
    ("feed", "Atom feed", "Atom 订阅"),
    ("data", "Data (JSON)", "数据下载（JSON）"),
    (
        "search_no_js",
        "Search needs JavaScript. Browse the topics or the speakers instead.",
        "搜索需要启用 JavaScript；也可以改为浏览话题或发言者。",
    ),
    (
        "search_not_built",
        "Search is not available on this site yet. Browse the topics or the speakers instead.",
        "本站暂不提供搜索；可以改为浏览话题或发言者。",
    ),
    // The search page (templates/search.html, assets/search.js).
    ("search_filters", "Filter by", "筛选"),
    ("search_speaker", "Speaker", "发言者"),
    ("search_topic", "Topic", "话题"),
    ("search_page_kind", "Page", "页面"),
    ("search_any", "Any", "全部"),
    ("search_results_one", "1 claim found", "找到 1 条论断"),
    (
        "search_results_many",
        "{count} claims found",
        "找到 {count} 条论断",
    ),
    ("search_found_one", "1 result found", "找到 1 条结果"),
    (
        "search_found_many",
        "{count} results found",
        "找到 {count} 条结果",
    ),
    (
        "search_no_results",
        "Nothing found. Try other words or fewer filters.",
        "没有找到结果。请换用其他词语，或减少筛选条件。",
    ),
    (
        "search_error",
        "Search could not be loaded. Browse the topics or the speakers instead.",
        "搜索加载失败；可以改为浏览话题或发言者。",
    ),
    ("search_more", "Show more results", "显示更多结果"),
    ("kind_opinion", "Opinion", "观点"),
    ("kind_prediction", "Prediction", "预测"),
    ("kind_statistic", "Statistic", "统计"),
    ("kind_announcement", "Announcement", "公告"),
    ("status_open", "Open", "待定"),
    (
        "status_open_note",
        "Open: not yet judged against what happened.",
        "待定：尚未根据实际情况作出判定。",
    ),
    (
        "status_confirmed_note",
        "Confirmed: what happened bears it out.",
        "已证实：实际情况证明其成立。",
    ),
    (
        "status_refuted_note",
        "Refuted: what happened shows it wrong.",
        "已证伪：实际情况证明其不成立。",
    ),
    (
        "status_mixed_note",
        "Mixed: partly borne out, partly not.",
        "部分成立：部分得到证实，部分未得到证实。",
    ),
    (
        "status_unverifiable_note",
        "Unverifiable: it cannot be checked against what happened.",
        "无法核实：无法对照实际情况加以验证。",
    ),
    (
        "overdue_note",
        "Overdue: the date by which this prediction can be judged has passed, and no verdict is recorded yet.",
        "已逾期：这一预测的可判定日期已过，但尚未记录判定。",
    ),
    ("due_predictions", "Predictions due", "待判定的预测"),
    (
        "due_predictions_intro",
        "Open predictions that can be judged within a year, or are already overdue.",
        "一年内可判定或已逾期的待定预测。",
    ),
    (
        "feed_of_page",
        "Atom feed of these claims",
        "本页论断的 Atom 订阅",
    ),
    ("data_csv", "Data (CSV)", "数据下载（CSV）"),
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
    // Punctuation between interface words: Chinese uses full-width forms.
    ("colon", ": ", "："),
    ("list_separator", ", ", "、"),
    // The space English puts before a bracket or quote after a word
    // ("Opinion (4)"), where Chinese puts none ("观点（4）").
    ("word_space", " ", ""),
    ("paren_open", "(", "（"),
    ("paren_close", ")", "）"),
    // Between a name and what it is ("He Enpei, founder …"), and between
    // the facts of a source in a list.
    ("name_separator", ", ", "，"),
    ("detail_separator", ", ", " · "),
    // A feed entry's summary: the statement, who said it, when.
    (
        "feed_summary",
        "{claim} — {speakers} ({date})",
        "{claim}——{speakers}（{date}）",
    ),
    ("feed_reported_date", "reported {date}", "报道于{date}"),
    // Dates at their precision (`{month}` is the month's name or number).
    ("date_year", "{year}", "{year}年"),
    ("date_month", "{month} {year}", "{year}年{month}月"),
    (
        "date_day",
        "{day} {month} {year}",
        "{year}年{month}月{day}日",
    ),
    ("month_1", "Jan", "1"),
    ("month_2", "Feb", "2"),
    ("month_3", "Mar", "3"),
    ("month_4", "Apr", "4"),
    ("month_5", "May", "5"),
    ("month_6", "Jun", "6"),
    ("month_7", "Jul", "7"),
    ("month_8", "Aug", "8"),
    ("month_9", "Sep", "9"),
    ("month_10", "Oct", "10"),
    ("month_11", "Nov", "11"),
    ("month_12", "Dec", "12"),
    ("languages", "Languages", "语言"),
    ("language_name", "English", "中文"),
];

/// The language of a record's text: `text_lang` when the record is shown
/// untranslated in another language's site, else that of a name written
/// in another script than the interface's ([`script_lang`]).
pub fn text_lang(text_lang: Option<&str>, text: &str, language: &str) -> Option<&'static str> {
    match text_lang {
        Some(code) => Some(if code == "zh" { "zh" } else { "en" }),
        None => script_lang(text, language),
    }
}

/// The name of an interface language in that language (`中文` for `zh`).
pub fn language_name(language: &str) -> &'static str {
    tr(language, "language_name")
}

/// Orders `items` by the name each is shown under, in the collation of
/// `language`: Chinese names by pinyin (CLDR's default for `zh`), English
/// ones alphabetically without regard to case or accents. Equal names keep
/// their order.
pub fn sort_by_name<T>(items: &mut [T], language: &str, name: impl Fn(&T) -> &str) {
    use icu_collator::{Collator, options::CollatorOptions};
    use icu_locale_core::locale;
    let locale = if language == "zh" {
        locale!("zh")
    } else {
        locale!("en")
    };
    match Collator::try_new((&locale).into(), CollatorOptions::default()) {
        Ok(collator) => items.sort_by(|a, b| collator.compare(name(a), name(b))),
        // The compiled data covers both languages; should it ever lack
        // one, the order by code point still lists every item.
        Err(_) => items.sort_by(|a, b| name(a).cmp(name(b))),
    }
}

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

/// A string with `{name}` placeholders filled in.
pub fn tr_with(language: &str, key: &str, values: &[(&str, &str)]) -> String {
    let mut text = tr(language, key).to_string();
    for (name, value) in values {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

/// A locator as a place a reader can find: a numbered section written as
/// the source numbers it (`三`, `§3`) becomes `section 3` (`第三部分`), and
/// `导语` the opening; anything else (`p. 12`, `00:14:32`) is shown as
/// written.
pub fn format_locator(locator: &str, language: &str) -> String {
    let locator = locator.trim();
    if locator == "导语" {
        return tr(language, "locator_opening").to_string();
    }
    let number = locator
        .strip_prefix('§')
        .map(str::trim)
        .and_then(|n| n.parse::<u32>().ok())
        .or_else(|| chinese_number(locator));
    match number {
        Some(n) if language == "zh" => match chinese_number(locator) {
            Some(_) => format!("第{locator}部分"),
            None => format!("第{n}部分"),
        },
        Some(n) => format!("section {n}"),
        None => locator.to_string(),
    }
}

/// `一` to `九十九` as a number.
fn chinese_number(text: &str) -> Option<u32> {
    let digit = |c: char| "一二三四五六七八九".find(c).map(|i| i as u32 / 3 + 1);
    let chars: Vec<char> = text.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        [d] => digit(*d),
        ['十', d] => Some(10 + digit(*d)?),
        [t, '十'] => Some(10 * digit(*t)?),
        [t, '十', d] => Some(10 * digit(*t)? + digit(*d)?),
        _ => None,
    }
}

/// A date at its precision, as a reader of the interface language writes
/// it: `2025`, `Jan 2025`, `13 Dec 2024`; `2025年`, `2025年1月`, `2024年12月13日`.
pub fn format_date(date: &PartialDate, language: &str) -> String {
    let year = date.year.to_string();
    let Some(month) = date.month else {
        return tr_with(language, "date_year", &[("year", &year)]);
    };
    let month = tr(language, &format!("month_{month}"));
    match date.day {
        None => tr_with(language, "date_month", &[("year", &year), ("month", month)]),
        Some(day) => tr_with(
            language,
            "date_day",
            &[("year", &year), ("month", month), ("day", &day.to_string())],
        ),
    }
}

/// The language of a name written in its own script, when that differs from
/// the interface's, so browsers pick the right glyphs and screen readers the
/// right voice: Han, kana and Hangul are told apart; Latin names get none.
pub fn script_lang(text: &str, language: &str) -> Option<&'static str> {
    let has = |range: &[(u32, u32)]| {
        text.chars().any(|c| {
            range
                .iter()
                .any(|&(lo, hi)| (lo..=hi).contains(&(c as u32)))
        })
    };
    let lang = if has(&[(0x3040, 0x30ff)]) {
        "ja"
    } else if has(&[(0xac00, 0xd7af), (0x1100, 0x11ff)]) {
        "ko"
    } else if has(&[(0x4e00, 0x9fff), (0x3400, 0x4dbf), (0x20000, 0x2ebef)]) {
        "zh"
    } else {
        return None;
    };
    (lang != language).then_some(lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> PartialDate {
        PartialDate::parse(text).unwrap()
    }

    #[test]
    fn dates_read_at_their_precision_in_both_languages() {
        assert_eq!(format_date(&date("2025"), "en"), "2025");
        assert_eq!(format_date(&date("2025-01"), "en"), "Jan 2025");
        assert_eq!(format_date(&date("2024-12-13"), "en"), "13 Dec 2024");
        assert_eq!(format_date(&date("2025"), "zh"), "2025年");
        assert_eq!(format_date(&date("2025-01"), "zh"), "2025年1月");
        assert_eq!(format_date(&date("2024-12-13"), "zh"), "2024年12月13日");
    }

    #[test]
    fn names_in_another_script_get_its_language() {
        assert_eq!(script_lang("何恩培", "en"), Some("zh"));
        assert_eq!(script_lang("支持Ilya观点的人士", "en"), Some("zh"));
        assert_eq!(script_lang("何恩培", "zh"), None);
        assert_eq!(script_lang("Ilya Sutskever", "en"), None);
        assert_eq!(script_lang("Ilya Sutskever", "zh"), None);
        assert_eq!(script_lang("ソフトバンク", "en"), Some("ja"));
    }

    #[test]
    fn locators_read_as_places() {
        assert_eq!(format_locator("三", "en"), "section 3");
        assert_eq!(format_locator("十二", "en"), "section 12");
        assert_eq!(format_locator("三", "zh"), "第三部分");
        assert_eq!(format_locator("§3", "en"), "section 3");
        assert_eq!(format_locator("§3", "zh"), "第3部分");
        assert_eq!(format_locator("导语", "en"), "the opening");
        assert_eq!(format_locator("p. 12", "en"), "p. 12");
    }

    #[test]
    fn every_placeholder_is_in_both_languages() {
        for (key, en, zh) in STRINGS {
            let names = |s: &str| {
                let mut n: Vec<String> = s
                    .split('{')
                    .skip(1)
                    .filter_map(|p| p.split_once('}').map(|(name, _)| name.to_string()))
                    .collect();
                n.sort();
                n
            };
            assert_eq!(names(en), names(zh), "placeholders of `{key}`");
        }
    }

    #[test]
    fn names_sort_in_each_language_collation() {
        let mut zh = vec!["徐立", "何恩培", "阿尔特曼", "李强", "Ilya Sutskever"];
        sort_by_name(&mut zh, "zh", |s| s);
        // A, He, Li, Xu by pinyin; CLDR puts Han before Latin for `zh`.
        assert_eq!(zh, ["阿尔特曼", "何恩培", "李强", "徐立", "Ilya Sutskever"]);
        let mut en = vec!["some users", "He Enpei", "Élodie", "xu Li", "Ilya"];
        sort_by_name(&mut en, "en", |s| s);
        assert_eq!(en, ["Élodie", "He Enpei", "Ilya", "some users", "xu Li"]);
    }

    #[test]
    fn keys_are_unique_and_complete() {
        let mut keys: Vec<&str> = STRINGS.iter().map(|s| s.0).collect();
        keys.sort_unstable();
        let before = keys.len();
        keys.dedup();
        assert_eq!(before, keys.len(), "duplicate translation key");
        // Every text is given in both languages. A spacing key (`*_space`)
        // is the one exception: Chinese puts no space where English does.
        for (key, en, zh) in STRINGS {
            assert!(!en.is_empty(), "`{key}` has no English");
            assert!(
                !zh.is_empty() || key.ends_with("_space"),
                "`{key}` has no Chinese"
            );
        }
    }
}
