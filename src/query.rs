//! The query layer: every read and write the product does for one reader,
//! over `store` and `search`. The requests (`request::StoreEffect`) and
//! what comes back (`request::Reply`) are plain serde data; `worker`
//! answers them, with the case summaries (`cases`), the supporters'
//! workloads (`supporters`) and the brief (`brief`). Nothing here knows
//! the terminal or the socket: a server runs it for all its clients, an
//! app without a server runs it in its own process.

pub mod brief;
pub mod cases;
pub mod data;
pub mod request;
pub mod supporters;
pub mod worker;
