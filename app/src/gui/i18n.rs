//! The GUI's words: Fluent message catalogues in English and Simplified
//! Chinese (`app/i18n/{en,zh-CN}/switchboard.ftl`, compiled in), and
//! [`tr`] / [`tr_args`] to look a message up from immediate-mode code.
//!
//! The current catalogue lives in a thread-local: egui draws every frame on
//! one thread, so a look-up needs no lock and no app handle threaded through
//! every panel function. English is the source; a key missing from another
//! catalogue falls back to English (the tests make sure none is missing).
//!
//! Numbers are written 1,234.5 in both languages (grouped thousands, a dot
//! for the decimal mark), as Chinese engineering text writes them too; units
//! are never translated.

use std::cell::RefCell;

use fluent_bundle::types::{FluentNumber, FluentNumberOptions};
use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use serde::{Deserialize, Serialize};

/// The English catalogue (the source every other follows).
pub const EN_FTL: &str = include_str!("../../i18n/en/switchboard.ftl");
/// The Simplified Chinese catalogue.
pub const ZH_CN_FTL: &str = include_str!("../../i18n/zh-CN/switchboard.ftl");
/// The engine's sentences (validation problems, warnings and reasons of a
/// run) in Simplified Chinese. Their English is written in the engine's code
/// (see `engine::message`), so English has no such file.
pub const ZH_CN_ENGINE_FTL: &str = include_str!("../../i18n/zh-CN/engine.ftl");

/// A language of the user interface.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Lang {
    /// English.
    #[default]
    #[serde(rename = "en")]
    En,
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    ZhCn,
}

impl Lang {
    /// Every language, in the order the View → Language menu lists them.
    pub const ALL: [Self; 2] = [Self::En, Self::ZhCn];

    /// The BCP 47 tag (`en`, `zh-CN`), as `--lang` takes it.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::ZhCn => "zh-CN",
        }
    }

    /// The catalogue key of the language's name, written in itself.
    #[must_use]
    pub fn name_key(self) -> &'static str {
        match self {
            Self::En => "language-en",
            Self::ZhCn => "language-zh-CN",
        }
    }

    /// The language of a tag: `zh*` (any region or script) is Simplified
    /// Chinese, `en*` English, anything else none.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        let lower = code.trim().to_ascii_lowercase();
        if lower.starts_with("zh") {
            Some(Self::ZhCn)
        } else if lower.starts_with("en") {
            Some(Self::En)
        } else {
            None
        }
    }

    /// The language of a POSIX locale value (`zh_CN.UTF-8`, `en_GB`, `C`):
    /// Chinese for `zh*`, English for everything else.
    #[must_use]
    pub fn from_locale(value: &str) -> Self {
        if value.trim().to_ascii_lowercase().starts_with("zh") { Self::ZhCn } else { Self::En }
    }

    /// The language the system asks for: the first of `LC_ALL`,
    /// `LC_MESSAGES`, `LANG` that is set and not empty, as POSIX orders them.
    #[must_use]
    pub fn from_env() -> Self {
        Self::from_env_with(|k| std::env::var(k).ok())
    }

    /// [`Lang::from_env`] over a given environment (for tests).
    pub fn from_env_with(get: impl Fn(&str) -> Option<String>) -> Self {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|k| get(k).filter(|v| !v.trim().is_empty()))
            .map_or(Self::En, |v| Self::from_locale(&v))
    }

    /// The catalogue's source text.
    #[must_use]
    pub fn source(self) -> &'static str {
        match self {
            Self::En => EN_FTL,
            Self::ZhCn => ZH_CN_FTL,
        }
    }

    /// The catalogue of the engine's sentences, `None` for English (the
    /// engine writes English itself).
    #[must_use]
    pub fn engine_source(self) -> Option<&'static str> {
        match self {
            Self::En => None,
            Self::ZhCn => Some(ZH_CN_ENGINE_FTL),
        }
    }
}

/// One language's compiled messages.
struct Catalogue {
    lang: Lang,
    bundle: FluentBundle<FluentResource>,
}

impl Catalogue {
    fn new(lang: Lang) -> Self {
        let id: unic_langid::LanguageIdentifier = lang.code().parse().unwrap_or_default();
        let mut bundle = FluentBundle::new(vec![id]);
        // egui draws the bidi isolation marks Fluent puts around arguments
        // as boxes, and both languages run left to right.
        bundle.set_use_isolating(false);
        bundle.set_formatter(Some(format_value));
        // A catalogue with syntax errors still yields the messages that parsed;
        // the tests fail on any error.
        for source in std::iter::once(lang.source()).chain(lang.engine_source()) {
            let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(partial, _)| partial);
            // Duplicate keys keep the first entry; the tests fail on them.
            let _ = bundle.add_resource(resource);
        }
        Self { lang, bundle }
    }

    fn format(&self, key: &str, args: Option<&FluentArgs<'_>>) -> Option<String> {
        let pattern = self.bundle.get_message(key)?.value()?;
        let mut errors = Vec::new();
        Some(self.bundle.format_pattern(pattern, args, &mut errors).into_owned())
    }
}

struct Catalogues {
    current: Catalogue,
    english: Option<Catalogue>,
}

thread_local! {
    static CATALOGUES: RefCell<Option<Catalogues>> = const { RefCell::new(None) };
}

fn with<R>(f: impl FnOnce(&Catalogues) -> R) -> R {
    CATALOGUES.with(|cell| {
        let mut slot = cell.borrow_mut();
        let cats = slot.get_or_insert_with(|| Catalogues { current: Catalogue::new(Lang::En), english: None });
        f(cats)
    })
}

/// Show the user interface in `lang` from the next look-up on (this thread).
pub fn set_language(lang: Lang) {
    CATALOGUES.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.as_ref().is_some_and(|c| c.current.lang == lang) {
            return;
        }
        let english = (lang != Lang::En).then(|| Catalogue::new(Lang::En));
        *slot = Some(Catalogues { current: Catalogue::new(lang), english });
    });
}

/// The language messages are shown in now.
#[must_use]
pub fn language() -> Lang {
    with(|c| c.current.lang)
}

/// The message `key` in the current language.
#[must_use]
pub fn tr(key: &str) -> String {
    lookup(key, None)
}

/// The message `key` with its variables (`{ $count }`), e.g.
/// `tr_args("nodes-selected", &[("count", n.into())])`. Numbers select the
/// plural form and are written with grouped thousands.
#[must_use]
pub fn tr_args(key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    let mut fluent_args = FluentArgs::with_capacity(args.len());
    for (name, value) in args {
        fluent_args.set(*name, value.clone());
    }
    lookup(key, Some(&fluent_args))
}

fn lookup(key: &str, args: Option<&FluentArgs<'_>>) -> String {
    with(|c| {
        c.current
            .format(key, args)
            .or_else(|| c.english.as_ref().and_then(|e| e.format(key, args)))
            // A key in no catalogue shows itself: visible in the UI and
            // caught by the tests, never a crash.
            .unwrap_or_else(|| key.to_owned())
    })
}

/// An engine sentence (a validation problem, a warning of a run) in the
/// current language: the catalogue's sentence for its key with its
/// arguments, or the engine's English when the language is English, the
/// message has no key (read from a file) or no catalogue has it.
#[must_use]
pub fn tr_message(message: &engine::message::Message) -> String {
    with(|c| say(&c.current, message)).unwrap_or_else(|| message.as_str().to_owned())
}

/// An engine sentence from `catalogue`; `None` when it is English, the
/// message has no key or the catalogue lacks it.
fn say(catalogue: &Catalogue, message: &engine::message::Message) -> Option<String> {
    use engine::message::Arg;
    let key = message.key()?;
    if catalogue.lang == Lang::En {
        return None;
    }
    let mut args = FluentArgs::with_capacity(message.args().len());
    for (name, value) in message.args() {
        let text = match value {
            // A node's or an edge's kind is a word of the catalogue too.
            Arg::Text(v) if *name == "kind" => {
                catalogue.format(&format!("kind-{v}"), None).unwrap_or_else(|| v.clone())
            }
            Arg::Text(v) if *name == "edge_kind" => {
                catalogue.format(&format!("edge-kind-{v}"), None).unwrap_or_else(|| v.clone())
            }
            Arg::Text(v) => v.clone(),
            Arg::List(parts, separator) => {
                let said: Vec<String> =
                    parts.iter().map(|p| say(catalogue, p).unwrap_or_else(|| p.as_str().to_owned())).collect();
                said.join(&catalogue.format(&separator_key(separator), None).unwrap_or_else(|| (*separator).to_owned()))
            }
        };
        args.set(*name, FluentValue::from(text));
    }
    catalogue.format(key, Some(&args))
}

/// The catalogue key of an English list separator (`", "` → `separator-comma`).
fn separator_key(separator: &str) -> String {
    match separator {
        ", " => "engine-separator-comma",
        "; " => "engine-separator-semicolon",
        " " => "engine-separator-sentence",
        _ => "engine-separator-other",
    }
    .to_owned()
}

/// Engine sentences in the current language, joined by `separator`.
#[must_use]
pub fn tr_messages(messages: &[engine::message::Message], separator: &str) -> String {
    messages.iter().map(tr_message).collect::<Vec<_>>().join(separator)
}

/// A number argument shown with exactly `decimals` fraction digits.
#[must_use]
pub fn num(value: f64, decimals: usize) -> FluentValue<'static> {
    let options = FluentNumberOptions {
        minimum_fraction_digits: Some(decimals),
        maximum_fraction_digits: Some(decimals),
        ..FluentNumberOptions::default()
    };
    FluentValue::Number(FluentNumber::new(value, options))
}

/// Fluent's hook for writing values: numbers get grouped thousands.
fn format_value<M>(value: &FluentValue<'_>, _: &M) -> Option<String> {
    match value {
        FluentValue::Number(n) => Some(match n.options.maximum_fraction_digits {
            Some(decimals) => format_number(n.value, decimals),
            None => format_shortest(n.value),
        }),
        _ => None,
    }
}

/// `value` with `decimals` fraction digits and thousands grouped by commas
/// (1,234.5), as both languages write numbers.
#[must_use]
pub fn format_number(value: f64, decimals: usize) -> String {
    group_digits(&format!("{value:.decimals$}"))
}

/// `value` in its shortest exact form, thousands grouped (1,234.25; 12,000).
fn format_shortest(value: f64) -> String {
    group_digits(&value.to_string())
}

/// Insert a comma every three digits of the integer part of a plain decimal.
#[must_use]
pub fn group_digits(plain: &str) -> String {
    let (sign, rest) = plain.strip_prefix('-').map_or(("", plain), |r| ("-", r));
    let (int, frac) = rest.split_once('.').map_or((rest, None), |(i, f)| (i, Some(f)));
    if !int.bytes().all(|b| b.is_ascii_digit()) {
        // inf, NaN: nothing to group.
        return plain.to_owned();
    }
    let mut out = String::with_capacity(plain.len() + int.len() / 3);
    out.push_str(sign);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// The syntax errors of a catalogue, one line each (empty when it parses).
#[must_use]
pub fn parse_errors(source: &str) -> Vec<String> {
    match FluentResource::try_new(source.to_owned()) {
        Ok(_) => Vec::new(),
        Err((_, errors)) => errors.iter().map(|e| format!("{e:?}")).collect(),
    }
}

/// The message keys of a catalogue (terms and comments left out), in file order.
#[must_use]
pub fn keys(source: &str) -> Vec<String> {
    let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(partial, _)| partial);
    resource
        .entries()
        .filter_map(|entry| match entry {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_in_thousands() {
        assert_eq!(format_number(1234.5, 1), "1,234.5");
        assert_eq!(format_number(-1_234_567.0, 0), "-1,234,567");
        assert_eq!(format_number(999.0, 2), "999.00");
        assert_eq!(format_shortest(12000.0), "12,000");
        assert_eq!(format_number(f64::INFINITY, 1), "inf");
    }

    #[test]
    fn locales_pick_the_language() {
        let env = |all: &'static str, lang: &'static str| {
            move |k: &str| match k {
                "LC_ALL" => Some(all.to_owned()),
                "LANG" => Some(lang.to_owned()),
                _ => None,
            }
        };
        assert_eq!(Lang::from_env_with(env("", "zh_CN.UTF-8")), Lang::ZhCn);
        assert_eq!(Lang::from_env_with(env("C", "zh_CN.UTF-8")), Lang::En);
        assert_eq!(Lang::from_env_with(env("zh_TW", "en_US")), Lang::ZhCn);
        assert_eq!(Lang::from_env_with(|_| None), Lang::En);
        assert_eq!(Lang::from_code("zh-CN"), Some(Lang::ZhCn));
        assert_eq!(Lang::from_code("fr"), None);
    }
}
