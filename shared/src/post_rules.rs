//! TikTok's rules for one post target, checked against the account's creator info before
//! anything is scheduled: privacy chosen from the offered options (no default), interactions the
//! creator disabled stay off, branded content is never private, the video fits the account's
//! longest duration, and the caption fits TikTok's limit in UTF-16 units.

use crate::validate::Violations;

/// Caption limit of a direct video post, in UTF-16 code units.
pub const VIDEO_CAPTION_MAX_UTF16: usize = 2200;
/// Title limit of a photo post, in UTF-16 code units.
pub const PHOTO_TITLE_MAX_UTF16: usize = 90;

/// What TikTok says the creator allows right now.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CreatorLimits {
    pub privacy_level_options: Vec<String>,
    pub comment_disabled: bool,
    pub duet_disabled: bool,
    pub stitch_disabled: bool,
    pub max_video_post_duration_sec: u32,
}

/// The per-account settings of one target.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TargetSettings {
    /// Empty means "not chosen": TikTok's rules forbid a default.
    pub privacy_level: String,
    pub allow_comment: bool,
    pub allow_duet: bool,
    pub allow_stitch: bool,
    pub brand_organic: bool,
    pub branded_content: bool,
    pub ai_generated: bool,
    /// Inbox drafts carry no caption or privacy.
    pub inbox_draft: bool,
    pub cover_frame_ms: u32,
}

/// Length as TikTok counts it.
/// The label TikTok shows on a post with a commercial-content disclosure, if any.
pub fn disclosure_label(brand_organic: bool, branded_content: bool) -> Option<&'static str> {
    if branded_content {
        Some("Your video will be labeled \"Paid partnership\".")
    } else if brand_organic {
        Some("Your video will be labeled \"Promotional content\".")
    } else {
        None
    }
}

/// The consent sentence TikTok requires next to the publish button.
pub fn consent_text(branded_content: bool) -> &'static str {
    if branded_content {
        "By posting, you agree to TikTok's Branded Content Policy and Music Usage Confirmation."
    } else {
        "By posting, you agree to TikTok's Music Usage Confirmation."
    }
}

/// Privacy levels a target may choose: branded content cannot be private.
pub fn allowed_privacy(options: &[String], branded_content: bool) -> Vec<String> {
    options
        .iter()
        .filter(|o| !(branded_content && *o == "SELF_ONLY"))
        .cloned()
        .collect()
}

pub fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// Checks one target; field names are prefixed with `prefix` (e.g. `targets[2].`).
/// Characters left in a video caption as TikTok counts them (negative when over).
pub fn caption_left(text: &str) -> i64 {
    VIDEO_CAPTION_MAX_UTF16 as i64 - utf16_len(text) as i64
}

/// A caption cut into runs of plain text and of tags (`#hashtag`, `@mention`), in order, for
/// highlighting: a tag is `#` or `@` at the start or after whitespace, followed by letters,
/// digits, `_` or `.`.
pub fn caption_runs(text: &str) -> Vec<(bool, &str)> {
    let mut runs = Vec::new();
    let (mut start, mut tag_from) = (0, None::<usize>);
    let mut previous = ' ';
    for (i, c) in text.char_indices() {
        let inside = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
        match tag_from {
            Some(from) if !inside(c) => {
                runs.push((true, &text[from..i]));
                (start, tag_from) = (i, None);
            }
            None if (c == '#' || c == '@') && previous.is_whitespace() => {
                if start < i {
                    runs.push((false, &text[start..i]));
                }
                tag_from = Some(i);
            }
            _ => {}
        }
        if tag_from.is_none() || c != '#' && c != '@' {
            previous = c;
        }
    }
    match tag_from {
        Some(from) => runs.push((true, &text[from..])),
        None if start < text.len() => runs.push((false, &text[start..])),
        None => {}
    }
    runs
}

pub fn check_target(
    prefix: &str,
    caption: &str,
    video_duration_sec: f64,
    settings: &TargetSettings,
    limits: &CreatorLimits,
) -> Result<(), Violations> {
    let mut v = Violations::new();
    let field = |name: &str| format!("{prefix}{name}");
    if !settings.inbox_draft {
        if settings.privacy_level.is_empty() {
            v.add(
                &field("privacy_level"),
                "must be chosen; TikTok allows no default",
            );
        } else if !limits
            .privacy_level_options
            .contains(&settings.privacy_level)
        {
            v.add(
                &field("privacy_level"),
                format!("must be one of {}", limits.privacy_level_options.join(", ")),
            );
        }
        if utf16_len(caption) > VIDEO_CAPTION_MAX_UTF16 {
            v.add(&field("caption"), format!("must be at most {VIDEO_CAPTION_MAX_UTF16} characters as TikTok counts them (UTF-16)"));
        }
        if settings.branded_content && settings.privacy_level == "SELF_ONLY" {
            v.add(&field("privacy_level"), "branded content cannot be private");
        }
    }
    for (allowed, disabled, name) in [
        (
            settings.allow_comment,
            limits.comment_disabled,
            "allow_comment",
        ),
        (settings.allow_duet, limits.duet_disabled, "allow_duet"),
        (
            settings.allow_stitch,
            limits.stitch_disabled,
            "allow_stitch",
        ),
    ] {
        if allowed && disabled {
            v.add(&field(name), "is turned off by the creator on TikTok");
        }
    }
    if f64::from(settings.cover_frame_ms) > video_duration_sec * 1000.0 {
        v.add(
            &field("cover_frame_ms"),
            "must be a moment within the video",
        );
    }
    if limits.max_video_post_duration_sec > 0
        && video_duration_sec > f64::from(limits.max_video_post_duration_sec)
    {
        v.add(
            &field("media"),
            format!(
                "the video is {:.0} s; this account may post at most {} s",
                video_duration_sec.ceil(),
                limits.max_video_post_duration_sec
            ),
        );
    }
    v.into_result()
}

#[cfg(test)]
mod tests {
    #[test]
    fn captions_split_into_text_and_tags() {
        assert_eq!(
            caption_runs("Fresh bread #baking with @ana.bakes!"),
            vec![
                (false, "Fresh bread "),
                (true, "#baking"),
                (false, " with "),
                (true, "@ana.bakes"),
                (false, "!")
            ]
        );
        assert_eq!(
            caption_runs("#one#two"),
            vec![(true, "#one"), (false, "#two")]
        );
        assert_eq!(
            caption_runs("mail me@example.com"),
            vec![(false, "mail me@example.com")]
        );
        assert_eq!(caption_runs(""), Vec::<(bool, &str)>::new());
        assert_eq!(
            caption_runs("café #crème"),
            vec![(false, "café "), (true, "#crème")]
        );
    }

    #[test]
    fn characters_left_count_utf16_units() {
        assert_eq!(caption_left(""), 2200);
        assert_eq!(caption_left("ab"), 2198);
        assert_eq!(caption_left("😀"), 2198, "an emoji is two UTF-16 units");
        assert_eq!(caption_left(&"x".repeat(2201)), -1);
    }

    use super::*;
    use rstest::rstest;

    fn limits() -> CreatorLimits {
        CreatorLimits {
            privacy_level_options: vec![
                "PUBLIC_TO_EVERYONE".into(),
                "MUTUAL_FOLLOW_FRIENDS".into(),
                "SELF_ONLY".into(),
            ],
            comment_disabled: false,
            duet_disabled: true,
            stitch_disabled: false,
            max_video_post_duration_sec: 180,
        }
    }

    fn ok_settings() -> TargetSettings {
        TargetSettings {
            privacy_level: "PUBLIC_TO_EVERYONE".into(),
            ..TargetSettings::default()
        }
    }

    fn fields(r: Result<(), Violations>) -> Vec<String> {
        r.err()
            .map(|v| v.0.into_iter().map(|f| f.field).collect())
            .unwrap_or_default()
    }

    #[test]
    fn disclosure_texts_follow_tiktoks_rules() {
        assert_eq!(disclosure_label(false, false), None);
        assert!(
            disclosure_label(true, false)
                .unwrap()
                .contains("Promotional content")
        );
        assert!(
            disclosure_label(true, true)
                .unwrap()
                .contains("Paid partnership")
        );
        assert!(consent_text(true).contains("Branded Content Policy"));
        assert!(!consent_text(false).contains("Branded Content Policy"));
        let options = limits().privacy_level_options;
        assert!(!allowed_privacy(&options, true).contains(&"SELF_ONLY".to_owned()));
        assert_eq!(allowed_privacy(&options, false), options);
    }

    #[test]
    fn a_valid_target_passes() {
        assert!(check_target("t.", "hello", 30.0, &ok_settings(), &limits()).is_ok());
    }

    #[rstest]
    #[case::no_default_privacy(TargetSettings::default(), "t.privacy_level")]
    #[case::privacy_not_offered(TargetSettings { privacy_level: "FOLLOWER_OF_CREATOR".into(), ..TargetSettings::default() }, "t.privacy_level")]
    #[case::disabled_duet_enabled(TargetSettings { allow_duet: true, ..ok_settings() }, "t.allow_duet")]
    #[case::private_branded(TargetSettings { privacy_level: "SELF_ONLY".into(), branded_content: true, ..TargetSettings::default() }, "t.privacy_level")]
    fn each_rule_names_its_field(#[case] settings: TargetSettings, #[case] field: &str) {
        assert_eq!(
            fields(check_target("t.", "", 10.0, &settings, &limits())),
            [field]
        );
    }

    #[test]
    fn the_cover_frame_lies_within_the_video() {
        let late = TargetSettings {
            cover_frame_ms: 10_001,
            ..ok_settings()
        };
        assert_eq!(
            fields(check_target("t.", "", 10.0, &late, &limits())),
            ["t.cover_frame_ms"]
        );
        let last = TargetSettings {
            cover_frame_ms: 10_000,
            ..ok_settings()
        };
        assert!(check_target("t.", "", 10.0, &last, &limits()).is_ok());
    }

    #[test]
    fn duration_and_caption_limits() {
        assert_eq!(
            fields(check_target("t.", "", 180.4, &ok_settings(), &limits())),
            ["t.media"]
        );
        let emoji_caption = "🎬".repeat(1101); // 2202 UTF-16 units, 1101 chars
        assert_eq!(
            fields(check_target(
                "t.",
                &emoji_caption,
                10.0,
                &ok_settings(),
                &limits()
            )),
            ["t.caption"]
        );
        assert!(check_target("t.", &"a".repeat(2200), 10.0, &ok_settings(), &limits()).is_ok());
    }

    #[test]
    fn inbox_drafts_need_no_privacy_but_keep_interaction_rules() {
        let draft = TargetSettings {
            inbox_draft: true,
            ..TargetSettings::default()
        };
        assert!(check_target("t.", "", 10.0, &draft, &limits()).is_ok());
        let draft_duet = TargetSettings {
            allow_duet: true,
            ..draft
        };
        assert_eq!(
            fields(check_target("t.", "", 10.0, &draft_duet, &limits())),
            ["t.allow_duet"]
        );
    }
}
