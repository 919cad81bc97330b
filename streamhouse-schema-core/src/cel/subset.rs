//! The subset of CEL conditions that runs on a record's Rust value instead of on its encoded
//! bytes: one compiler for the derive (which turns a [`Node`] into Rust code for the type's
//! own rules) and for the runtime (which evaluates it, [`Node::eval`], for rules registered
//! on the type's subject).
//!
//! The subset is one whose result cannot differ from what the `cel` crate's interpreter
//! gives on the message the value encodes to:
//! - `&&`, `||`, `!`, parentheses, `true`, `false`;
//! - comparisons (`==`, `!=`, `<`, `<=`, `>`, `>=`) of two operands of one kind: `int` (an
//!   int field, an int literal, `size(..)` of a string, list or bytes field), `double` (a
//!   double field, a double literal), `string` (a string field, a string literal); `==` and
//!   `!=` of `bool` operands;
//! - a `bool` field; `startsWith`, `endsWith`, `contains` of a string field with a literal.
//!
//! Every operand reads a top-level field or a literal, and none of these can fail at run
//! time but one: the interpreter cannot order NaN and fails the rule. An ordering of doubles
//! that meets a NaN therefore leaves the whole expression undecided (`None`), and the
//! interpreter runs. Anything else (an `Option` field, mixed `int` and `double`, a nested
//! field, a macro, a guard `cond ; expr`) does not compile here: the interpreter runs it.

use cel::common::ast::{Expr, IdedExpr, LiteralValue};

use super::fields::{Field, Kind, Size, Value};

/// How deep an expression is compiled (the parser already bounds nesting; this bounds the
/// compiler's own recursion whatever the parser allows).
const MAX_DEPTH: usize = 64;

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// A string test with a literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrTest {
    /// `s.startsWith("..")`
    StartsWith,
    /// `s.endsWith("..")`
    EndsWith,
    /// `s.contains("..")`
    Contains,
}

/// A compiled expression; field operands name their field by its index in the table the
/// expression was compiled against.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A `bool` literal.
    Bool(bool),
    /// An `int` literal.
    Int(i64),
    /// A finite `double` literal.
    Double(f64),
    /// A `string` literal.
    Str(String),
    /// `message.<field>` of kind `kind`.
    Field {
        /// The field's index in the table.
        index: usize,
        /// Its kind.
        kind: Kind,
    },
    /// `size(message.<field>)`, an `int`.
    Size {
        /// The field's index in the table.
        index: usize,
        /// How it is counted.
        size: Size,
    },
    /// `a && b`
    And(Box<Node>, Box<Node>),
    /// `a || b`
    Or(Box<Node>, Box<Node>),
    /// `!a`
    Not(Box<Node>),
    /// A comparison of two operands of kind `kind`.
    Compare {
        /// The operator.
        op: Compare,
        /// Both operands' kind.
        kind: Kind,
        /// The left operand.
        left: Box<Node>,
        /// The right operand.
        right: Box<Node>,
    },
    /// A string test of a string operand with a literal.
    StrTest {
        /// The test.
        test: StrTest,
        /// The tested string.
        target: Box<Node>,
        /// The literal.
        literal: String,
    },
}

/// Compiles a parsed condition against a record's `fields`; `None` when it is not a `bool`
/// expression of the subset.
pub fn compile(ast: &IdedExpr, fields: &[Field<'_>]) -> Option<Node> {
    let (kind, node) = Compiler { fields }.operand(ast, 0)?;
    (kind == Kind::Bool).then_some(node)
}

struct Compiler<'f, 'a> {
    fields: &'f [Field<'a>],
}

impl Compiler<'_, '_> {
    /// `message.name` as the index of the field it names.
    fn message_field(&self, e: &IdedExpr) -> Option<usize> {
        let Expr::Select(s) = &e.expr else {
            return None;
        };
        if s.test {
            return None;
        }
        let Expr::Ident(root) = &s.operand.expr else {
            return None;
        };
        if root != "message" {
            return None;
        }
        self.fields.iter().position(|f| f.name == s.field)
    }

    /// `size(message.f)`: code points of a string (as CEL counts them), elements of a list,
    /// bytes of a byte field.
    fn size(&self, arg: &IdedExpr) -> Option<(Kind, Node)> {
        let index = self.message_field(arg)?;
        let size = self.fields[index].size?;
        Some((Kind::Int, Node::Size { index, size }))
    }

    fn boolean(&self, e: &IdedExpr, depth: usize) -> Option<Node> {
        let (kind, node) = self.operand(e, depth)?;
        (kind == Kind::Bool).then_some(node)
    }

    fn operand(&self, e: &IdedExpr, depth: usize) -> Option<(Kind, Node)> {
        if depth > MAX_DEPTH {
            return None;
        }
        let next = depth + 1;
        match &e.expr {
            Expr::Literal(val) => literal(val),
            Expr::Select(_) => {
                let index = self.message_field(e)?;
                let kind = self.fields[index].kind?;
                Some((kind, Node::Field { index, kind }))
            }
            Expr::Call(call) => {
                let args = call.args.as_slice();
                match (call.func_name.as_str(), &call.target, args) {
                    (op @ ("_&&_" | "_||_"), None, [left, right]) => {
                        let l = Box::new(self.boolean(left, next)?);
                        let r = Box::new(self.boolean(right, next)?);
                        let node = if op == "_&&_" {
                            Node::And(l, r)
                        } else {
                            Node::Or(l, r)
                        };
                        Some((Kind::Bool, node))
                    }
                    ("!_", None, [inner]) => {
                        Some((Kind::Bool, Node::Not(Box::new(self.boolean(inner, next)?))))
                    }
                    ("size", None, [arg]) => self.size(arg),
                    ("size", Some(target), []) => self.size(target),
                    (name @ ("startsWith" | "endsWith" | "contains"), Some(target), [arg]) => {
                        let (Kind::String, target) = self.operand(target, next)? else {
                            return None;
                        };
                        let Expr::Literal(LiteralValue::String(lit)) = &arg.expr else {
                            return None;
                        };
                        let test = match name {
                            "startsWith" => StrTest::StartsWith,
                            "endsWith" => StrTest::EndsWith,
                            _ => StrTest::Contains,
                        };
                        let node = Node::StrTest {
                            test,
                            target: Box::new(target),
                            literal: lit.inner().to_string(),
                        };
                        Some((Kind::Bool, node))
                    }
                    (op, None, [left, right]) => {
                        let op = match op {
                            "_==_" => Compare::Eq,
                            "_!=_" => Compare::Ne,
                            "_<_" => Compare::Lt,
                            "_<=_" => Compare::Le,
                            "_>_" => Compare::Gt,
                            "_>=_" => Compare::Ge,
                            _ => return None,
                        };
                        let (lk, l) = self.operand(left, next)?;
                        let (rk, r) = self.operand(right, next)?;
                        if lk != rk
                            || (lk == Kind::Bool && !matches!(op, Compare::Eq | Compare::Ne))
                        {
                            return None;
                        }
                        let node = Node::Compare {
                            op,
                            kind: lk,
                            left: Box::new(l),
                            right: Box::new(r),
                        };
                        Some((Kind::Bool, node))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// A literal's kind and node; `None` for kinds the subset does not compare.
fn literal(val: &LiteralValue) -> Option<(Kind, Node)> {
    match val {
        LiteralValue::Boolean(b) => Some((Kind::Bool, Node::Bool(*b.inner()))),
        LiteralValue::Int(i) => Some((Kind::Int, Node::Int(*i.inner()))),
        // NaN and infinities have no literal form in CEL's grammar; refuse them anyway.
        LiteralValue::Double(d) if d.inner().is_finite() => {
            Some((Kind::Double, Node::Double(*d.inner())))
        }
        LiteralValue::String(s) => Some((Kind::String, Node::Str(s.inner().to_string()))),
        _ => None,
    }
}

/// A value met while evaluating.
#[derive(Clone, Copy)]
enum Operand<'a> {
    Bool(bool),
    Int(i64),
    Double(f64),
    Str(&'a str),
}

impl Node {
    /// The condition's result on a record whose field `i` reads `field(i)`: `Some(true)` or
    /// `Some(false)` as the interpreter answers, `None` when undecided (an ordering met NaN)
    /// or when a field does not read as the table the node was compiled against said.
    pub fn eval<'v>(&self, field: &impl Fn(usize) -> Option<Value<'v>>) -> Option<bool> {
        self.boolean(field)
    }

    fn boolean<'v>(&self, field: &impl Fn(usize) -> Option<Value<'v>>) -> Option<bool> {
        match self.operand(field)? {
            Operand::Bool(b) => Some(b),
            _ => None,
        }
    }

    fn operand<'n, 'v>(&'n self, field: &impl Fn(usize) -> Option<Value<'v>>) -> Option<Operand<'n>>
    where
        'v: 'n,
    {
        Some(match self {
            Node::Bool(b) => Operand::Bool(*b),
            Node::Int(i) => Operand::Int(*i),
            Node::Double(d) => Operand::Double(*d),
            Node::Str(s) => Operand::Str(s),
            Node::Field { index, kind } => match (kind, field(*index)?) {
                (Kind::Int, Value::Int(i)) => Operand::Int(i),
                (Kind::Double, Value::Double(d)) => Operand::Double(d),
                (Kind::String, Value::Str(s)) => Operand::Str(s),
                (Kind::Bool, Value::Bool(b)) => Operand::Bool(b),
                _ => return None,
            },
            Node::Size { index, size } => match (size, field(*index)?) {
                (Size::Chars, Value::Str(s)) => {
                    Operand::Int(i64::try_from(s.chars().count()).ok()?)
                }
                (Size::Len, Value::Len(n)) => Operand::Int(i64::try_from(n).ok()?),
                _ => return None,
            },
            // Short-circuits as `&&` and `||` do in Rust: an undecided right side is not
            // looked at when the left side decides (CEL's answer too: `false && x` is false
            // even where `x` fails).
            Node::And(l, r) => Operand::Bool(l.boolean(field)? && r.boolean(field)?),
            Node::Or(l, r) => Operand::Bool(l.boolean(field)? || r.boolean(field)?),
            Node::Not(inner) => Operand::Bool(!inner.boolean(field)?),
            Node::Compare {
                op, left, right, ..
            } => Operand::Bool(compare(*op, left.operand(field)?, right.operand(field)?)?),
            Node::StrTest {
                test,
                target,
                literal,
            } => {
                let Operand::Str(s) = target.operand(field)? else {
                    return None;
                };
                Operand::Bool(match test {
                    StrTest::StartsWith => s.starts_with(literal.as_str()),
                    StrTest::EndsWith => s.ends_with(literal.as_str()),
                    StrTest::Contains => s.contains(literal.as_str()),
                })
            }
        })
    }
}

fn compare(op: Compare, left: Operand<'_>, right: Operand<'_>) -> Option<bool> {
    use std::cmp::Ordering;
    let ordering = match (left, right) {
        (Operand::Int(l), Operand::Int(r)) => l.cmp(&r),
        (Operand::Str(l), Operand::Str(r)) => l.cmp(r),
        (Operand::Bool(l), Operand::Bool(r)) => {
            return match op {
                Compare::Eq => Some(l == r),
                Compare::Ne => Some(l != r),
                _ => None,
            }
        }
        (Operand::Double(l), Operand::Double(r)) => match op {
            Compare::Eq => return Some(l == r),
            Compare::Ne => return Some(l != r),
            // The interpreter has no ordering of NaN (an evaluation error): undecided.
            _ => l.partial_cmp(&r)?,
        },
        _ => return None,
    };
    Some(match op {
        Compare::Eq => ordering == Ordering::Equal,
        Compare::Ne => ordering != Ordering::Equal,
        Compare::Lt => ordering == Ordering::Less,
        Compare::Le => ordering != Ordering::Greater,
        Compare::Gt => ordering == Ordering::Greater,
        Compare::Ge => ordering != Ordering::Less,
    })
}
