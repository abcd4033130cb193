//! RUN script analysis: a shell AST mapped to file spans, and a command model per program.
