//! Service discovery: the registries' listings, health checks and lookups
//! during a run (`runtime`), and the report's discovery section (`report`
//! for its shape, `summary` for its figures).

pub(crate) mod report;
pub(crate) mod runtime;
pub(crate) mod summary;
