//! Input rules for user-supplied fields, reported as field violations (one per bad field).

/// One field that failed validation, with a sentence a person can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldViolation {
    pub field: String,
    pub description: String,
}

/// Collects every violation of a request, so all bad fields are reported at once.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
#[error("invalid input: {}", .0.iter().map(|v| format!("{}: {}", v.field, v.description)).collect::<Vec<_>>().join("; "))]
pub struct Violations(pub Vec<FieldViolation>);

impl Violations {
    pub fn new() -> Self {
        Self::default()
    }

    /// A single violation.
    pub fn one(field: &str, description: impl Into<String>) -> Self {
        let mut v = Self::new();
        v.add(field, description);
        v
    }

    pub fn add(&mut self, field: &str, description: impl Into<String>) {
        self.0.push(FieldViolation {
            field: field.to_owned(),
            description: description.into(),
        });
    }

    /// Runs a check and records its failure under `field`, returning the accepted value.
    pub fn check<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(description) => {
                self.add(field, description);
                None
            }
        }
    }

    /// The same violations with their fields under `parent` (`range.from` → `compare.range.from`).
    pub fn nested(self, parent: &str) -> Violations {
        Violations(
            self.0
                .into_iter()
                .map(|v| FieldViolation {
                    field: format!("{parent}.{}", v.field),
                    description: v.description,
                })
                .collect(),
        )
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when nothing was recorded.
    pub fn into_result(self) -> Result<(), Violations> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }

    /// The violations as a caller is told them: at most `MAX_REPORTED`, then one that counts
    /// the rest, each field and description cut to `MAX_REPORTED_CHARS`. An error travels in
    /// HTTP/2 trailers, which clients refuse beyond a few kilobytes.
    pub fn reported(self) -> Violations {
        let total = self.0.len();
        let mut out: Vec<FieldViolation> = self
            .0
            .into_iter()
            .take(MAX_REPORTED)
            .map(|v| FieldViolation {
                field: shorten(v.field, MAX_REPORTED_CHARS),
                description: shorten(v.description, MAX_REPORTED_CHARS),
            })
            .collect();
        if total > MAX_REPORTED {
            out.push(FieldViolation {
                field: "request".into(),
                description: format!("and {} more fields are invalid", total - MAX_REPORTED),
            });
        }
        Violations(out)
    }
}

/// Most field violations one error reports.
pub const MAX_REPORTED: usize = 20;
/// Longest field name or description one error reports, in characters.
pub const MAX_REPORTED_CHARS: usize = 200;

/// `text` cut to `max_chars` characters, with `…` when something was cut.
pub fn shorten(text: String, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

pub const PASSWORD_MIN_CHARS: usize = 10;
pub const PASSWORD_MAX_CHARS: usize = 128;
pub const EMAIL_MAX_CHARS: usize = 254;
pub const NAME_MAX_CHARS: usize = 80;

fn has_control(s: &str) -> bool {
    s.chars().any(|c| c.is_control() || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}'))
}

/// Normalizes and checks an email address: trimmed, lower-cased, one `@`, a dotted domain,
/// ASCII only, at most 254 characters.
pub fn email(raw: &str) -> Result<String, String> {
    let email = raw.trim().to_ascii_lowercase();
    if email.is_empty() {
        return Err("is required".into());
    }
    if email.chars().count() > EMAIL_MAX_CHARS {
        return Err(format!("must be at most {EMAIL_MAX_CHARS} characters"));
    }
    let well_formed = email.is_ascii()
        && !has_control(&email)
        && !email.contains(char::is_whitespace)
        && match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains("..")
            }
            None => false,
        };
    if well_formed {
        Ok(email)
    } else {
        Err("must be an email address like name@example.com".into())
    }
}

/// Checks a new password: 10 to 128 characters, no control characters. Not trimmed.
pub fn password(raw: &str) -> Result<String, String> {
    let chars = raw.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        return Err(format!("must be at least {PASSWORD_MIN_CHARS} characters"));
    }
    if chars > PASSWORD_MAX_CHARS {
        return Err(format!("must be at most {PASSWORD_MAX_CHARS} characters"));
    }
    if has_control(raw) {
        return Err("must not contain control characters".into());
    }
    Ok(raw.to_owned())
}

/// Checks a display name, workspace name or token name: trimmed, 1 to 80 characters, printable.
pub fn name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() {
        return Err("is required".into());
    }
    if name.chars().count() > NAME_MAX_CHARS {
        return Err(format!("must be at most {NAME_MAX_CHARS} characters"));
    }
    if has_control(name) {
        return Err("must not contain control or invisible formatting characters".into());
    }
    Ok(name.to_owned())
}

/// Checks an IANA time zone name such as `Europe/Berlin` against the tz database.
#[cfg(feature = "tz")]
pub fn time_zone(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    match raw.parse::<chrono_tz::Tz>() {
        Ok(tz) => Ok(tz.name().to_owned()),
        Err(_) if raw.is_empty() => Err("is required".into()),
        Err(_) => Err("must be an IANA time zone name such as Europe/Berlin".into()),
    }
}

/// Checks an id that must be a UUID in its hyphenated form.
pub fn uuid_text(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    let ok = raw.len() == 36
        && raw.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        });
    if raw.is_empty() {
        Err("is required".into())
    } else if ok {
        Ok(raw.to_ascii_lowercase())
    } else {
        Err("must be an id as returned by the API".into())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_reported_error_stays_small() {
        let mut v = super::Violations::new();
        for i in 0..1000 {
            v.add(&format!("ids[{i}]"), "é".repeat(5000));
        }
        let reported = v.reported();
        assert_eq!(reported.0.len(), super::MAX_REPORTED + 1);
        assert_eq!(reported.0[0].field, "ids[0]");
        assert_eq!(
            reported.0[0].description.chars().count(),
            super::MAX_REPORTED_CHARS + 1
        );
        assert_eq!(
            reported.0[20].description,
            "and 980 more fields are invalid"
        );
        assert!(reported.to_string().len() < 16 * 1024);
    }

    use super::*;
    use proptest::prelude::*;
    use rstest::rstest;

    #[rstest]
    #[case(" Ana@Example.COM ", Some("ana@example.com"))]
    #[case("", None)]
    #[case("no-at-sign", None)]
    #[case("a@b", None)]
    #[case("a@@b.com", None)]
    #[case("a b@c.com", None)]
    #[case("ä@ex.com", None)]
    #[case("a@.com", None)]
    #[case("a@b..com", None)]
    fn email_rules(#[case] input: &str, #[case] expected: Option<&str>) {
        assert_eq!(email(input).ok().as_deref(), expected);
    }

    #[test]
    fn nested_violations_name_the_field_under_its_parent() {
        let mut v = Violations::one("range.from", "must be a day");
        v.add("metric", "is not a known metric");
        let fields: Vec<String> = v.nested("compare").0.into_iter().map(|f| f.field).collect();
        assert_eq!(fields, ["compare.range.from", "compare.metric"]);
    }

    #[test]
    fn email_length_is_bounded() {
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(email(&long).is_err());
    }

    #[rstest]
    #[case("short", false)]
    #[case("long enough pw", true)]
    #[case("ten chars!", true)]
    #[case("bell\u{7}bell\u{7}bell", false)]
    fn password_rules(#[case] input: &str, #[case] ok: bool) {
        assert_eq!(password(input).is_ok(), ok);
    }

    #[test]
    fn password_counts_characters_not_bytes() {
        assert!(password(&"é".repeat(10)).is_ok());
        assert!(password(&"é".repeat(129)).is_err());
    }

    #[rstest]
    #[case("  Team  ", Some("Team"))]
    #[case("", None)]
    #[case("   ", None)]
    #[case("a\u{202e}b", None)]
    #[case("line\nbreak", None)]
    #[case("Équipe 東京 🎬", Some("Équipe 東京 🎬"))]
    fn name_rules(#[case] input: &str, #[case] expected: Option<&str>) {
        assert_eq!(name(input).ok().as_deref(), expected);
    }

    #[cfg(feature = "tz")]
    #[rstest]
    #[case("Europe/Berlin", true)]
    #[case("UTC", true)]
    #[case("Mars/Olympus", false)]
    #[case("", false)]
    fn time_zone_rules(#[case] input: &str, #[case] ok: bool) {
        assert_eq!(time_zone(input).is_ok(), ok);
    }

    #[test]
    fn uuid_rules() {
        assert!(uuid_text("67e55044-10b1-426f-9247-bb680e5fe0c8").is_ok());
        assert!(uuid_text("67e55044-10b1-426f-9247-bb680e5fe0cx").is_err());
        assert!(uuid_text("not-a-uuid").is_err());
    }

    #[test]
    fn violations_collect_every_field() {
        let mut v = Violations::new();
        v.check("email", email("bad"));
        v.check("password", password("x"));
        assert_eq!(v.0.len(), 2);
        assert!(v.into_result().is_err());
    }

    proptest! {
        #[test]
        fn validators_never_panic(s in ".*") {
            let _ = email(&s);
            let _ = password(&s);
            let _ = name(&s);
            let _ = uuid_text(&s);
        }

        #[test]
        fn accepted_names_are_trimmed(s in "\\PC{1,100}") {
            if let Ok(n) = name(&s) {
                prop_assert_eq!(n.trim(), n.as_str());
                prop_assert!(n.chars().count() <= NAME_MAX_CHARS);
            }
        }
    }
}
