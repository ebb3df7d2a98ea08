//! The panels around the canvas, one file each.

pub mod calibrate;
pub mod cost;
pub mod discovery_inspector;
pub mod distribution;
pub mod edge_inspector;
pub mod export_dialog;
pub mod file_dialog;
pub mod find;
pub mod import;
pub mod inspector;
pub mod menu;
pub mod minimap;
pub mod modals;
mod node_settings;
pub mod palette;
pub mod problems;
pub mod rightsize;
pub mod rightsize_setup;
pub mod rightsize_tuned;
pub mod status;
pub mod timeline;
