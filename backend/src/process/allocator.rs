//! One setting of the C allocator, so memory that bursts of work take is
//! given back.
//!
//! Hashing a password takes a 19 MiB block (Argon2id's recommended memory).
//! glibc serves blocks that large by mapping fresh memory, but after the
//! first one is freed it raises its threshold for that and serves the next
//! ones from its heaps, which it keeps: 100 sign-ups at once left the
//! process 670 MB larger for good. A fixed threshold keeps every large block
//! mapped and unmapped on free (13 MB after the same burst), at the cost of
//! faulting the block's pages in again for each hash, a small part of its
//! time.

/// Blocks at least this large are always mapped, and unmapped when freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MAP_AT_LEAST: libc::c_int = 4 * 1024 * 1024;

/// Makes freed large blocks go straight back to the system. Call first
/// thing in `main`.
pub fn give_back_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only sets one of glibc's allocator parameters, under
    // the allocator's own lock; it touches no memory of ours.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MAP_AT_LEAST);
    }
}
