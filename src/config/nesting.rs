//! The nesting limit of daybook.yml, checked before the YAML parser sees it.

/// Deepest nesting of mappings and sequences daybook.yml may use (its own
/// schema needs five or six).
pub(super) const MAX_NESTING: usize = 32;

/// `Err(offset)` where `text` first nests collections deeper than
/// [`MAX_NESTING`], block (indentation, `- `) and flow (`[`, `{`) levels
/// together. One linear pass, run before the YAML parser, whose time grows
/// much faster than the depth. Quoted strings, comments and block scalars (the
/// README templates) are skipped, so brackets inside them do not count.
pub(super) fn check_nesting(text: &str) -> Result<(), usize> {
    let mut indents: Vec<usize> = Vec::new();
    let mut flow = 0usize;
    // Inside a `|` / `>` block scalar: lines indented deeper than this are text.
    let mut scalar_above: Option<usize> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_start_matches(' ');
        let indent = body.len() - trimmed.len();
        if trimmed.is_empty() || (flow == 0 && trimmed.starts_with('#')) {
            continue;
        }
        if let Some(above) = scalar_above {
            if indent > above {
                continue;
            }
            scalar_above = None;
        }
        let mut rest = trimmed;
        if flow == 0 {
            while indents.last().is_some_and(|&top| top >= indent) {
                indents.pop();
            }
            indents.push(indent);
            // `- - x` opens one sequence per dash.
            let mut dashes = 0;
            while let Some(r) = rest.strip_prefix("- ").or_else(|| (rest == "-").then_some("")) {
                dashes += 1;
                rest = r.trim_start_matches(' ');
            }
            if indents.len() + dashes > MAX_NESTING {
                return Err(start + indent);
            }
        }
        let base = if flow == 0 { indents.len() } else { 0 };
        let (mut quote, mut prev) = (None::<char>, ' ');
        let mut chars = rest.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match quote {
                Some('"') if c == '\\' => {
                    chars.next();
                }
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None => match c {
                    '"' | '\'' if matches!(prev, ' ' | '\t' | ':' | ',' | '[' | '{' | '-' | '?') => {
                        quote = Some(c)
                    }
                    '#' if prev == ' ' || prev == '\t' => break,
                    '[' | '{' if flow > 0 || matches!(prev, ' ' | '\t' | ':' | '-' | ',' | '?') => {
                        flow += 1;
                        if base + flow > MAX_NESTING {
                            return Err(start + (body.len() - rest.len()) + i);
                        }
                    }
                    ']' | '}' if flow > 0 => flow -= 1,
                    _ => {}
                },
            }
            prev = c;
        }
        if flow == 0 && quote.is_none() {
            let value = rest.split(" #").next().unwrap_or("").trim_end();
            let indicator = value.rsplit(' ').next().unwrap_or("");
            if indicator.starts_with(['|', '>'])
                && indicator[1..].chars().all(|c| matches!(c, '-' | '+' | '1'..='9'))
            {
                scalar_above = Some(indent);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::check_nesting;
    use crate::config::Config;
    use crate::error::Error;

    /// A pull request's daybook.yml of 100,000 nested flow sequences took
    /// 33 s in the YAML parser before its type error: it is refused up front.
    #[test]
    fn deep_nesting_is_refused_before_parsing_at_its_line() {
        let deep = format!("# deep\nnotes: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let err = Config::from_yaml(&deep, Path::new("daybook.yml")).unwrap_err();
        let Error::Config(e) = err else { panic!("{err:?}") };
        assert_eq!(e.line, 2, "{}", e.message);
        assert!(e.message.contains("nested more than 32 levels"), "{}", e.message);
        // Brackets inside quotes, comments and plain scalars of ordinary configs still load.
        let fine = "title:\n  pattern: \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[{yyyy}-{mm}-{dd}\" # [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n";
        let r = Config::from_yaml(fine, Path::new("daybook.yml"));
        assert!(r.is_ok(), "{r:?}");
        let flow = |n: usize| format!("k: {}{}\n", "[".repeat(n), "]".repeat(n));
        assert_eq!(check_nesting(&flow(31)), Ok(()));
        assert_eq!(check_nesting(&flow(32)), Err(3 + 31));
        // Block nesting counts too: 40 levels of indented mappings.
        let block: String = (0..40).map(|i| format!("{}k{i}:\n", " ".repeat(i))).collect();
        let err = Config::from_yaml(&block, Path::new("daybook.yml")).unwrap_err();
        assert!(matches!(&err, Error::Config(e) if e.message.contains("nested")), "{err:?}");
    }
}
