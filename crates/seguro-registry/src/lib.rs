//! An OCI distribution (registry) client for seguro: HTTPS with rustls, plain HTTP only for
//! loopback or an explicit insecure registry.
#![warn(clippy::print_stdout, clippy::print_stderr)]
