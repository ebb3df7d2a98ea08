//! A sentence the engine says to a person — a validation problem, a warning
//! of a run, the reason a run is unstable — kept with a key and its
//! arguments so that the GUI can say it in another language.
//!
//! The English sentence is written in the code, next to the rule that finds
//! the problem (the CLI, the JSON and the HTML report print it, byte for
//! byte as before); the other languages live in the GUI's catalogues under
//! the same key, with the same named arguments. [`msg!`](crate::msg) builds
//! both from one call, so the two cannot disagree on the values.
//!
//! In JSON a message is its English sentence, as it always was; a message
//! read back from JSON has no key and is shown in English.

use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One sentence with its catalogue key and named arguments.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Message {
    /// The English sentence.
    english: String,
    /// The catalogue key (`engine-…`), empty for a sentence read from JSON.
    key: &'static str,
    /// Named arguments, in the order the code gave them.
    args: Vec<(&'static str, Arg)>,
}

/// The value of a message's argument.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Arg {
    /// Text shown as it is in every language (a name, a number written with
    /// the precision the English sentence uses).
    Text(String),
    /// Sentences or phrases of their own, each said in the reader's
    /// language and joined by the separator (English `", "`, `"; "` or
    /// `" "`; other languages use their own punctuation for it).
    List(Vec<Message>, &'static str),
}

impl Message {
    /// A message; use [`msg!`](crate::msg) rather than calling this.
    #[must_use]
    pub fn new(key: &'static str, english: String, args: Vec<(&'static str, String)>) -> Self {
        Self { english, key, args: args.into_iter().map(|(name, value)| (name, Arg::Text(value))).collect() }
    }

    /// The argument `name` made of `parts` (whose English, joined by
    /// `separator`, the sentence already shows), so that each part is said
    /// in the reader's language too.
    #[must_use]
    pub fn with_list(mut self, name: &'static str, parts: Vec<Message>, separator: &'static str) -> Self {
        match self.args.iter_mut().find(|(n, _)| *n == name) {
            Some((_, value)) => *value = Arg::List(parts, separator),
            None => self.args.push((name, Arg::List(parts, separator))),
        }
        self
    }

    /// Sentences said one after the other (English joins them with a space).
    #[must_use]
    pub fn sentences(parts: Vec<Message>) -> Self {
        list(parts, " ")
    }

    /// A sentence with no key (read from a file, or made of other messages).
    #[must_use]
    pub fn untranslated(english: impl Into<String>) -> Self {
        Self { english: english.into(), key: "", args: Vec::new() }
    }

    /// The English sentence.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.english
    }

    /// The catalogue key, `None` when the message has none.
    #[must_use]
    pub fn key(&self) -> Option<&'static str> {
        (!self.key.is_empty()).then_some(self.key)
    }

    /// The named arguments, in the order the code gave them.
    #[must_use]
    pub fn args(&self) -> &[(&'static str, Arg)] {
        &self.args
    }
}

/// The English sentences of `messages` joined by `separator`.
#[must_use]
pub fn join(messages: &[Message], separator: &str) -> String {
    messages.iter().map(Message::as_str).collect::<Vec<_>>().join(separator)
}

/// Phrases or sentences as one message: English joins them by `separator`,
/// other languages by their own punctuation for it.
#[must_use]
pub fn list(parts: Vec<Message>, separator: &'static str) -> Message {
    Message { english: join(&parts, separator), key: "engine-list", args: vec![("items", Arg::List(parts, separator))] }
}

impl Deref for Message {
    type Target = str;

    fn deref(&self) -> &str {
        &self.english
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.english)
    }
}

impl PartialEq<str> for Message {
    fn eq(&self, other: &str) -> bool {
        self.english == other
    }
}

impl PartialEq<&str> for Message {
    fn eq(&self, other: &&str) -> bool {
        self.english == *other
    }
}

impl Serialize for Message {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.english)
    }
}

impl<'de> Deserialize<'de> for Message {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::untranslated)
    }
}

impl schemars::JsonSchema for Message {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Message".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        String::json_schema(generator)
    }
}

/// A [`Message`]: `msg!("engine-…", "English with {name}", name = value)`.
///
/// Each `name = value` is bound once and used twice: by the English format
/// string (which may name it, or any variable in scope) and as the argument
/// `$name` of the catalogue's sentence. Give numbers already formatted
/// (`share = format!("{:.0}", x * 100.0)`) so every language shows the same
/// digits.
#[macro_export]
macro_rules! msg {
    ($key:literal, $english:literal $(, $name:ident = $value:expr)* $(,)?) => {{
        $(
            #[allow(clippy::redundant_locals, reason = "`name = name` passes a variable as it is")]
            let $name = $value;
        )*
        $crate::message::Message::new(
            $key,
            format!($english),
            vec![$( (stringify!($name), ::std::string::ToString::to_string(&$name)) ),*],
        )
    }};
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::Message;

    #[test]
    fn a_message_is_its_english_sentence_in_json_and_keeps_its_arguments() {
        let m = crate::msg!("engine-test", "must be at least {min}, found {found}", min = 1, found = 3.5);
        assert_eq!(m.as_str(), "must be at least 1, found 3.5");
        assert_eq!(m.key(), Some("engine-test"));
        assert_eq!(
            m.args(),
            &[("min", super::Arg::Text("1".to_owned())), ("found", super::Arg::Text("3.5".to_owned()))]
        );
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, "\"must be at least 1, found 3.5\"");
        let back: Message = serde_json::from_str(&json).unwrap();
        assert_eq!(back.as_str(), m.as_str());
        assert_eq!(back.key(), None);
    }
}
