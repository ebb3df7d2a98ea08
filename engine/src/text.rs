//! Text from a design made safe to show: names and messages may hold any
//! script, but a control character (an escape sequence, a newline in a name,
//! a bell) must never reach a terminal or break a table. Every printer, the
//! CLI's and the GUI's, shows user text through these helpers.

use std::borrow::Cow;

/// Whether `c` is a control character (C0, DEL or C1) that a terminal or a
/// table cell would act on instead of showing.
#[must_use]
pub fn is_control(c: char) -> bool {
    c.is_control()
}

/// `text` with every control character written as a visible escape
/// (`\n`, `\t`, `\u{1b}`), for a name in a table cell or a one-line message.
#[must_use]
pub fn printable(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

/// As [`printable`], but line breaks are kept: for multi-line messages built
/// by the program itself, whose lines may hold user text.
#[must_use]
pub fn printable_lines(text: &str) -> Cow<'_, str> {
    escape(text, true)
}

fn escape(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let keep = |c: char| keep_newlines && c == '\n';
    if !text.chars().any(|c| is_control(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !is_control(c) || keep(c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            _ => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_their_script_and_lose_their_controls() {
        assert_eq!(printable("订单服务 Заказы"), "订单服务 Заказы");
        assert!(matches!(printable("orders"), Cow::Borrowed(_)));
        assert_eq!(printable("a\u{1b}]0;pwned\u{7}b"), "a\\u{1b}]0;pwned\\u{7}b");
        assert_eq!(printable("x\u{1b}[2Jy"), "x\\u{1b}[2Jy");
        assert_eq!(printable("two\nlines\tand\rcr"), "two\\nlines\\tand\\rcr");
        // C1 controls (a single-byte CSI in some terminals) and DEL too.
        assert_eq!(printable("a\u{9b}31mb\u{7f}"), "a\\u{9b}31mb\\u{7f}");
    }

    #[test]
    fn messages_keep_their_line_breaks() {
        assert_eq!(printable_lines("first\nsecond \u{1b}[2J"), "first\nsecond \\u{1b}[2J");
    }
}
