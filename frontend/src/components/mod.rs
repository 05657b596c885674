//! The UI, one component per file.

pub mod account_panel;
pub mod app;
pub mod composer;
pub mod load_older;
pub mod message_controls;
pub mod message_item;
pub mod message_list;
pub mod name_field;
pub mod notice;
pub mod notify_setting;
pub mod outbox_item;
pub mod room_actions;
pub mod room_header;
pub mod room_list;
pub mod status_indicator;
