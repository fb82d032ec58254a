//! Reading gold data and scoring segmentations.
//!
//! Scores compare word spans over the non-space characters only, so tools that split
//! punctuation differently, or join syllables with "_" instead of " ", are compared fairly.

use std::collections::HashSet;

/// Sentences of a CoNLL-U text: each a list of words (FORM column, syllables separated by
/// spaces). Multi-word token ranges and empty nodes are skipped.
pub fn conllu_sentences(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut cur: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let mut cols = line.split('\t');
        let (Some(id), Some(form)) = (cols.next(), cols.next()) else {
            continue;
        };
        if id.contains('-') || id.contains('.') {
            continue;
        }
        cur.push(form.to_string());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Word counts for precision, recall and F1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Score {
    pub correct: usize,
    pub predicted: usize,
    pub gold: usize,
}

impl Score {
    pub fn add(&mut self, other: Score) {
        self.correct += other.correct;
        self.predicted += other.predicted;
        self.gold += other.gold;
    }

    pub fn precision(&self) -> f64 {
        self.correct as f64 / self.predicted.max(1) as f64
    }

    pub fn recall(&self) -> f64 {
        self.correct as f64 / self.gold.max(1) as f64
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// Character spans of words, counting non-whitespace characters only; "_" inside a word
/// counts as a syllable separator, not a character.
fn spans<'a>(words: impl IntoIterator<Item = &'a str>) -> Vec<(usize, usize)> {
    let mut pos = 0usize;
    let mut out = Vec::new();
    for w in words {
        let n = w
            .chars()
            .filter(|&c| !c.is_whitespace() && c != '_')
            .count();
        if n > 0 {
            out.push((pos, pos + n));
            pos += n;
        }
    }
    out
}

/// Scores predicted words against gold words of the same text.
pub fn score<'a, 'b>(
    gold: impl IntoIterator<Item = &'a str>,
    predicted: impl IntoIterator<Item = &'b str>,
) -> Score {
    let g = spans(gold);
    let p = spans(predicted);
    let gs: HashSet<(usize, usize)> = g.iter().copied().collect();
    Score {
        correct: p.iter().filter(|s| gs.contains(s)).count(),
        predicted: p.len(),
        gold: g.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_conllu() {
        let t = "# c\n1\tchủ tịch\t_\n2-3\tx\t_\n2\txã\t_\n\n1\ta\t_\n";
        assert_eq!(
            conllu_sentences(t),
            vec![vec!["chủ tịch".to_string(), "xã".into()], vec!["a".into()]]
        );
    }

    #[test]
    fn scores_spans() {
        let gold = ["chủ tịch", "xã", ","];
        let s = score(gold, ["chủ_tịch", "xã,"]);
        assert_eq!(
            s,
            Score {
                correct: 1,
                predicted: 2,
                gold: 3
            }
        );
        assert_eq!(score(gold, gold).f1(), 1.0);
    }
}
