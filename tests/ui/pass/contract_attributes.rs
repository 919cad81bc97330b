//! Every contract attribute in its accepted forms: the checks let these through.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(rename_all = "camelCase")]
// A number field compared with an int or a double literal, a function's result with a double,
// `has()`, a nullable field with null, a list field in a macro, a bool field with a bool.
#[stream_schema(rule(
    name = "sane",
    expr = "message.totalCents > 0 && message.ratio >= 0.5 && size(message.id) > 0.5 && has(message.note) && message.note != null && message.items.all(i, size(i) > 0) && message.paid == true",
    on_failure = "DLQ",
    param("dlq.topic", "orders-dlq"),
    doc = "Orders must be sane"
))]
#[stream_schema(rule(
    name = "mask_card",
    type = "CEL_FIELD",
    kind = "TRANSFORM",
    mode = "READ",
    expr = "name == 'card' ; 'XXXX'",
    tags("PII")
))]
#[stream_schema(rule(
    name = "upgrade_v1",
    type = "JSONATA",
    kind = "TRANSFORM",
    mode = "UPGRADE",
    expr = "$merge([$sift($, function($v, $k) {$k != 'legacy'}), {'v': 2}])"
))]
#[stream_schema(encrypt(
    name = "encrypt_pii",
    tags("PII"),
    kek = "orders-kek",
    kms = "local-kms",
    key_id = "orders-key",
    algorithm = "AES256_SIV",
    on_failure = "ERROR,NONE"
))]
#[stream_schema(metadata(owner = "billing", major_version = 2, property("team.channel", "#billing")))]
struct Order {
    id: String,
    total_cents: i64,
    ratio: f64,
    note: Option<String>,
    items: Vec<String>,
    paid: bool,
    #[stream_schema(tags("PII", "PCI"))]
    card: String,
}

fn main() {
    let contract = Order::contract().expect("declared");
    let rules = &contract.rule_set.as_ref().expect("rules");
    assert_eq!(rules.domain_rules.len(), 3);
    assert_eq!(rules.migration_rules.len(), 1);
}
