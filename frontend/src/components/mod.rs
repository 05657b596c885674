//! The UI, one component per file.

pub mod app;
pub mod composer;
pub mod message_list;
pub mod name_field;
pub mod notice;
pub mod status_indicator;
