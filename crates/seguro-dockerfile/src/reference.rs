//! Docker image references: registry host[:port], path, tag, digest, normalisation.
