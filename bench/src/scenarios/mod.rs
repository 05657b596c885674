//! The scenarios; each starts a fresh server process per run, so CPU and peak
//! memory belong to that scenario alone.

pub mod browser;
pub mod idle;
pub mod load;
pub mod pair_shootout;
pub mod presence;
pub mod recovery;
pub mod rooms;
pub mod scale_out;
pub mod shootout;
pub mod typing;
pub mod writes;
