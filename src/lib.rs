//! Code shared by the runnable examples of [`signalr_binding`] and their end-to-end tests.
//!
//! The examples live in `examples/`:
//!
//! | example | what it shows |
//! |---|---|
//! | `negotiate` | the negotiate endpoint on axum, with configurable CORS ([`axum_app`]) |
//! | `hyper` | the same handler style on plain hyper, no web framework |
//! | `azure_functions_handler` | an Azure Functions custom handler (`examples/azure-functions/`) |
//!
//! This crate holds what they have in common: command-line options ([`cli`]), where the
//! connection string comes from, with the local emulator as the fallback ([`settings`]), the
//! startup banner and logging ([`startup`]), and the axum application ([`axum_app`]), so the
//! `negotiate` example and the tests serve exactly the same router.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod axum_app;
pub mod cli;
pub mod settings;
pub mod startup;

/// The hub every example serves.
pub const HUB: &str = "chat";

/// The request header that carries the user id, as App Service Authentication sets it in front
/// of an Azure Function.
pub const USER_ID_HEADER: &str = "x-ms-client-principal-id";

/// The path of the negotiate endpoint, as Azure Functions serves a function named `negotiate`.
pub const NEGOTIATE_PATH: &str = "/api/negotiate";
