//! A compact, name-resolved view of an Avro schema's JSON: what resolution needs and no
//! more (logical types are their underlying types; docs are dropped).

use std::collections::HashMap;

use serde_json::Value;

/// Index of a node in [`Tree::nodes`].
pub type NodeId = usize;

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub aliases: Vec<String>,
    pub ty: NodeId,
    pub default: Option<Value>,
}

#[derive(Debug, Clone)]
pub enum Node {
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Bytes,
    String,
    Fixed {
        name: String,
        aliases: Vec<String>,
        size: usize,
    },
    Enum {
        name: String,
        aliases: Vec<String>,
        symbols: Vec<String>,
        default: Option<String>,
    },
    Array(NodeId),
    Map(NodeId),
    Union(Vec<NodeId>),
    Record {
        name: String,
        aliases: Vec<String>,
        fields: Vec<Field>,
    },
    /// A named type used before its definition finished (recursion) or after it.
    Ref(String),
}

#[derive(Debug, Default)]
pub struct Tree {
    pub nodes: Vec<Node>,
    pub named: HashMap<String, NodeId>,
    pub root: NodeId,
}

impl Tree {
    pub fn parse(schema: &Value) -> Result<Tree, String> {
        let mut t = Tree::default();
        t.root = t.node(schema, None)?;
        Ok(t)
    }

    /// Follows references to the named definition.
    pub fn resolve(&self, mut id: NodeId) -> NodeId {
        for _ in 0..64 {
            match self.nodes.get(id) {
                Some(Node::Ref(name)) => match self.named.get(name) {
                    Some(&target) if target != id => id = target,
                    _ => return id,
                },
                _ => return id,
            }
        }
        id
    }

    /// The node `id` stands for (a reference's definition). Unknown ids and undefined
    /// references come back as an undefined reference, which readers report as an error.
    #[inline]
    pub fn get(&self, id: NodeId) -> &Node {
        match self.nodes.get(id) {
            Some(Node::Ref(_)) | None => self.get_named(id),
            Some(node) => node,
        }
    }

    fn get_named(&self, id: NodeId) -> &Node {
        static UNDEFINED: Node = Node::Ref(String::new());
        self.nodes.get(self.resolve(id)).unwrap_or(&UNDEFINED)
    }

    fn push(&mut self, n: Node) -> NodeId {
        self.nodes.push(n);
        self.nodes.len() - 1
    }

    fn full(name: &str, ns: Option<&str>) -> String {
        match ns {
            Some(ns) if !name.contains('.') && !ns.is_empty() => format!("{ns}.{name}"),
            _ => name.to_string(),
        }
    }

    fn aliases(o: &serde_json::Map<String, Value>, ns: Option<&str>) -> Vec<String> {
        o.get("aliases")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(|s| Self::full(s, ns))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn node(&mut self, v: &Value, ns: Option<&str>) -> Result<NodeId, String> {
        match v {
            Value::String(s) => Ok(match s.as_str() {
                "null" => self.push(Node::Null),
                "boolean" => self.push(Node::Boolean),
                "int" => self.push(Node::Int),
                "long" => self.push(Node::Long),
                "float" => self.push(Node::Float),
                "double" => self.push(Node::Double),
                "bytes" => self.push(Node::Bytes),
                "string" => self.push(Node::String),
                name => {
                    let full = Self::full(name, ns);
                    self.push(Node::Ref(full))
                }
            }),
            Value::Array(branches) => {
                let ids = branches
                    .iter()
                    .map(|b| self.node(b, ns))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(self.push(Node::Union(ids)))
            }
            Value::Object(o) => {
                let ty = o.get("type").ok_or("schema object without \"type\"")?;
                let name_of = |o: &serde_json::Map<String, Value>| -> Result<(String, Option<String>), String> {
                    let name = o.get("name").and_then(Value::as_str).ok_or("named type without \"name\"")?;
                    let own_ns = o.get("namespace").and_then(Value::as_str).or(ns);
                    let full = Self::full(name, own_ns);
                    let inner_ns = full.rsplit_once('.').map(|(n, _)| n.to_string());
                    Ok((full, inner_ns))
                };
                match ty.as_str() {
                    Some("record") | Some("error") => {
                        let (full, inner_ns) = name_of(o)?;
                        let id = self.push(Node::Ref(full.clone()));
                        self.named.insert(full.clone(), id);
                        let mut fields = Vec::new();
                        for f in o
                            .get("fields")
                            .and_then(Value::as_array)
                            .ok_or("record without \"fields\"")?
                        {
                            let fname = f
                                .get("name")
                                .and_then(Value::as_str)
                                .ok_or("field without \"name\"")?;
                            let fty = self.node(
                                f.get("type").ok_or("field without \"type\"")?,
                                inner_ns.as_deref(),
                            )?;
                            fields.push(Field {
                                name: fname.to_string(),
                                aliases: f
                                    .get("aliases")
                                    .and_then(Value::as_array)
                                    .map(|a| {
                                        a.iter()
                                            .filter_map(Value::as_str)
                                            .map(str::to_string)
                                            .collect()
                                    })
                                    .unwrap_or_default(),
                                ty: fty,
                                default: f.get("default").cloned(),
                            });
                        }
                        let aliases = Self::aliases(o, inner_ns.as_deref());
                        self.nodes[id] = Node::Record {
                            name: full,
                            aliases,
                            fields,
                        };
                        Ok(id)
                    }
                    Some("enum") => {
                        let (full, inner_ns) = name_of(o)?;
                        let symbols = o
                            .get("symbols")
                            .and_then(Value::as_array)
                            .ok_or("enum without \"symbols\"")?
                            .iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect();
                        let default = o.get("default").and_then(Value::as_str).map(str::to_string);
                        let aliases = Self::aliases(o, inner_ns.as_deref());
                        let id = self.push(Node::Enum {
                            name: full.clone(),
                            aliases,
                            symbols,
                            default,
                        });
                        self.named.insert(full, id);
                        Ok(id)
                    }
                    Some("fixed") => {
                        let (full, inner_ns) = name_of(o)?;
                        let size = o
                            .get("size")
                            .and_then(Value::as_u64)
                            .ok_or("fixed without \"size\"")?
                            as usize;
                        let aliases = Self::aliases(o, inner_ns.as_deref());
                        let id = self.push(Node::Fixed {
                            name: full.clone(),
                            aliases,
                            size,
                        });
                        self.named.insert(full, id);
                        Ok(id)
                    }
                    Some("array") => {
                        let items =
                            self.node(o.get("items").ok_or("array without \"items\"")?, ns)?;
                        Ok(self.push(Node::Array(items)))
                    }
                    Some("map") => {
                        let values =
                            self.node(o.get("values").ok_or("map without \"values\"")?, ns)?;
                        Ok(self.push(Node::Map(values)))
                    }
                    // A primitive with attributes (logicalType...) or a nested type.
                    _ => self.node(ty, ns),
                }
            }
            other => Err(format!("not a schema: {other}")),
        }
    }
}
