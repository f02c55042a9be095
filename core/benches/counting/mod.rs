//! The system allocator, counting, for the tests and examples that measure memory (included
//! with `#[path]`, as `shapes` is): bytes live now, the most live since the last measure,
//! every byte handed out, and the number of allocations.

#![allow(dead_code)] // each includer reads its own subset of `Measured`

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

pub struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static TOTAL: AtomicUsize = AtomicUsize::new(0);
static CALLS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(live, Relaxed);
        TOTAL.fetch_add(layout.size(), Relaxed);
        CALLS.fetch_add(1, Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// What `work` allocated.
pub struct Measured {
    /// Bytes handed out in all.
    pub bytes: usize,
    /// The most bytes live at once, above what was live before.
    pub peak: usize,
    /// Bytes still live after it, above what was live before.
    pub kept: isize,
    pub allocations: usize,
}

/// What `work` allocates while it runs.
pub fn measure(work: impl FnOnce()) -> Measured {
    let before = LIVE.load(Relaxed);
    PEAK.store(before, Relaxed);
    let (total, calls) = (TOTAL.load(Relaxed), CALLS.load(Relaxed));
    work();
    Measured {
        bytes: TOTAL.load(Relaxed) - total,
        peak: PEAK.load(Relaxed) - before,
        kept: LIVE.load(Relaxed) as isize - before as isize,
        allocations: CALLS.load(Relaxed) - calls,
    }
}
