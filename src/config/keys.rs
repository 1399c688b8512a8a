//! Unknown keys of daybook.yml: serde's message with the key that was meant.

/// serde's "unknown field `strcit_since`, expected one of `notes`, ..." as
/// "unknown field `strcit_since`; did you mean `strict_since`?" when one of the
/// keys it lists is a likely typo fix: the list of twelve keys hides the one
/// that was meant. Any other message is returned as it is.
pub(super) fn suggest_known_key(message: &str) -> String {
    const UNKNOWN: &str = "unknown field `";
    const EXPECTED: &str = ", expected ";
    let Some(start) = message.find(UNKNOWN) else { return message.to_owned() };
    let name_at = start + UNKNOWN.len();
    let Some(name_len) = message[name_at..].find('`') else { return message.to_owned() };
    let name = &message[name_at..name_at + name_len];
    let after_name = name_at + name_len + 1;
    let Some(list) = message[after_name..].strip_prefix(EXPECTED) else { return message.to_owned() };
    // The list ends where the parser's location (" at line 3 column 3") begins.
    let list_len = list.find(" at line ").unwrap_or(list.len());
    let expected: Vec<&str> = list[..list_len].split('`').skip(1).step_by(2).collect();
    match crate::suggest::did_you_mean(name, expected) {
        Some(key) => format!("{}; did you mean `{key}`?{}", &message[..after_name], &list[list_len..]),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::suggest_known_key;
    use crate::config::Config;
    use crate::error::Error;

    #[test]
    fn a_misspelt_key_gets_a_suggestion_at_its_line() {
        let err = |yaml: &str| match Config::from_yaml(yaml, Path::new("daybook.yml")).unwrap_err() {
            Error::Config(e) => (e.line, e.message),
            err => panic!("{err:?}"),
        };
        let (line, msg) = err("notes:\n  root: notes\nstrcit_since: 2021-04-25\n");
        assert_eq!(line, 3, "{msg}");
        assert!(msg.contains("unknown field `strcit_since`; did you mean `strict_since`?"), "{msg}");
        assert!(!msg.contains("expected"), "the long list gives way to the suggestion: {msg}");
        let (line, msg) = err("links:\n  timeout: 10s\n  exlude: ['x']\n");
        assert_eq!(line, 3, "{msg}");
        assert!(msg.contains("unknown field `exlude`; did you mean `exclude`?"), "{msg}");
        let (line, msg) = err("notes:\n  root: notes\ntemplte: \"# {{ title }}\"\n");
        assert_eq!(line, 3, "{msg}");
        assert!(msg.contains("did you mean `template`?"), "{msg}");
        // Nothing close: serde's list of the keys stays.
        let (_, msg) = err("weather: sunny\n");
        assert!(msg.contains("unknown field `weather`, expected one of"), "{msg}");
        assert!(!msg.contains("did you mean"), "{msg}");
    }

    #[test]
    fn suggestions_keep_what_surrounds_serdes_message() {
        let m = "links: unknown field `exlude`, expected `include` or `exclude` at line 3 column 3";
        assert_eq!(
            suggest_known_key(m),
            "links: unknown field `exlude`; did you mean `exclude`? at line 3 column 3"
        );
        assert_eq!(suggest_known_key("invalid type: string"), "invalid type: string");
        assert_eq!(
            suggest_known_key("unknown field `x`, there are no fields"),
            "unknown field `x`, there are no fields"
        );
    }
}
