//! Text cells that a spreadsheet must show as text. A cell that starts with `=`, `+`, `-`, `@`,
//! a tab or a carriage return is read as a formula by Excel, LibreOffice and Google Sheets; a
//! caption that comes back from TikTok is user text and must not run. Following OWASP's advice on
//! CSV injection, such a cell gets a leading `'`, which spreadsheets hide.

use std::borrow::Cow;

const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `text` as a cell that no spreadsheet evaluates.
pub fn text_cell(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_quoted_and_the_rest_is_untouched() {
        for formula in ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=x", "\r=x"] {
            assert_eq!(text_cell(formula), format!("'{formula}"));
        }
        for plain in ["", "hello", "a=b", "#tag", "'quoted", "1-2"] {
            assert!(matches!(text_cell(plain), Cow::Borrowed(t) if t == plain));
        }
    }
}
