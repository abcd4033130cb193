//! Secret detection (provider tokens, private keys, credentials in URLs, password assignments) and masking.
