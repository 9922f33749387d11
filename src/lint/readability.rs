//! Readability: a Flesch–Kincaid grade level per section, and sentences
//! that are too long to follow.
//!
//! Flesch–Kincaid grade = 0.39 × (words ÷ sentences) + 11.8 × (syllables ÷
//! words) − 15.59: roughly the US school grade a reader needs. Syllables are
//! counted by a rule of thumb, not a dictionary (see [`syllables`]), so a
//! grade is an estimate; it is good at telling plain text from dense text.

/// Sections with fewer words than this get no grade: a score over a line or
/// two says more about chance than about the text.
pub(crate) const MIN_WORDS: usize = 40;

/// Counts for a stretch of text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub sentences: usize,
    pub words: usize,
    pub syllables: usize,
}

impl Counts {
    /// Adds another stretch.
    pub(crate) fn add(&mut self, other: Counts) {
        self.sentences += other.sentences;
        self.words += other.words;
        self.syllables += other.syllables;
    }

    /// The Flesch–Kincaid grade level (0 for no text).
    pub(crate) fn grade(&self) -> f64 {
        if self.words == 0 || self.sentences == 0 {
            return 0.0;
        }
        0.39 * (self.words as f64 / self.sentences as f64)
            + 11.8 * (self.syllables as f64 / self.words as f64)
            - 15.59
    }
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// Syllables in a word, by rule of thumb: count groups of vowels (`y`
/// included); a final silent `e` does not count (but `-le` after a consonant
/// does, as in "simple"); `-es` and `-ed` endings do not count unless after
/// `t`/`d` (for `-ed`) or a hissing sound (for `-es`: `boxes`, `changes`).
/// Words of three letters or fewer, and words with no letters (numbers),
/// count one. Joined words (`sign-in`) count part by part; a placeholder
/// counts as a two-syllable name.
pub(crate) fn syllables(word: &str) -> usize {
    if word.starts_with("{{") {
        return 2;
    }
    let mut total = 0;
    let mut letters = false;
    let mut part: Vec<char> = Vec::with_capacity(16);
    for c in word.chars().chain([' ']) {
        if c.is_alphabetic() {
            part.extend(c.to_lowercase());
            letters = true;
        } else if !part.is_empty() {
            total += part_syllables(&part);
            part.clear();
        }
    }
    if letters {
        total
    } else {
        1
    }
}

fn part_syllables(chars: &[char]) -> usize {
    let n = chars.len();
    let ends_with = |end: &str| {
        end.chars().count() <= n
            && end
                .chars()
                .rev()
                .zip(chars.iter().rev())
                .all(|(a, b)| a == *b)
    };
    if n <= 3 {
        return 1;
    }
    let mut count: usize = 0;
    let mut prev = false;
    for &c in chars {
        let v = is_vowel(c);
        if v && !prev {
            count += 1;
        }
        prev = v;
    }
    let before = chars[n - 3];
    // "simple", "people": a -le after a consonant is its own syllable.
    let syllabic_le = ends_with("le") && !is_vowel(before);
    let silent_e = ends_with("e") && !ends_with("ee") && !is_vowel(chars[n - 2]);
    let silent_ed = ends_with("ed") && !matches!(before, 't' | 'd') && !is_vowel(before);
    let silent_es = ends_with("es")
        && !matches!(before, 's' | 'x' | 'z' | 'c' | 'g')
        && !ends_with("ches")
        && !ends_with("shes")
        && !is_vowel(before);
    if !syllabic_le && (silent_e || silent_ed || silent_es) {
        count = count.saturating_sub(1);
    }
    count.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_syllables_of_common_words() {
        for (word, n) in [
            ("the", 1),
            ("make", 1),
            ("files", 1),
            ("called", 1),
            ("simple", 2),
            ("people", 2),
            ("boxes", 2),
            ("changes", 2),
            ("wanted", 2),
            ("computer", 3),
            ("ransomware", 3),
            ("everyone", 3),
            ("immediately", 5),
            ("sign-in", 2),
            ("72", 1),
            ("{{ provider }}", 2),
        ] {
            assert_eq!(syllables(word), n, "{word}");
        }
    }

    #[test]
    fn grade_follows_the_formula() {
        // 10 words, 1 sentence, 15 syllables: 0.39 × 10 + 11.8 × 1.5 − 15.59.
        let c = Counts {
            sentences: 1,
            words: 10,
            syllables: 15,
        };
        assert!((c.grade() - 6.01).abs() < 1e-9, "{}", c.grade());
        assert_eq!(Counts::default().grade(), 0.0);
    }
}
