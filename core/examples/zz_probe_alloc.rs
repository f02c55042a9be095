#[path = "../benches/shapes/mod.rs"]
mod shapes;
use hsmnet_core::rules::{Context, ALL};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
struct Counting;
static TOTAL: AtomicUsize = AtomicUsize::new(0);
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        TOTAL.fetch_add(layout.size(), Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}
#[global_allocator]
static A: Counting = Counting;
fn main() {
    for shape in shapes::ALL.iter().filter(|s| s.name.starts_with("front")) {
        for n in [3000usize, 6000] {
            let d = (shape.build)(n);
            let cx = Context::new(&d);
            for rule in ALL {
                let before = TOTAL.load(Relaxed);
                let mut out = Vec::new();
                (rule.check)(&cx, &mut out);
                let used = TOTAL.load(Relaxed) - before;
                if used > 20_000_000 {
                    println!(
                        "{} {n} {} {used} findings={} fixes={}",
                        shape.name,
                        rule.name,
                        out.len(),
                        out.iter().filter(|f| f.fix.is_some()).count()
                    );
                }
            }
        }
    }
}
