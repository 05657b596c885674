//! The UI, one component (or a few that belong together) per file.

pub mod app;
pub mod avatar;
pub mod composer;
pub mod connection_banner;
pub mod message_actions;
pub mod message_row;
pub mod message_text;
pub mod missing_room;
pub mod modal;
pub mod name_field;
pub mod notice;
pub mod room_dialogs;
pub mod room_header;
pub mod room_list;
pub mod settings;
pub mod shortcuts;
pub mod sidebar;
pub mod sign_in;
pub mod switcher;
pub mod timeline;
