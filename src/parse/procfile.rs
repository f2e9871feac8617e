//! Procfiles (Heroku, Dokku, foreman/honcho): `process_type: command` lines, `#` comments.

use std::ops::Range;

/// Each process line's name and command, as byte ranges of the text (the command trimmed).
pub fn parse(text: &str) -> Vec<(Range<usize>, Range<usize>)> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let offset = start;
        start += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let lead = body.len() - body.trim_start().len();
        let rest = &body[lead..];
        if rest.is_empty() || rest.starts_with('#') {
            continue;
        }
        let Some(colon) = rest.find(':') else { continue };
        let name = &rest[..colon];
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
            continue;
        }
        let after = &rest[colon + 1..];
        let cmd = after.trim();
        if cmd.is_empty() {
            continue;
        }
        let name_start = offset + lead;
        let cmd_start = name_start + colon + 1 + (after.len() - after.trim_start().len());
        out.push((name_start..name_start + colon, cmd_start..cmd_start + cmd.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_process_lines() {
        let text = "# comment\nweb: gunicorn config.wsgi --bind 0.0.0.0:$PORT\r\n\n  worker:celery -A x worker  \nbad line\n:x\n";
        let lines = parse(text);
        let shown: Vec<(&str, &str)> = lines.iter().map(|(n, c)| (&text[n.clone()], &text[c.clone()])).collect();
        assert_eq!(shown, vec![("web", "gunicorn config.wsgi --bind 0.0.0.0:$PORT"), ("worker", "celery -A x worker")]);
    }
}
