//! Codecs: the runtime helpers generated code calls.
