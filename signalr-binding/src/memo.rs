//! [`Memo`]: a value prepared once per distinct value of a setting.

use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, PoisonError, RwLock};

/// The value last prepared from a setting, with the setting's text it was prepared from.
///
/// A binding prepares its connection string (parsed, key schedule ready) and its verification
/// key (PEM or JWKS decoded) from settings that are read on every request. Preparing is costly
/// and the value rarely changes, so the last result is kept and reused while the setting's
/// text stays the same; a changed text is prepared again on the next request.
pub(crate) struct Memo<T>(RwLock<Option<Arc<Memoized<T>>>>);

/// A prepared value and the setting's text it was made from (which may be a secret: the
/// `Debug` of neither is printed).
pub(crate) struct Memoized<T> {
    source: Box<str>,
    value: T,
}

impl<T> Deref for Memoized<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

/// Shows the value only: the source may be a secret.
impl<T: fmt::Debug> fmt::Debug for Memoized<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<T> Memo<T> {
    /// An empty memo.
    pub(crate) const fn new() -> Self {
        Self(RwLock::new(None))
    }

    /// The value prepared from `source`: the kept one when it was made from the same text,
    /// else `prepare(source)`, kept for the next call.
    pub(crate) fn get_or_prepare<E>(
        &self,
        source: &str,
        prepare: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Arc<Memoized<T>>, E> {
        {
            let kept = self.0.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(memoized) = kept.as_ref().filter(|m| *m.source == *source) {
                return Ok(Arc::clone(memoized));
            }
        }
        let memoized = Arc::new(Memoized {
            value: prepare(source)?,
            source: source.into(),
        });
        *self.0.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::clone(&memoized));
        Ok(memoized)
    }
}

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// A clone shares the kept value.
impl<T> Clone for Memo<T> {
    fn clone(&self) -> Self {
        Self(RwLock::new(
            self.0
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
        ))
    }
}

impl<T> fmt::Debug for Memo<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kept = self
            .0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some();
        f.debug_struct("Memo").field("kept", &kept).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_text_is_prepared_once_and_a_changed_one_again() {
        let memo = Memo::new();
        let mut runs = 0;
        let mut prepare = |text: &str| {
            runs += 1;
            Ok::<_, ()>(text.len())
        };
        let first = memo.get_or_prepare("abc", &mut prepare).unwrap();
        let again = memo.get_or_prepare("abc", &mut prepare).unwrap();
        assert!(Arc::ptr_eq(&first, &again));
        let changed = memo.get_or_prepare("abcd", &mut prepare).unwrap();
        assert_eq!(**changed, 4);
        assert_eq!(runs, 2);
    }

    #[test]
    fn a_failure_is_not_kept() {
        let memo: Memo<usize> = Memo::new();
        assert_eq!(memo.get_or_prepare("x", |_| Err("bad")).unwrap_err(), "bad");
        assert_eq!(**memo.get_or_prepare("x", |_| Ok::<_, ()>(1)).unwrap(), 1);
        assert!(!format!("{memo:?}").contains('x'));
    }
}
