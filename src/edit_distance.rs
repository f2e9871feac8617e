//! Edit distance between short ASCII names (DJ033 finds misspelt setting names with it).

/// The optimal-string-alignment distance between `a` and `b`: the fewest insertions, deletions,
/// substitutions and transpositions of two adjacent characters that turn one into the other
/// (Damerau–Levenshtein, each substring edited at most once), or None when it is more than `max`.
/// Bytes are compared: the names it serves are ASCII.
pub fn edit_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let width = b.len() + 1;
    let mut before: Vec<usize> = vec![0; width];
    let mut prev: Vec<usize> = (0..width).collect();
    let mut cur: Vec<usize> = vec![0; width];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        // A row's minimum never falls below the previous row's (the transposition reads two rows
        // up, whose minimum is at most one less): past `max`, it stays past.
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    Some(prev[b.len()]).filter(|&d| d <= max)
}

#[cfg(test)]
mod tests {
    use super::edit_distance;

    #[test]
    fn distances() {
        let d = |a, b| edit_distance(a, b, usize::MAX).unwrap();
        assert_eq!(d("", ""), 0);
        assert_eq!(d("DEBUG", "DEBUG"), 0);
        assert_eq!(d("", "ABC"), 3);
        assert_eq!(d("CORS_ALLOWED_CREDENTIALS", "CORS_ALLOW_CREDENTIALS"), 2);
        assert_eq!(d("SECRUE", "SECURE"), 1, "a transposition is one edit");
        assert_eq!(d("KITTEN", "SITTING"), 3);
        assert_eq!(d("CA", "ABC"), 3, "optimal string alignment: no edit of a transposed pair");
        assert_eq!(d("SESSION_COOKIESECURE", "SESSION_COOKIE_SECURE"), 1);
        assert_eq!(edit_distance("STATIC_HOST", "STATIC_ROOT", 1), None);
        assert_eq!(edit_distance("STATIC_HOST", "STATIC_ROOT", 2), Some(2));
        assert_eq!(edit_distance("A", "ABCD", 2), None);
        assert_eq!(edit_distance("ABCDEFGH", "HGFEDCBA", 3), None);
    }
}
