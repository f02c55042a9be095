//! The project's one hasher, for every hash map and set: foldhash's fast hasher.
//!
//! Designs, share links and imported templates are hostile input, and their names become map
//! keys. foldhash seeds its hasher once per process from the addresses and, natively, the clock
//! it finds: not a cryptographic defence, but no longer a fixed function against which a file
//! can be built offline so that every key collides, as it could with FxHash. It is as fast as
//! FxHash on the short keys designs have. Iteration order is therefore not stable between runs:
//! nothing shown or written may depend on it (sort, or use a `BTreeMap`).

pub use foldhash::fast::RandomState;
/// The same hasher with a fixed seed, for a hash kept and compared later in the same run (a
/// drawn shape's key, a design's fingerprint): a new `RandomState` would hash differently.
pub use foldhash::fast::{FixedState, FoldHasher};
pub use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
