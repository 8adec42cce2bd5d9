//! English stemming as a tantivy token filter.
//!
//! tantivy's own `Stemmer` filter turns on frostem's stemmers for eighteen languages, about 100 KB of wasm that
//! Familiar never runs; this filter links only the English Snowball algorithm. Same algorithm, same stems, so
//! indexes saved before and after are interchangeable.

use std::borrow::Cow;

use frostem::{Algorithm, Stemmer};
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Replaces each token's text with its English (Snowball/Porter2) stem. Expects lowercase input.
#[derive(Clone, Copy)]
pub struct EnglishStemmer;

impl TokenFilter for EnglishStemmer {
    type Tokenizer<T: Tokenizer> = EnglishStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> EnglishStemmerFilter<T> {
        EnglishStemmerFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
pub struct EnglishStemmerFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for EnglishStemmerFilter<T> {
    type TokenStream<'a> = EnglishStemmerStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        EnglishStemmerStream {
            tail: self.inner.token_stream(text),
            stemmer: Stemmer::new(Algorithm::English),
        }
    }
}

pub struct EnglishStemmerStream<T> {
    tail: T,
    stemmer: Stemmer,
}

impl<T: TokenStream> TokenStream for EnglishStemmerStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        // A borrowed result means the word is its own stem: nothing to replace.
        if let Cow::Owned(stem) = self.stemmer.stem(&token.text) {
            token.text = stem;
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, TextAnalyzer};

    use super::EnglishStemmer;

    fn stems(text: &str) -> Vec<String> {
        let mut analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(EnglishStemmer)
            .build();
        let mut stream = analyzer.token_stream(text);
        let mut words = Vec::new();
        while let Some(token) = stream.next() {
            words.push(token.text.clone());
        }
        words
    }

    #[test]
    fn stems_each_word_and_keeps_words_that_are_their_own_stem() {
        assert_eq!(
            stems("Flanking creatures are Frightened, grabbed and running"),
            ["flank", "creatur", "are", "frighten", "grab", "and", "run"]
        );
    }

    #[test]
    fn keeps_token_positions_and_offsets() {
        let mut analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(EnglishStemmer)
            .build();
        let mut stream = analyzer.token_stream("strikes hit");
        let mut seen = Vec::new();
        while let Some(token) = stream.next() {
            seen.push((
                token.text.clone(),
                token.position,
                token.offset_from,
                token.offset_to,
            ));
        }
        assert_eq!(
            seen,
            [
                ("strike".to_string(), 0, 0, 7),
                ("hit".to_string(), 1, 8, 11)
            ]
        );
    }
}
