//! `$sift`, which `jsonata-rs` 0.3 lacks, as a native function registered on each
//! expression through the crate's own `JsonAta::register_function`.
//!
//! Semantics of jsonata-js (`src/functions.js`, `sift`): `$sift(object, function)` keeps the
//! key/value pairs of `object` for which `function($v [, $k [, $o]])` is truthy (the
//! function gets as many of value, key and object as it declares parameters, as
//! `hofFuncArgs` does); no pair left gives `undefined`, and so does an undefined object.
//! Confluent documents migration rules written with it, e.g.
//! `$merge([$sift($, function($v, $k) {$k != 'size'}), {'height': $.'size'}])`.
//! Written against the crate's public API only, so it could go upstream as is.

use jsonata_rs::{Error, FunctionContext, Value};

/// `$sift(object, function)`.
pub(super) fn fn_sift<'a>(
    context: FunctionContext<'a, '_>,
    args: &[&'a Value<'a>],
) -> jsonata_rs::Result<&'a Value<'a>> {
    let object = args.first().copied().unwrap_or_else(Value::undefined);
    let func = args.get(1).copied().unwrap_or_else(Value::undefined);
    if object.is_undefined() {
        return Ok(Value::undefined());
    }
    if !object.is_object() {
        return Err(Error::T0410ArgumentNotValid(
            context.char_index,
            1,
            context.name.to_string(),
        ));
    }
    if !func.is_function() {
        return Err(Error::T0410ArgumentNotValid(
            context.char_index,
            2,
            context.name.to_string(),
        ));
    }
    let arity = func.arity();
    let result = Value::object(context.arena);
    let mut kept = 0usize;
    for (key, value) in object.entries() {
        let mut call_args: Vec<&'a Value<'a>> = Vec::with_capacity(arity.clamp(1, 3));
        call_args.push(value);
        if arity >= 2 {
            call_args.push(Value::string(context.arena, key));
        }
        if arity >= 3 {
            call_args.push(object);
        }
        if context.evaluate_function(func, &call_args)?.is_truthy() {
            result.insert(key, value);
            kept += 1;
        }
    }
    if kept == 0 {
        return Ok(Value::undefined());
    }
    Ok(result)
}
