//! The allocator ba runs with: mimalloc, except for blocks of `HUGE` bytes or more, which come from
//! the system's allocator.
//!
//! Paths are allocated by the indexer and freed by the printer: glibc's allocator serialises such
//! cross-thread frees on an arena lock; mimalloc does not (measured: about 10% off a kernel-tree
//! search). Its transparent huge pages are turned off (`no_thp`): with them, peak memory was 25 MiB
//! instead of 10.
//!
//! A huge block is a line of unknown length (a pipe, a decompressed stream) held whole, its buffer
//! doubling as it goes. mimalloc grows a block by copying it into a new one, whose every page the
//! kernel then maps and zeroes again, and keeps the old one's pages a while. glibc maps a block that
//! big on its own and grows it with `mremap`: the pages already there stay, and nothing is copied.
//! A 512 MiB line through a pipe took 3.3 s and 1.06 GB the first way, 1.1 s and 565 MB this one
//! (the README's "Hostile shapes").

use std::alloc::{GlobalAlloc, Layout, System};
use std::ptr;

use mimalloc::MiMalloc;

/// Blocks this big or bigger are the system's. glibc maps every block of 32 MiB or more on its own
/// (its highest `M_MMAP_THRESHOLD`), which is what lets it grow one in place.
const HUGE: usize = 32 << 20;

/// ba's global allocator (`main.rs`).
pub struct Allocator;

/// mimalloc's options, as numbered in its `mimalloc.h` (the same in its versions 2 and 3).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
const DESTROY_ON_EXIT: libmimalloc_sys::mi_option_t = 22;

/// Sets mimalloc for a process that ends when its work does, first thing in `main`:
/// - it gives pages freed for 10 ms back to the kernel (`PURGE_DELAY`; its version 3 waits a
///   second, as long as most searches take): each thread frees what others made for it (paths,
///   results), and the pages kept for reuse took a search's peak at two threads from 12.7 to 16.0
///   MiB;
/// - it does not gather its memory at exit (`DESTROY_ON_EXIT` 2), which the kernel takes back whole;
///   that took 70 `madvise` calls for a search of one small file. (Keeping freed pages until exit
///   saved as much again while a search started five threads, but took an index build's peak from
///   214 to 276 MB.)
pub fn settle() {
    // SAFETY: setting an option is safe at any time; these are read when memory is freed and at exit.
    unsafe {
        libmimalloc_sys::mi_option_set(PURGE_DELAY, 10);
        libmimalloc_sys::mi_option_set(DESTROY_ON_EXIT, 2);
    }
}

/// For more searchers than cores: freed pages go back to the kernel at once. Searchers waiting for
/// a core hold memory meanwhile, and pages kept even 10 ms took the peak at 16 searchers on two cores
/// from 22 to 25 MiB. With a core each, pages freed are soon used again, and giving them back at
/// once cost 4% when a million lines are printed.
pub fn purge_at_once() {
    // SAFETY: as in `settle`.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) }
}

fn is_huge(size: usize) -> bool {
    size >= HUGE
}

// SAFETY: each call goes to the allocator that owns the block, told by its size, which is the
// same at every call for one block (`GlobalAlloc`'s contract); a block that changes owner on
// `realloc` is copied and freed by its old one.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if is_huge(layout.size()) {
            unsafe { System.alloc(layout) }
        } else {
            unsafe { MiMalloc.alloc(layout) }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if is_huge(layout.size()) {
            unsafe { System.alloc_zeroed(layout) }
        } else {
            unsafe { MiMalloc.alloc_zeroed(layout) }
        }
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        if is_huge(layout.size()) {
            unsafe { System.dealloc(block, layout) }
        } else {
            unsafe { MiMalloc.dealloc(block, layout) }
        }
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        match (is_huge(layout.size()), is_huge(new_size)) {
            (true, true) => unsafe { System.realloc(block, layout, new_size) },
            (false, false) => unsafe { MiMalloc.realloc(block, layout, new_size) },
            _ => unsafe {
                // SAFETY: `realloc`'s caller promises that `new_size`, at this alignment, does not
                // overflow `isize`.
                let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
                let moved = self.alloc(new_layout);
                if !moved.is_null() {
                    ptr::copy_nonoverlapping(block, moved, layout.size().min(new_size));
                    self.dealloc(block, layout);
                }
                moved
            },
        }
    }
}
