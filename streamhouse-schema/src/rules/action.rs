//! What happens after a rule: `onSuccess` / `onFailure` actions (`RuleAction` in
//! Confluent's `serde.py`): ERROR, NONE and DLQ.

use std::sync::Arc;

use bytes::Bytes;

use super::convert::message_to_json;
use super::error::RuleError;
use super::executor::{RuleContext, RuleFuture};
use super::message::Message;
use crate::schema::contract::RuleMode;
use crate::transport::{Header, Transport};

/// Header names of records sent to a dead-letter queue (`DLQ_RULE_*_HEADER` in
/// Confluent's `common/serde.py`).
pub mod dlq_headers {
    /// The prefix of the DLQ headers.
    pub const PREFIX: &str = "__rule.";
    /// The failed rule's name.
    pub const NAME: &str = "__rule.name";
    /// The mode it ran in (`WRITE`, `READ`, ...).
    pub const MODE: &str = "__rule.mode";
    /// The subject.
    pub const SUBJECT: &str = "__rule.subject";
    /// The topic the record was sent to or read from.
    pub const TOPIC: &str = "__rule.topic";
    /// The error's text.
    pub const EXCEPTION: &str = "__rule.exception";
}

/// The rule parameter naming the DLQ topic (`DlqAction.DLQ_TOPIC`).
pub const DLQ_TOPIC_PARAM: &str = "dlq.topic";

/// What an action run needs beyond the rule: the record as it came in.
#[derive(Debug, Clone, Copy)]
pub struct ActionContext<'a> {
    /// The rule and where it ran.
    pub rule: RuleContext<'a>,
    /// The record's key bytes as given (producer) or read (consumer).
    pub original_key: Option<&'a [u8]>,
    /// The message before any rule ran.
    pub original_message: &'a Message,
    /// The record's value as read from the wire (consumer), `None` on the producer.
    pub original_wire: Option<&'a [u8]>,
}

/// Whether the record goes on after an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionResult {
    /// The record continues (NONE).
    Continue,
    /// The record stops with the rule's failure (ERROR, DLQ).
    Stop,
}

/// An action run after a rule (`RuleAction`).
pub trait RuleAction: Send + Sync + 'static {
    /// Its name as rules refer to it (`ERROR`, `NONE`, `DLQ`).
    fn action_type(&self) -> &str;

    /// Runs after the rule; `error` is why the rule failed (`None` on success).
    fn run<'a>(
        &'a self,
        ctx: &'a ActionContext<'a>,
        error: Option<&'a RuleError>,
    ) -> RuleFuture<'a, ActionResult>;
}

/// `ErrorAction`: stops the record.
#[derive(Debug, Default, Clone, Copy)]
pub struct ErrorAction;

impl RuleAction for ErrorAction {
    fn action_type(&self) -> &str {
        "ERROR"
    }

    fn run<'a>(
        &'a self,
        _ctx: &'a ActionContext<'a>,
        _error: Option<&'a RuleError>,
    ) -> RuleFuture<'a, ActionResult> {
        Box::pin(async { ActionResult::Stop })
    }
}

/// `NoneAction`: lets the record go on.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoneAction;

impl RuleAction for NoneAction {
    fn action_type(&self) -> &str {
        "NONE"
    }

    fn run<'a>(
        &'a self,
        _ctx: &'a ActionContext<'a>,
        _error: Option<&'a RuleError>,
    ) -> RuleFuture<'a, ActionResult> {
        Box::pin(async { ActionResult::Continue })
    }
}

/// `DlqAction`: sends the original record to the topic the rule's `dlq.topic` parameter
/// (or the schema's metadata property of that name, or the topic given here) names, with
/// the `__rule.*` headers, then stops it (the send or read still fails).
///
/// As in Confluent's `dlq_action.py`: on READ the record's wire bytes are sent as read; on
/// WRITE the message is sent as JSON (Avro values in Avro's JSON form: bytes as
/// ISO-8859-1 strings, unions as their branch value). The record's incoming headers come
/// first, then `__rule.name`, `__rule.mode`, `__rule.subject`, `__rule.topic` and, on
/// failure, `__rule.exception`. Unlike Python's action, nothing is redacted: ENCRYPT
/// rules are not run by this action's caller before it.
#[derive(Clone)]
pub struct DlqAction {
    transport: Arc<dyn Transport>,
    topic: Option<String>,
}

impl std::fmt::Debug for DlqAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DlqAction")
            .field("topic", &self.topic)
            .finish_non_exhaustive()
    }
}

impl DlqAction {
    /// A DLQ action writing to `transport`, the topic taken from each rule's `dlq.topic`.
    pub fn new(transport: Arc<dyn Transport>) -> Self {
        DlqAction {
            transport,
            topic: None,
        }
    }

    /// The same action with a fixed topic (Confluent's `dlq.topic` client setting, which
    /// wins over the rule's parameter).
    pub fn with_topic(mut self, topic: impl Into<String>) -> Self {
        self.topic = Some(topic.into());
        self
    }

    fn headers(ctx: &ActionContext<'_>, error: Option<&RuleError>) -> Vec<Header> {
        let rule = &ctx.rule;
        let mut headers: Vec<Header> = rule.headers.to_vec();
        let mut push = |key: &str, value: &str| {
            headers.push(Header {
                key: key.to_string(),
                value: Bytes::copy_from_slice(value.as_bytes()),
            })
        };
        push(dlq_headers::NAME, &rule.rule.name);
        push(dlq_headers::MODE, mode_name(rule.mode));
        push(dlq_headers::SUBJECT, rule.subject);
        push(dlq_headers::TOPIC, rule.topic);
        if let Some(error) = error {
            push(dlq_headers::EXCEPTION, &error.to_string());
        }
        headers
    }
}

/// The name of a mode as Confluent writes it.
pub fn mode_name(mode: RuleMode) -> &'static str {
    match mode {
        RuleMode::Upgrade => "UPGRADE",
        RuleMode::Downgrade => "DOWNGRADE",
        RuleMode::Updown => "UPDOWN",
        RuleMode::Write => "WRITE",
        RuleMode::Read => "READ",
        RuleMode::Writeread => "WRITEREAD",
    }
}

impl RuleAction for DlqAction {
    fn action_type(&self) -> &str {
        "DLQ"
    }

    fn run<'a>(
        &'a self,
        ctx: &'a ActionContext<'a>,
        error: Option<&'a RuleError>,
    ) -> RuleFuture<'a, ActionResult> {
        Box::pin(async move {
            let topic = self
                .topic
                .as_deref()
                .or_else(|| ctx.rule.parameter(DLQ_TOPIC_PARAM));
            let Some(topic) = topic.filter(|t| !t.is_empty()) else {
                tracing::error!(rule = %ctx.rule.rule.name, "Could not send to DLQ as no topic is configured");
                return ActionResult::Stop;
            };
            let value = match ctx.original_wire {
                Some(wire) => Bytes::copy_from_slice(wire),
                None => match serde_json::to_vec(&message_to_json(ctx.original_message)) {
                    Ok(json) => Bytes::from(json),
                    Err(e) => {
                        tracing::error!(%e, "Could not encode the record for the DLQ");
                        return ActionResult::Stop;
                    }
                },
            };
            let key = ctx.original_key.map(Bytes::copy_from_slice);
            let headers = Self::headers(ctx, error);
            if let Err(e) = self.transport.send(topic, None, key, value, headers).await {
                tracing::error!(%e, topic, "Could not produce message to DLQ topic");
            }
            ActionResult::Stop
        })
    }
}
