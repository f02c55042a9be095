//! One stable sort for the whole core. Rust's sorts are generic: every element type and key
//! closure compiles its own copy of the sort, 3–4 KB each in the browser's wasm. Sorting
//! `(key, position)` pairs instead shares a single copy among all the callers.

/// Sorts `items` by `key`, keeping items with equal keys in their order: the same result as
/// `items.sort_by_key(key)`.
pub(crate) fn stable_by_key<T>(items: &mut Vec<T>, key: impl Fn(&T) -> u64) {
    let mut order: Vec<(u64, usize)> = items.iter().map(key).zip(0..).collect();
    // Positions make every pair distinct, so the unstable sort keeps equal keys in order.
    order.sort_unstable();
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.into_iter().filter_map(|(_, i)| slots[i].take()));
}

/// Two 32-bit keys as one, ordered by `high` and then by `low`.
pub(crate) fn pair(high: u32, low: u32) -> u64 {
    (u64::from(high) << 32) | u64::from(low)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_by_key_and_keeps_equal_keys_in_order() {
        let mut items = vec![(3, 'a'), (1, 'b'), (3, 'c'), (0, 'd'), (1, 'e'), (3, 'f')];
        let mut expected = items.clone();
        expected.sort_by_key(|&(k, _)| k);
        stable_by_key(&mut items, |&(k, _)| k);
        assert_eq!(items, expected);
        assert_eq!(items.iter().map(|&(_, c)| c).collect::<String>(), "dbeacf");
    }

    #[test]
    fn pairs_order_by_high_then_low() {
        assert!(pair(1, 0) > pair(0, u32::MAX));
        assert!(pair(2, 5) < pair(2, 6));
        assert_eq!(pair(0, 7), 7);
    }

    #[test]
    fn empty_and_single_lists_are_left_alone() {
        let mut empty: Vec<u8> = Vec::new();
        stable_by_key(&mut empty, |&x| u64::from(x));
        assert!(empty.is_empty());
        let mut one = vec![9u8];
        stable_by_key(&mut one, |&x| u64::from(x));
        assert_eq!(one, vec![9]);
    }
}
