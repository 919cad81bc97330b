//! TODO-placeholder: Protobuf FileDescriptorProto <-> .proto text (owned by the compat helper)
