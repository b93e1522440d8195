//! Errors from API calls, with field violations split out for forms.

use multitok_shared::grpc_web::{Status, code};
use prost::Message;

/// What a failed call means for the page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ApiError {
    /// A sentence for the top of the form.
    pub message: String,
    /// Per-field messages (from `InvalidArgument` field violations).
    /// Field violations in the order the server sent them, the first per field.
    pub fields: Vec<(String, String)>,
    /// The server refused because of the state of things (such as a quota), not the input.
    pub failed_precondition: bool,
}

impl ApiError {
    /// The message for one field, if any.
    pub fn field(&self, name: &str) -> Option<String> {
        self.fields
            .iter()
            .find(|(f, _)| f == name)
            .map(|(_, m)| m.clone())
    }
}

/// `google.rpc.Status`, as carried in `grpc-status-details-bin`.
#[derive(Clone, PartialEq, Message)]
struct RpcStatus {
    #[prost(message, repeated, tag = "3")]
    details: Vec<prost_types::Any>,
}

/// `google.rpc.BadRequest`.
#[derive(Clone, PartialEq, Message)]
struct BadRequest {
    #[prost(message, repeated, tag = "1")]
    field_violations: Vec<FieldViolation>,
}

#[derive(Clone, PartialEq, Message)]
struct FieldViolation {
    #[prost(string, tag = "1")]
    field: String,
    #[prost(string, tag = "2")]
    description: String,
}

/// Field violations inside a status's details, first message per field.
fn field_violations(status: &Status) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    let Ok(details) = RpcStatus::decode(status.details.as_slice()) else {
        return fields;
    };
    for any in details
        .details
        .iter()
        .filter(|a| a.type_url.ends_with("/google.rpc.BadRequest"))
    {
        if let Ok(bad) = BadRequest::decode(any.value.as_slice()) {
            for v in bad.field_violations {
                if !fields.iter().any(|(f, _)| *f == v.field) {
                    fields.push((v.field, v.description));
                }
            }
        }
    }
    fields
}

impl From<Status> for ApiError {
    fn from(status: Status) -> ApiError {
        let fields = field_violations(&status);
        let message = match status.code {
            code::INVALID_ARGUMENT if !fields.is_empty() => {
                "Please correct the highlighted fields.".to_owned()
            }
            code::UNAUTHENTICATED if status.message.contains("wrong email or password") => {
                "Wrong email or password.".to_owned()
            }
            code::UNAUTHENTICATED => "Your session has ended; please log in again.".to_owned(),
            code::UNAVAILABLE | code::UNKNOWN => {
                "The server cannot be reached. Try again in a moment.".to_owned()
            }
            _ => capitalize(&status.message),
        };
        ApiError {
            message,
            fields,
            failed_precondition: status.code == code::FAILED_PRECONDITION,
        }
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        // The server's messages are English: ASCII case is enough, and Unicode's case tables
        // would weigh on the first load.
        Some(first) => format!("{}{}.", first.to_ascii_uppercase(), chars.as_str()),
        None => "Something went wrong.".to_owned(),
    }
}
