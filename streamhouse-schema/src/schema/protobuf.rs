//! The Protobuf view of a type model: one proto3 `FileDescriptorProto` with the root
//! message first, then every message and enum it needs of the package named by the root's
//! namespace, importing the own files of the types of other packages
//! ([`ProtoSchema::imports`], registered as schema references).
//!
//! The builder is `streamhouse_schema_core::protobuf` (shared with the derive, whose
//! compile-time pins `pin = "....proto"` check exactly the file the runtime registers);
//! its module docs give the full Rust → proto3 mapping that `codec::proto` writes.

pub use streamhouse_schema_core::protobuf::{
    file_descriptor, is_builtin_import, ProtoBuildError, ProtoImport, ProtoSchema,
};
