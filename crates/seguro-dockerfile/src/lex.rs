//! BuildKit's shell word lexer (`shell.Lex`): quote removal, escapes and `$VAR` expansion.
