// Macro files every project gets before its own (a project macro with the same name overrides).
// Keyed by a pseudo path used in error messages.
export const BUILTIN_MACRO_FILES: Record<string, string> = {};
